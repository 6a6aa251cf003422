import { harFileName, toHar } from "../../../src/export/har-writer";
import type { HarEntry } from "../../../src/export/har-types";
import { validateCorsLensHar } from "../../../src/export/validate-corslens";
import { harValidator } from "./har-schema";
import { neverSent, sampleLog } from "./sample-log";
import type { Exchange } from "../../../src/cors/model";

const NOW = new Date(Date.UTC(2026, 10, 25, 17, 0, 0));
const options = { redact: false, browser: "chromium" as const, browserVersion: "156.0.0.0", creatorVersion: "0.1.0", now: NOW };
const validateHar = harValidator();

function roles(entries: HarEntry[]): string[] {
  return entries.map((e) => `${e._corsLens.exchangeId}:${e._corsLens.role}${e._corsLens.hop ? e._corsLens.hop : ""}`);
}

describe("toHar", () => {
  const har = toHar(sampleLog, options);
  const entries = har.log.entries;

  test("is valid HAR 1.2 (har-schema) and conforms to every _corsLens rule", () => {
    expect(validateHar(har)).toEqual([]);
    expect(validateCorsLensHar(har)).toEqual([]);
    expect(validateHar(toHar(sampleLog, { ...options, redact: true }))).toEqual([]);
    expect(validateCorsLensHar(toHar(sampleLog, { ...options, redact: true }))).toEqual([]);
  });

  test("log metadata", () => {
    expect(har.log.version).toBe("1.2");
    expect(har.log.creator).toEqual({ name: "CORS Lens", version: "0.1.0" });
    expect(har.log.browser).toEqual({ name: "Chromium", version: "156.0.0.0" });
    expect(har.log._corsLens).toEqual({
      version: 1,
      browser: "chromium",
      tabId: 7,
      pageUrl: "http://127.0.0.1:3000/app?code=oauth-code-xyz",
      redacted: false,
      dropped: 3,
    });
    expect(toHar(sampleLog, { ...options, browser: "firefox" }).log.browser.name).toBe("Firefox");
  });

  test("one entry per request the browser made, in start-time order", () => {
    expect(roles(entries)).toEqual(["cr-100:request", "cr-100:redirect1", "cr-200:request", "cr-200:preflight", "cr-300:request"]);
    const starts = entries.map((e) => Date.parse(e.startedDateTime));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  test("the redirect chain: redirectURL names the next hop, the request keeps the page's URL", () => {
    const [request, hop1] = entries;
    expect(request?.request.url).toBe("http://localhost:4000/old?session=s3cr3tvalue&page=2");
    expect(request?.response.status).toBe(302);
    expect(request?.response.redirectURL).toBe(hop1?.request.url);
    expect(hop1?._corsLens).toEqual({ exchangeId: "cr-100", role: "redirect", hop: 1 });
    expect(hop1?.response.content).toEqual({ size: 27, mimeType: "application/json; charset=utf-8", comment: expect.any(String) });
    expect(hop1?.serverIPAddress).toBe("127.0.0.1");
    expect(request?._corsLens).toEqual({
      exchangeId: "cr-100",
      role: "request",
      verdict: "allowed",
      explanation: expect.stringContaining("after one redirect"),
      warnings: [],
      cachedPreflight: false,
      credentials: "omit-or-same-origin",
      credentialsInferred: true,
    });
  });

  test("a request never sent: status 0, no headers, _error, unknown timings; its preflight is an entry", () => {
    const request = entries[2] as HarEntry;
    expect(request.response.status).toBe(0);
    expect(request.response.headers).toEqual([]);
    expect(request.request.headers).toEqual([]);
    expect(request._error).toBe("net::ERR_FAILED");
    expect(request.response._error).toBe("net::ERR_FAILED");
    expect(request.timings).toEqual({ blocked: -1, dns: -1, connect: -1, ssl: -1, send: -1, wait: -1, receive: -1 });
    expect(request._corsLens.failure).toEqual({
      id: "method-not-allowed",
      phase: "preflight",
      header: "access-control-allow-methods",
      received: "GET, POST",
      required: "PUT",
      confidence: "certain",
      browserMessage: expect.stringContaining("Method PUT is not allowed"),
    });
    const preflight = entries[3] as HarEntry;
    expect(preflight.request.method).toBe("OPTIONS");
    expect(preflight._corsLens).toEqual({ exchangeId: "cr-200", role: "preflight" });
    expect(preflight.request.headers).toContainEqual({ name: "Access-Control-Request-Method", value: "PUT" });
    expect(preflight.response.status).toBe(204);
    expect(preflight.timings.wait).toBe(3);
  });

  test("a blocked response keeps the headers the browser saw; cached preflight is flagged; no bodies", () => {
    const blocked = entries[4] as HarEntry;
    expect(blocked.response.status).toBe(200);
    expect(blocked.response.headers.map((h) => h.name)).toEqual(["Set-Cookie", "Content-Type"]);
    expect(blocked._corsLens.cachedPreflight).toBe(true);
    expect(blocked._corsLens.failure?.candidates).toEqual(["acao-mismatch"]);
    expect(blocked._corsLens.credentialsInferred).toBeUndefined();
    for (const e of entries) {
      expect("postData" in e.request).toBe(false);
      expect("text" in e.response.content).toBe(false);
    }
    expect(blocked.request.cookies).toEqual([
      { name: "sid", value: "cookie-secret-1" },
      { name: "theme", value: "dark" },
    ]);
    expect(blocked.response.cookies).toEqual([{ name: "sid", value: "new-cookie-secret", path: "/", httpOnly: true, sameSite: "Lax" }]);
    expect(blocked.request.queryString).toEqual([
      { name: "access_token", value: "tok-abc-123" },
      { name: "x", value: "1" },
      { name: "Key", value: "k3y-value" },
    ]);
  });

  test("an empty log is still a valid HAR", () => {
    const empty = toHar({ tabId: 1, pageUrl: null, entries: [], dropped: 0 }, options);
    expect(validateHar(empty)).toEqual([]);
    expect(validateCorsLensHar(empty)).toEqual([]);
    expect(empty.log._corsLens.pageUrl).toBe("");
    expect(empty.log.pages).toEqual([]);
  });
});

describe("validateCorsLensHar catches violations", () => {
  const fresh = () => JSON.parse(JSON.stringify(toHar(sampleLog, options))) as { log: { entries: HarEntry[]; _corsLens: Record<string, unknown> } };
  test.each([
    ["a missing verdict", (h: ReturnType<typeof fresh>) => { delete (h.log.entries[0] as HarEntry)._corsLens.verdict; }, "verdict is invalid"],
    ["an unknown failure id", (h: ReturnType<typeof fresh>) => { (h.log.entries[2] as HarEntry)._corsLens.failure!.id = "cors-broken"; }, "not an id"],
    ["verdict fields on a preflight", (h: ReturnType<typeof fresh>) => { (h.log.entries[3] as HarEntry)._corsLens.verdict = "allowed"; }, "only on the request entry"],
    ["a broken redirect chain", (h: ReturnType<typeof fresh>) => { (h.log.entries[0] as HarEntry).response.redirectURL = "http://elsewhere/"; }, "does not name it"],
    ["entries out of order", (h: ReturnType<typeof fresh>) => { h.log.entries.reverse(); }, "start-time order"],
    ["a wrong version", (h: ReturnType<typeof fresh>) => { h.log._corsLens.version = 2; }, "version must be 1"],
    ["a secret left in a redacted file", (h: ReturnType<typeof fresh>) => { h.log._corsLens.redacted = true; }, "Authorization is not redacted"],
    ["an unredacted cookie whose name is an object with its own toString", (h: ReturnType<typeof fresh>) => { h.log._corsLens.redacted = true; (h.log.entries[0] as HarEntry).request.cookies = JSON.parse('[{"name":{"toString":1},"value":"v"}]'); }, "cookie (a name that is not a string) is not redacted"],
    ["a body", (h: ReturnType<typeof fresh>) => { Object.assign((h.log.entries[0] as HarEntry).request, { postData: { mimeType: "text/plain", text: "x" } }); }, "postData"],
    ["a cached preflight on an exchange whose every hop has a preflight entry", (h: ReturnType<typeof fresh>) => { requestOf(h.log.entries, "cr-200")._corsLens.cachedPreflight = true; }, "cachedPreflight is true but every hop has a preflight entry"],
  ])("%s", (_name, mutate, message) => {
    const har = fresh();
    mutate(har);
    expect(validateCorsLensHar(har).join("\n")).toContain(message);
  });

  test("a request preflighted, then redirected to a URL whose preflight was cached, is valid (Chromium, generated seed 23)", () => {
    const pf = neverSent.hops[0] as Exchange["hops"][number];
    const target = "http://localhost:4000/items/moved";
    const redirected: Exchange = {
      ...neverSent,
      id: "cr-900",
      hops: [
        { ...pf, requestHeaders: [{ name: "Origin", value: "http://127.0.0.1:3000" }], response: { status: 307, statusText: "Temporary Redirect", headers: [{ name: "Location", value: target }, { name: "Access-Control-Allow-Origin", value: "*" }], time: pf.startTime + 8 }, redirectUrl: target },
        { url: target, method: "PUT", requestHeaders: [{ name: "Origin", value: "http://127.0.0.1:3000" }], startTime: pf.startTime + 9, preflightState: "cached", response: { status: 200, statusText: "OK", headers: [{ name: "Access-Control-Allow-Origin", value: "*" }], time: pf.startTime + 12 } },
      ],
      outcome: { state: "completed", endTime: pf.startTime + 13 },
    };
    const log = { ...sampleLog, entries: [...sampleLog.entries, { exchange: redirected, diagnosis: { verdict: "allowed" as const, explanation: "ok", warnings: [], cachedPreflight: true, credentials: "omit-or-same-origin" as const, credentialsInferred: true, browser: "chromium" as const } }] };
    const har = toHar(log, options);
    expect(roles(har.log.entries.filter((e) => e._corsLens.exchangeId === "cr-900"))).toEqual(["cr-900:request", "cr-900:preflight", "cr-900:redirect1"]);
    expect(validateCorsLensHar(har)).toEqual([]);
  });
});

function requestOf(entries: HarEntry[], exchangeId: string): HarEntry {
  const entry = entries.find((e) => e._corsLens.exchangeId === exchangeId && e._corsLens.role === "request");
  if (!entry) throw new Error(`no request entry for ${exchangeId}`);
  return entry;
}

describe("harFileName", () => {
  const date = new Date(2026, 10, 25, 17, 15, 2);
  test.each([
    ["http://localhost:3000/app", "cors-lens-localhost_3000-20261125-171502.har"],
    ["https://app.example.com/x?y=1", "cors-lens-app.example.com-20261125-171502.har"],
    ["http://[::1]:8080/", "cors-lens---1_8080-20261125-171502.har"],
    [null, "cors-lens-page-20261125-171502.har"],
    ["not a url", "cors-lens-page-20261125-171502.har"],
  ])("%s", (url, name) => {
    expect(harFileName(url, date)).toBe(name);
    expect(harFileName(url, date)).not.toContain(":");
  });
});
