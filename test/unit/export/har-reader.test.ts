import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import type { Exchange } from "../../../src/cors/model";
import { diagnose } from "../../../src/cors/diagnose";
import { HarReadError, readHar } from "../../../src/export/har-reader";
import { toHar } from "../../../src/export/har-writer";
import { sampleLog } from "./sample-log";

const FIXTURES = join(__dirname, "../../fixtures/har");
const fixture = (name: string): unknown => JSON.parse(readFileSync(join(FIXTURES, name), "utf8"));

/** A one-line view of an exchange: what the engine's judgement depends on. */
function summary(x: Exchange) {
  return {
    method: x.method,
    url: x.url,
    initiator: x.initiator,
    trafficClass: x.trafficClass,
    type: x.type,
    hops: x.hops.map((h) => `${h.method} ${h.url} ${h.response?.status ?? "-"} preflight:${h.preflightState}${h.preflight ? `(${h.preflight.response?.status ?? "-"})` : ""}${h.requestHeaders === null ? (h.response ? " headers-unobserved" : " never-sent") : ""}`),
    outcome: x.outcome.state === "failed" ? `failed ${x.outcome.error}` : x.outcome.state,
  };
}

describe("CORS Lens HAR round trip (write → read)", () => {
  // request ids and frame ids are not part of HAR: the reader names requests after their entries
  const strip = (x: Exchange) => ({
    ...x,
    requestIds: [],
    frameId: 0,
    hops: x.hops.map((h) => (h.preflight ? { ...h, preflight: { ...h.preflight, requestId: "" } } : h)),
  });
  test("gives back the same exchanges", () => {
    const har = JSON.parse(JSON.stringify(toHar(sampleLog, { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "0.1.0" })));
    const result = readHar(har);
    expect(result.source).toBe("cors-lens");
    expect(result.browser).toBe("chromium");
    expect(result.warnings).toEqual([]);
    expect(result.pageUrl).toBe("http://127.0.0.1:3000/app?code=oauth-code-xyz");
    expect(result.corsLens).toEqual({ tabId: 7, redacted: false, dropped: 3 });
    expect(result.exchanges.map(strip)).toEqual(sampleLog.entries.map((e) => strip(e.exchange)));
  });
  test("the file's browser is kept unless overridden", () => {
    const har = toHar(sampleLog, { redact: true, browser: "firefox", browserVersion: "153", creatorVersion: "0.1.0" });
    expect(readHar(har).browser).toBe("firefox");
    expect(readHar(har, { browser: "chromium" }).browser).toBe("chromium");
    expect(readHar(har).corsLens?.redacted).toBe(true);
    expect(readHar(har).exchanges.map((x) => x.id)).toEqual(["cr-100", "cr-200", "cr-300"]);
  });
});

describe("Chrome DevTools 'Save all as HAR'", () => {
  const result = readHar(fixture("chrome-devtools.har"));
  test("browser, source, no warnings", () => {
    expect([result.browser, result.source, result.warnings]).toEqual(["chromium", "chrome-devtools", []]);
  });
  test("regroups preflight, redirect chain, failures; infers the page origin", () => {
    expect(result.exchanges.map(summary)).toEqual([
      { method: "GET", url: "http://localhost:4000/ok", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4000/ok 200 preflight:not-needed"], outcome: "completed" },
      { method: "PUT", url: "http://localhost:4000/items/1", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["PUT http://localhost:4000/items/1 - preflight:sent(204)"], outcome: "failed net::ERR_FAILED" },
      { method: "GET", url: "http://localhost:4000/old", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4000/old 302 preflight:not-needed", "GET http://localhost:4000/new 200 preflight:not-needed"], outcome: "completed" },
      { method: "GET", url: "http://localhost:4000/no-acao", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4000/no-acao 200 preflight:not-needed"], outcome: "failed net::ERR_FAILED" },
      { method: "GET", url: "http://localhost:4999/down", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4999/down - preflight:not-needed"], outcome: "failed net::ERR_CONNECTION_REFUSED" },
      { method: "GET", url: "http://127.0.0.1:3000/static/data.json", initiator: "http://127.0.0.1:3000", trafficClass: "same-origin", type: "xmlhttprequest", hops: ["GET http://127.0.0.1:3000/static/data.json 200 preflight:not-needed"], outcome: "completed" },
    ]);
  });
  test("keeps headers and timing: the preflight's own headers, the redirect target", () => {
    const put = result.exchanges[1] as Exchange;
    expect(put.hops[0]?.preflight?.requestHeaders).toContainEqual({ name: "Access-Control-Request-Method", value: "PUT" });
    expect(put.hops[0]?.preflight?.response?.headers).toContainEqual({ name: "Access-Control-Allow-Methods", value: "GET, POST" });
    expect(result.exchanges[2]?.hops[0]?.redirectUrl).toBe("http://localhost:4000/new");
    expect(result.exchanges[0]?.startTime).toBe(Date.parse("2026-11-25T17:15:02.100Z"));
    expect(result.exchanges[0]?.hops[0]?.response?.time).toBe(Date.parse("2026-11-25T17:15:02.100Z") + 4);
  });
});

describe("Firefox network monitor HAR (shape of devtools/client/netmonitor/src/har/har-builder.js)", () => {
  const result = readHar(fixture("firefox-netmonitor.har"));
  test("browser and source", () => {
    expect([result.browser, result.source]).toEqual(["firefox", "firefox"]);
  });
  test("regroups; a blocked response is complete (Firefox reports it so); a relative Location chains", () => {
    expect(result.exchanges.map(summary)).toEqual([
      { method: "GET", url: "http://localhost:4000/ok?page=2", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "other", hops: ["GET http://localhost:4000/ok?page=2 200 preflight:not-needed"], outcome: "completed" },
      { method: "PUT", url: "http://localhost:4000/items/1", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "other", hops: ["PUT http://localhost:4000/items/1 - preflight:sent(204) never-sent"], outcome: "failed NS_ERROR_DOM_BAD_URI" },
      { method: "GET", url: "http://localhost:4000/old", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "other", hops: ["GET http://localhost:4000/old 302 preflight:not-needed", "GET http://localhost:4000/new 200 preflight:not-needed"], outcome: "completed" },
      { method: "GET", url: "http://localhost:4000/no-acao", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "other", hops: ["GET http://localhost:4000/no-acao 200 preflight:not-needed"], outcome: "completed" },
      { method: "GET", url: "http://127.0.0.1:3000/static/data.json", initiator: "http://127.0.0.1:3000", trafficClass: "same-origin", type: "other", hops: ["GET http://127.0.0.1:3000/static/data.json 200 preflight:not-needed"], outcome: "completed" },
    ]);
    expect(result.warnings).toEqual([expect.stringContaining("assumed the browser's CORS error (NS_ERROR_DOM_BAD_URI)")]);
  });
});

describe("chrome-har output (Puppeteer/Browsertime)", () => {
  const result = readHar(fixture("chrome-har-output.har"));
  // The fixture's CDP trace has no ExtraInfo events, so chrome-har only knew the renderer's
  // provisional request headers (no Host, no Origin): they are not taken as what was sent.
  test("warns that failed requests are missing; a lone preflight stands for a request never sent", () => {
    expect([result.browser, result.source]).toEqual(["chromium", "chrome-har"]);
    expect(result.warnings[0]).toContain("chrome-har leaves out requests that failed");
    expect(result.exchanges.map(summary)).toEqual([
      { method: "GET", url: "http://127.0.0.1:3000/", initiator: "http://127.0.0.1:3000", trafficClass: "navigation", type: "main_frame", hops: ["GET http://127.0.0.1:3000/ 200 preflight:unknown headers-unobserved"], outcome: "completed" },
      { method: "GET", url: "http://localhost:4000/ok", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4000/ok 200 preflight:unknown headers-unobserved"], outcome: "completed" },
      { method: "PUT", url: "http://localhost:4000/items/1", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "other", hops: ["PUT http://localhost:4000/items/1 - preflight:sent(204) never-sent"], outcome: "failed net::ERR_FAILED" },
      { method: "GET", url: "http://localhost:4000/old", initiator: "http://127.0.0.1:3000", trafficClass: "cross-origin", type: "xmlhttprequest", hops: ["GET http://localhost:4000/old 302 preflight:unknown headers-unobserved", "GET http://localhost:4000/new 200 preflight:unknown headers-unobserved"], outcome: "completed" },
    ]);
  });
  // Found by the generated agreement scenarios: chrome-har also leaves out a request sent after
  // its preflight passed and then blocked at its response; its lone OPTIONS was read as a
  // request never sent, and the engine named a preflight rule the browser never applied.
  test("a lone preflight that passed stands for a request the file left out: interrupted, no verdict", () => {
    const har = fixture("chrome-har-output.har") as { log: { entries: { request: { method: string }; response: { headers: { name: string; value: string }[] } }[] } };
    const options = har.log.entries.find((e) => e.request.method === "OPTIONS");
    if (!options) throw new Error("the fixture has an OPTIONS entry");
    // the fixture's OPTIONS allows GET and POST, not the PUT it guards; now it allows PUT too
    options.response.headers = options.response.headers.map((h) => (/^access-control-allow-methods$/i.test(h.name) ? { ...h, value: "GET, POST, PUT" } : h));
    const put = readHar(har).exchanges.find((x) => x.method === "PUT") as Exchange;
    expect(put.outcome).toEqual({ state: "pending", interrupted: true });
    expect(diagnose(put).verdict).toBe("pending");
  });
});

/** The engine's judgement of every exchange read from a file. */
function verdicts(name: string): string[] {
  return readHar(fixture(name)).exchanges.map((x) => {
    const d = diagnose(x);
    return `${x.method} ${new URL(x.url).pathname} ${d.verdict}${d.failure ? ` ${d.failure.id}` : ""}`;
  });
}

describe("the engine judges imported files as it judges live capture", () => {
  test("Chrome DevTools", () => {
    expect(verdicts("chrome-devtools.har")).toEqual([
      "GET /ok allowed",
      "PUT /items/1 blocked method-not-allowed",
      "GET /old allowed",
      "GET /no-acao blocked acao-missing",
      "GET /down network-error non-cors-network-error",
      "GET /static/data.json not-cors",
    ]);
  });
  test("Firefox: the blocked response completed, the engine's own check finds the rule", () => {
    expect(verdicts("firefox-netmonitor.har")).toEqual([
      "GET /ok allowed",
      "PUT /items/1 blocked method-not-allowed",
      "GET /old allowed",
      "GET /no-acao blocked acao-missing",
      "GET /static/data.json not-cors",
    ]);
  });
  test("chrome-har", () => {
    expect(verdicts("chrome-har-output.har")).toEqual(["GET / not-cors", "GET /ok allowed", "PUT /items/1 blocked method-not-allowed", "GET /old allowed"]);
  });
  test("a CORS Lens file: same verdicts as the diagnoses written in it", () => {
    const har = toHar({ tabId: 1, pageUrl: null, dropped: 0, entries: readHar(fixture("chrome-devtools.har")).exchanges.map((exchange) => ({ exchange, diagnosis: diagnose(exchange) })) }, { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "t" });
    const written = har.log.entries.filter((e) => e._corsLens.role === "request").map((e) => `${e._corsLens.verdict} ${e._corsLens.failure?.id ?? ""}`);
    const reread = readHar(JSON.parse(JSON.stringify(har))).exchanges.map((x) => diagnose(x)).map((d) => `${d.verdict} ${d.failure?.id ?? ""}`);
    expect(reread).toEqual(written);
  });
});

describe("pairing", () => {
  const entry = (t: number, method: string, url: string, headers: [string, string][], status: number, res: [string, string][] = []) => ({
    startedDateTime: new Date(t).toISOString(),
    time: 5,
    request: { method, url, headers: headers.map(([name, value]) => ({ name, value })) },
    response: { status, statusText: "", headers: res.map(([name, value]) => ({ name, value })), redirectURL: "" },
    timings: { send: 0, wait: 4, receive: 1 },
  });
  test("each preflight guards the request with the same URL and method closest in time", () => {
    const u = "http://api.test/x";
    const pre = (t: number, m: string) => entry(t, "OPTIONS", u, [["Origin", "http://a.test"], ["Access-Control-Request-Method", m]], 204, [["Access-Control-Allow-Origin", "*"]]);
    const req = (t: number, m: string) => entry(t, m, u, [["Origin", "http://a.test"], ["X-Y", "1"]], 200, [["Access-Control-Allow-Origin", "*"]]);
    const result = readHar({ log: { entries: [req(1000, "PUT"), pre(1001, "PUT"), req(2000, "DELETE"), pre(2001, "DELETE"), req(3000, "PUT"), pre(3001, "PUT"), entry(4000, "OPTIONS", u, [["Origin", "http://a.test"]], 200)] } });
    expect(result.exchanges.map((x) => `${x.method}@${x.startTime}:${x.hops[0]?.preflight?.startTime ?? x.hops[0]?.preflightState}`)).toEqual([
      "PUT@1000:1001",
      "DELETE@2000:2001",
      "PUT@3000:3001",
      // a page's own OPTIONS (no Access-Control-Request-Method) is a request, itself needing a preflight
      "OPTIONS@4000:cached",
    ]);
  });
});

describe("malformed input", () => {
  test.each([
    ["null", null, "not a HAR file: the top level is not a JSON object"],
    ["an array", [1, 2], "not a HAR file: the top level is not a JSON object"],
    ["no log", { foo: 1 }, 'not a HAR file: no "log" object'],
    ["entries not an array", { log: { entries: {} } }, 'not a HAR file: "log.entries" is not an array'],
  ])("%s → HarReadError", (_name, input, message) => {
    expect(() => readHar(input)).toThrow(HarReadError);
    expect(() => readHar(input)).toThrow(message);
  });

  test("unusable entries are skipped with a warning", () => {
    const result = readHar({ log: { entries: [1, { request: {} }, { request: { url: "http://x.test/", method: "GET" }, startedDateTime: "yesterday" }] } });
    expect(result.exchanges).toEqual([]);
    expect(result.warnings).toEqual(
      expect.arrayContaining(["entry 0 skipped: not an object", "entry 1 skipped: no request.url", "entry 2 skipped: startedDateTime is not a date"]),
    );
  });

  test("a header value that is not a string: numbers kept as text, objects empty (even one whose toString the file replaced)", () => {
    const text = `{"log":{"entries":[{"startedDateTime":"2026-01-01T00:00:00.000Z","request":{"method":"GET","url":"http://api.test/x","headers":[{"name":"Origin","value":{"toString":1}},{"name":"X-Count","value":3}]},"response":{"status":200,"headers":[{"name":"Access-Control-Allow-Origin","value":{}}]}}]}}`;
    const [ex] = readHar(JSON.parse(text)).exchanges;
    expect(ex?.hops[0]?.requestHeaders).toEqual([
      { name: "Origin", value: "" },
      { name: "X-Count", value: "3" },
    ]);
    expect(ex?.hops[0]?.response?.headers).toEqual([{ name: "Access-Control-Allow-Origin", value: "" }]);
  });

  test("maxEntries bounds the work and says so", () => {
    const entries = Array.from({ length: 50 }, (_, i) => ({
      startedDateTime: new Date(1_000_000 + i).toISOString(),
      request: { url: `http://x.test/${i}`, method: "GET", headers: [] },
      response: { status: 200, headers: [] },
    }));
    const result = readHar({ log: { entries } }, { maxEntries: 10 });
    expect(result.exchanges).toHaveLength(10);
    expect(result.warnings).toContain("the file has 50 entries; only the first 10 were read");
  });

  test("never throws anything but HarReadError, whatever the JSON", () => {
    const json = fc.letrec((tie) => ({
      value: fc.oneof({ depthSize: "small" }, fc.constant(null), fc.boolean(), fc.integer(), fc.string(), fc.array(tie("value"), { maxLength: 3 }), fc.dictionary(fc.constantFrom("log", "entries", "request", "response", "url", "method", "headers", "startedDateTime", "status", "name", "value", "_corsLens", "exchangeId", "role", "hop", "redirectURL", "pages"), tie("value"), { maxKeys: 5 })),
    })).value;
    fc.assert(
      fc.property(json, (input) => {
        try {
          readHar(input);
        } catch (e) {
          if (!(e instanceof HarReadError)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe("a CORS Lens exchange without its request entry", () => {
  test("its entries are regrouped by rule in start order with the others: a redirect chains to the later entry it names", () => {
    const entry = (t: number, url: string, status: number, redirectURL: string, corsLens?: object) => ({
      startedDateTime: new Date(t).toISOString(),
      time: 5,
      request: { method: "GET", url, headers: [{ name: "Origin", value: "http://a.test" }] },
      response: { status, statusText: "", headers: [{ name: "Access-Control-Allow-Origin", value: "*" }], redirectURL },
      ...(corsLens ? { _corsLens: corsLens } : {}),
    });
    // the redirect (hop 1 of an exchange whose request entry is missing) starts first and names
    // the plain entry that follows it: one exchange of two hops
    const result = readHar({ log: { entries: [entry(2000, "http://api.test/b", 200, ""), entry(1000, "http://api.test/a", 302, "http://api.test/b", { exchangeId: "x1", role: "redirect", hop: 1 })] } });
    expect(result.exchanges.map((x) => x.hops.map((h) => `${h.url} ${h.response?.status}`))).toEqual([["http://api.test/a 302", "http://api.test/b 200"]]);
    expect(result.warnings).toContain("exchange x1 has no request entry; its 1 entries are regrouped by rule");
  });
});
