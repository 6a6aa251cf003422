/**
 * Hardening, privacy: redaction in every export format, field by field. One exchange carries a
 * distinct secret in every place one can hide — Cookie, Authorization and Proxy-Authorization
 * on the request, its redirect hop and its preflight; Set-Cookie on every response; each
 * token-like query parameter (every name of the reference, in odd cases and percent-encoded)
 * in the URL, the redirect target, the Location header, the preflight URL, the page URL and
 * the document URL; and the diagnosis text quoting them. With redaction (the default) no
 * secret survives anywhere in the HAR, the JSON export or the curl commands, and each field
 * says "[redacted]"; without it (the explicit opt-in) every secret is there.
 */
import { toCurl } from "../../../src/export/curl";
import type { Har } from "../../../src/export/har-types";
import { toHar } from "../../../src/export/har-writer";
import { toCorsLensJson } from "../../../src/export/json-export";
import { REDACTED } from "../../../src/export/redact";
import type { DiagnosedExchange, Exchange, Header } from "../../../src/cors/model";
import { DEFAULT_SETTINGS, type TabLog } from "../../../src/protocol";

/** Every secret is unique, so that a leak names the field it came from. */
const S = {
  cookie: "ck-req-0001",
  cookie2: "ck-req-0002",
  auth: "au-req-0003",
  proxy: "px-req-0004",
  hopCookie: "ck-hop-0005",
  hopAuth: "au-hop-0006",
  pfAuth: "au-pf-0007",
  setCookie: "sc-res-0008",
  hopSetCookie: "sc-hop-0009",
  pfSetCookie: "sc-pf-0010",
};
/** The reference's token-like parameter names (har-format.md, Redaction), spelled as a
 * stranger might: any case, percent-encoded. */
const PARAMS = ["access_token", "ID_TOKEN", "Token", "api_key", "apikey", "KEY", "sig", "signature", "password", "secret", "code", "session", "ac%63ess_token"];
const paramSecret = (i: number, where: string) => `q-${where}-${String(i).padStart(2, "0")}`;
const query = (where: string) => PARAMS.map((p, i) => `${p}=${paramSecret(i, where)}`).join("&");
const ALL_SECRETS = [
  ...Object.values(S),
  ...["url", "hop", "loc", "page", "doc"].flatMap((w) => PARAMS.map((_, i) => paramSecret(i, w))),
];

const PAGE = "http://app.test";
const url = `http://api.test/me?keep=1&${query("url")}#frag`;
const hopUrl = `http://api.test/next?${query("hop")}&keep=2`;
const h = (name: string, value: string): Header => ({ name, value });

const exchange: Exchange = {
  id: "r1",
  browser: "chromium",
  tabId: 3,
  frameId: 0,
  initiator: PAGE,
  documentUrl: `${PAGE}/doc?${query("doc")}`,
  type: "xmlhttprequest",
  method: "PUT",
  url,
  startTime: Date.UTC(2026, 0, 1),
  trafficClass: "cross-origin",
  requestIds: ["1", "2"],
  outcome: { state: "failed", error: "net::ERR_FAILED", endTime: Date.UTC(2026, 0, 1) + 30 },
  hops: [
    {
      url,
      method: "PUT",
      startTime: Date.UTC(2026, 0, 1),
      preflightState: "sent",
      requestHeaders: [h("Origin", PAGE), h("Cookie", `sid=${S.cookie}; theme=${S.cookie2}`), h("Authorization", `Bearer ${S.auth}`), h("proxy-authorization", `Basic ${S.proxy}`)],
      preflight: {
        requestId: "2",
        url,
        startTime: Date.UTC(2026, 0, 1),
        requestHeaders: [h("Origin", PAGE), h("Access-Control-Request-Method", "PUT"), h("AUTHORIZATION", `Bearer ${S.pfAuth}`)],
        response: { status: 204, statusText: "", headers: [h("Access-Control-Allow-Origin", PAGE), h("Access-Control-Allow-Methods", "PUT"), h("Set-Cookie", `pf=${S.pfSetCookie}; Path=/`)], time: Date.UTC(2026, 0, 1) + 5 },
      },
      response: {
        status: 307,
        statusText: "Temporary Redirect",
        headers: [h("Location", hopUrl), h("Set-Cookie", `sid=${S.setCookie}; HttpOnly`), h("Access-Control-Allow-Origin", PAGE)],
        time: Date.UTC(2026, 0, 1) + 10,
      },
      redirectUrl: hopUrl,
    },
    {
      url: hopUrl,
      method: "PUT",
      startTime: Date.UTC(2026, 0, 1) + 11,
      preflightState: "not-needed",
      requestHeaders: [h("Origin", "null"), h("Cookie", `sid=${S.hopCookie}`), h("Authorization", `Token ${S.hopAuth}`)],
      response: { status: 200, statusText: "OK", headers: [h("Set-Cookie", `n=${S.hopSetCookie}`), h("Content-Location", `http://api.test/c?${query("loc")}`)], time: Date.UTC(2026, 0, 1) + 20 },
    },
  ],
};

const entry: DiagnosedExchange = {
  exchange,
  diagnosis: {
    verdict: "blocked",
    explanation: `The request to ${url} sent Authorization: Bearer ${S.auth} and cookie sid=${S.cookie}; the redirect to ${hopUrl} answered without Access-Control-Allow-Origin.`,
    warnings: [{ id: "warn-missing-vary-origin", text: `Set-Cookie sid=${S.setCookie} and ${S.hopSetCookie} were sent without Vary: Origin.` }],
    cachedPreflight: false,
    credentials: "include",
    credentialsInferred: false,
    browser: "chromium",
    failure: {
      id: "redirect-acao-missing",
      phase: "redirect",
      hop: 1,
      header: "access-control-allow-origin",
      received: `sid=${S.hopCookie}`,
      required: PAGE,
      confidence: "certain",
      browserMessage: `Access to fetch at '${hopUrl}' (redirected from '${url}') from origin '${PAGE}' has been blocked by CORS policy: No 'Access-Control-Allow-Origin' header is present on the requested resource.`,
    },
  },
};

const log: TabLog = { tabId: 3, pageUrl: `${PAGE}/app?${query("page")}`, entries: [entry], dropped: 0 };

const leaks = (text: string) => ALL_SECRETS.filter((s) => text.includes(s));
const SECRET_HEADERS = new Set(["cookie", "set-cookie", "authorization", "proxy-authorization"]);

/** Every header list of a HAR, with where it was. */
function harHeaders(har: Har): { where: string; header: { name: string; value: string } }[] {
  return har.log.entries.flatMap((e, i) => [
    ...e.request.headers.map((header) => ({ where: `entry ${i} request`, header })),
    ...e.response.headers.map((header) => ({ where: `entry ${i} response`, header })),
  ]);
}

/** The query values of token-like names in a URL, as text. */
function tokenValues(u: string): string[] {
  const q = u.split("#")[0]?.split("?")[1] ?? "";
  return q
    .split("&")
    .map((p) => p.split("="))
    .filter(([name]) => PARAMS.some((x) => decodeURIComponent(x).toLowerCase() === decodeURIComponent(name ?? "").toLowerCase()))
    .map(([, v]) => v ?? "");
}

describe("redaction is the default", () => {
  test("settings: redactByDefault is on", () => {
    expect(DEFAULT_SETTINGS.redactByDefault).toBe(true);
  });
});

describe("HAR export, redacted", () => {
  const har = toHar(log, { redact: true, browser: "chromium", browserVersion: "156", creatorVersion: "t" });
  const text = JSON.stringify(har);

  test("no secret anywhere in the file", () => expect(leaks(text)).toEqual([]));
  test("log._corsLens.redacted says so", () => expect(har.log._corsLens.redacted).toBe(true));
  test("every Cookie, Set-Cookie, Authorization, Proxy-Authorization header (request, redirect hop, preflight)", () => {
    const secret = harHeaders(har).filter(({ header }) => SECRET_HEADERS.has(header.name.toLowerCase()));
    expect(secret.length).toBe(9);
    for (const s of secret) expect(s).toEqual({ where: s.where, header: { name: s.header.name, value: REDACTED } });
  });
  test("cookies arrays: names kept, values redacted", () => {
    for (const e of har.log.entries) {
      for (const c of [...e.request.cookies, ...e.response.cookies]) expect(c.value).toBe(REDACTED);
    }
    expect(har.log.entries.flatMap((e) => e.request.cookies.map((c) => c.name))).toEqual(expect.arrayContaining(["sid", "theme"]));
  });
  test("every token-like query parameter in request.url, queryString, redirectURL, Location, Content-Location and the page", () => {
    const urls = [
      ...har.log.entries.flatMap((e) => [e.request.url, e.response.redirectURL]),
      ...harHeaders(har)
        .filter(({ header }) => /^(content-)?location$/i.test(header.name))
        .map(({ header }) => header.value),
      har.log._corsLens.pageUrl,
      ...har.log.pages.map((p) => p.title),
    ].filter((u) => u.includes("?"));
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const u of urls) expect({ u, values: tokenValues(u) }).toEqual({ u, values: tokenValues(u).map(() => REDACTED) });
    for (const e of har.log.entries) {
      for (const q of e.request.queryString) if (tokenValues(`?${q.name}=x`).length > 0) expect(q.value).toBe(REDACTED);
    }
    // everything else of the URL stays exactly
    expect(har.log.entries[0]?.request.url).toMatch(/^http:\/\/api\.test\/me\?keep=1&access_token=\[redacted\]&.*#frag$/);
  });
  test("the diagnosis: failure.received, browserMessage, explanation, warnings", () => {
    const request = har.log.entries.find((e) => e._corsLens.role === "request");
    for (const t of [request?._corsLens.failure?.received, request?._corsLens.failure?.browserMessage, request?._corsLens.explanation, ...(request?._corsLens.warnings ?? []).map((w) => w.text)]) {
      expect(t).toContain(REDACTED);
      expect(leaks(t ?? "")).toEqual([]);
    }
  });
});

describe("JSON export, redacted", () => {
  const doc = toCorsLensJson(log, { redact: true, browser: "chromium" });
  const text = JSON.stringify(doc);
  const ex = doc.exchanges[0]?.exchange as Exchange;

  test("no secret anywhere in the file", () => expect(leaks(text)).toEqual([]));
  test("redacted: true", () => expect(doc.redacted).toBe(true));
  test("every secret header, on every hop, preflight and response", () => {
    const lists = ex.hops.flatMap((hop) => [hop.requestHeaders ?? [], hop.response?.headers ?? [], hop.preflight?.requestHeaders ?? [], hop.preflight?.response?.headers ?? []]);
    const secret = lists.flat().filter((x) => SECRET_HEADERS.has(x.name.toLowerCase()));
    expect(secret.length).toBe(9);
    for (const x of secret) expect(x.value).toBe(REDACTED);
  });
  test("every URL field: url, hop urls, redirectUrl, preflight url, documentUrl, pageUrl, Location", () => {
    const urls = [ex.url, ex.documentUrl ?? "", doc.pageUrl ?? "", ...ex.hops.flatMap((hop) => [hop.url, hop.redirectUrl ?? "", hop.preflight?.url ?? "", ...(hop.response?.headers ?? []).filter((x) => /location$/i.test(x.name)).map((x) => x.value)])].filter((u) => u.includes("?"));
    expect(urls.length).toBeGreaterThanOrEqual(8);
    for (const u of urls) expect({ u, values: tokenValues(u) }).toEqual({ u, values: tokenValues(u).map(() => REDACTED) });
  });
  test("the diagnosis text", () => {
    const d = doc.exchanges[0]?.diagnosis;
    for (const t of [d?.failure?.received, d?.failure?.browserMessage, d?.explanation, ...(d?.warnings ?? []).map((w) => w.text)]) {
      expect(t).toContain(REDACTED);
      expect(leaks(t ?? "")).toEqual([]);
    }
  });
});

describe("curl commands, redacted", () => {
  const text = toCurl(exchange, { redact: true });
  /** `-H 'Name: value'` arguments, unquoted */
  const headerArgs = [...text.matchAll(/-H '((?:[^']|'\\'')*)'/g)].map((m) => (m[1] ?? "").replace(/'\\''/g, "'"));
  /** the URL argument of each command (one per line, quoted) */
  const urlArgs = [...text.matchAll(/^ {2}'(https?:\/\/[^']*)'/gm)].map((m) => m[1] ?? "");

  test("no secret anywhere in the commands", () => expect(leaks(text)).toEqual([]));
  test("every Cookie and Authorization the browser sent, on each hop and the preflight", () => {
    const secret = headerArgs.filter((a) => SECRET_HEADERS.has((a.split(":")[0] ?? "").toLowerCase()));
    expect(secret.length).toBe(6);
    for (const a of secret) expect(a).toMatch(/: \[redacted\]$/);
  });
  test("every URL: the preflight's, the request's, the redirect hop's", () => {
    expect(urlArgs.length).toBe(3);
    for (const u of urlArgs) expect({ u, values: tokenValues(u) }).toEqual({ u, values: tokenValues(u).map(() => REDACTED) });
  });
});

describe("the explicit opt-in (per export) keeps everything", () => {
  test.each([
    ["HAR", () => JSON.stringify(toHar(log, { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "t" }))],
    ["JSON", () => JSON.stringify(toCorsLensJson(log, { redact: false, browser: "chromium" }))],
  ])("%s: every secret is there", (name, make) => {
    // HAR has no field for the document URL
    const expected = ALL_SECRETS.filter((s) => !(name === "HAR" && s.startsWith("q-doc-")));
    expect(expected.filter((s) => !make().includes(s))).toEqual([]);
  });
  test("curl: every secret of what the browser sent is there", () => {
    const text = toCurl(exchange, { redact: false });
    const sent = [S.cookie, S.cookie2, S.auth, S.proxy, S.hopCookie, S.hopAuth, S.pfAuth, ...["url", "hop"].flatMap((w) => PARAMS.map((_, i) => paramSecret(i, w)))];
    expect(sent.filter((s) => !text.includes(s))).toEqual([]);
  });
});
