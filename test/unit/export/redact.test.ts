import { toHar } from "../../../src/export/har-writer";
import type { HarEntry } from "../../../src/export/har-types";
import { REDACTED, redactDiagnosis, redactExchange, redactUrl } from "../../../src/export/redact";
import { diagnosed, sampleLog, secretBlocked } from "./sample-log";

describe("redactUrl edits only sensitive query values, as text", () => {
  test.each([
    ["https://a.example/p?access_token=abc&x=1", "https://a.example/p?access_token=[redacted]&x=1"],
    ["https://a.example/p?ID_TOKEN=abc", "https://a.example/p?ID_TOKEN=[redacted]"],
    ["https://a.example/p?token=a&api_key=b&apikey=c&key=d&sig=e&signature=f", "https://a.example/p?token=[redacted]&api_key=[redacted]&apikey=[redacted]&key=[redacted]&sig=[redacted]&signature=[redacted]"],
    ["https://a.example/p?password=a&secret=b&code=c&Session=d", "https://a.example/p?password=[redacted]&secret=[redacted]&code=[redacted]&Session=[redacted]"],
    // not re-serialized: odd encodings, empty pairs, repeated names and fragments survive as they were
    ["HTTPS://A.example:443/a%2fb/../c?x=%7e&&token=t%20t&x=2&token=#frag?token=f", "HTTPS://A.example:443/a%2fb/../c?x=%7e&&token=[redacted]&x=2&token=[redacted]#frag?token=f"],
    ["https://a.example/p?monkey=1&tokens=2&token", "https://a.example/p?monkey=1&tokens=2&token"],
    ["https://a.example/p?ac%63ess_token=abc", "https://a.example/p?ac%63ess_token=[redacted]"],
    ["https://a.example/no-query", "https://a.example/no-query"],
  ])("%s", (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });
});

describe("HAR export with redaction, field by field", () => {
  const har = toHar(sampleLog, { redact: true, browser: "chromium", browserVersion: "156", creatorVersion: "0.1.0" });
  const entries = har.log.entries;
  const blocked = entries.find((e) => e._corsLens.exchangeId === "cr-300") as HarEntry;
  const redirect = entries.find((e) => e._corsLens.role === "request" && e._corsLens.exchangeId === "cr-100") as HarEntry;
  const text = JSON.stringify(har);

  test("log._corsLens.redacted and the page URL", () => {
    expect(har.log._corsLens.redacted).toBe(true);
    expect(har.log._corsLens.pageUrl).toBe("http://127.0.0.1:3000/app?code=[redacted]");
    expect(har.log.pages[0]?.title).toBe("http://127.0.0.1:3000/app?code=[redacted]");
  });

  test("Authorization, Proxy-Authorization, Cookie request headers", () => {
    expect(blocked.request.headers).toEqual([
      { name: "Origin", value: "http://127.0.0.1:3000" },
      { name: "Authorization", value: REDACTED },
      { name: "Cookie", value: REDACTED },
      { name: "Proxy-Authorization", value: REDACTED },
    ]);
  });

  test("Set-Cookie response header and both cookies arrays (names kept)", () => {
    expect(blocked.response.headers[0]).toEqual({ name: "Set-Cookie", value: REDACTED });
    expect(blocked.request.cookies).toEqual([
      { name: "sid", value: REDACTED },
      { name: "theme", value: REDACTED },
    ]);
    expect(blocked.response.cookies).toEqual([{ name: "sid", value: REDACTED, path: "/", httpOnly: true, sameSite: "Lax" }]);
  });

  test("request.url, queryString, Location and redirectURL", () => {
    expect(blocked.request.url).toBe("http://localhost:4000/me?access_token=[redacted]&x=1&Key=[redacted]#frag");
    expect(blocked.request.queryString).toEqual([
      { name: "access_token", value: REDACTED },
      { name: "x", value: "1" },
      { name: "Key", value: REDACTED },
    ]);
    expect(redirect.request.url).toBe("http://localhost:4000/old?session=[redacted]&page=2");
    expect(redirect.response.redirectURL).toBe("http://localhost:4000/new?session=[redacted]&page=2");
    expect(redirect.response.headers[0]).toEqual({ name: "Location", value: "http://localhost:4000/new?session=[redacted]&page=2" });
  });

  test("failure.browserMessage, explanation and warnings text", () => {
    expect(blocked._corsLens.failure?.browserMessage).toContain("/me?access_token=[redacted]&x=1&Key=[redacted]#frag'");
    expect(blocked._corsLens.explanation).toBe(
      "The request sent Authorization: [redacted] and cookie sid=[redacted] but the response had no Access-Control-Allow-Origin.",
    );
    expect(blocked._corsLens.warnings).toEqual([{ id: "warn-missing-vary-origin", text: "Set-Cookie sid=[redacted] was sent without Vary: Origin." }]);
    expect(redirect._corsLens.explanation).toBe("http://127.0.0.1:3000 read http://localhost:4000/new?session=[redacted]&page=2 after one redirect.");
  });

  test("no secret survives anywhere in the file", () => {
    for (const secret of ["s3cr3tvalue", "tok-abc-123", "k3y-value", "eyJhbGciOi", "cookie-secret-1", "new-cookie-secret", "cHJveHk6cGFzcw", "oauth-code-xyz"]) {
      expect(text).not.toContain(secret);
    }
  });

  test("without redaction every value is kept", () => {
    const plain = JSON.stringify(toHar(sampleLog, { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "0.1.0" }));
    for (const secret of ["s3cr3tvalue", "tok-abc-123", "eyJhbGciOi.secret", "cookie-secret-1"]) expect(plain).toContain(secret);
  });
});

describe("failure.received on a secret header", () => {
  test("is replaced whatever its length", () => {
    const entry = diagnosed[2]!;
    const d = redactDiagnosis(
      { ...entry.diagnosis, failure: { ...entry.diagnosis.failure!, header: "authorization", received: "abc", required: "x" } },
      entry.exchange,
    );
    expect(d.failure?.received).toBe(REDACTED);
    expect(d.failure?.required).toBe(REDACTED);
  });
  test("other received values lose only embedded secrets", () => {
    const entry = diagnosed[2]!;
    const d = redactDiagnosis(
      { ...entry.diagnosis, failure: { ...entry.diagnosis.failure!, header: "access-control-allow-origin", received: "sid=cookie-secret-1" } },
      entry.exchange,
    );
    expect(d.failure?.received).toBe("sid=[redacted]");
  });
});

test("redactExchange redacts every header list and URL of an exchange", () => {
  const r = redactExchange(secretBlocked);
  expect(r.url).toBe("http://localhost:4000/me?access_token=[redacted]&x=1&Key=[redacted]#frag");
  expect(r.hops[0]?.requestHeaders?.filter((h) => h.value === REDACTED).length).toBe(3);
  expect(r.hops[0]?.response?.headers[0]?.value).toBe(REDACTED);
  expect(secretBlocked.hops[0]?.requestHeaders?.[1]?.value).toBe("Bearer eyJhbGciOi.secret");
});
