/** Warnings (cors-failures.md section 4), also on allowed exchanges: one fixture per id and variant. */
import { diagnose } from "../../../src/cors/diagnose";
import { UNBLOCKER_WARNING_ID, WARNING_IDS } from "../../../src/cors/ids";
import type { Exchange } from "../../../src/cors/model";
import { ACAO, exchange } from "./fixtures";

const seen = new Set<string>();
const warningsOf = (ex: Exchange) => {
  const ws = diagnose(ex).warnings;
  for (const w of ws) {
    seen.add(w.id);
    expect(w.text.length).toBeGreaterThan(30);
  }
  return ws.map((w) => (w.variant ? `${w.id}:${w.variant}` : w.id));
};
const VARY = { Vary: "Origin" };
const CRED = { "Access-Control-Allow-Credentials": "true" };
const put = (preflightHeaders: Record<string, string | string[]>, more: object = {}) =>
  exchange({ method: "PUT", preflight: { status: 204, headers: { ...ACAO(), "Access-Control-Allow-Methods": "PUT", ...preflightHeaders } }, response: { status: 200, headers: { ...ACAO(), ...VARY } }, ...more });

test("a clean exchange has no warnings", () => {
  expect(warningsOf(put({ "Access-Control-Max-Age": "600" }))).toEqual([]);
});

test.each([
  ["origin reflected with credentials (null origin)", exchange({ origin: "null", cookie: "a=1", response: { status: 200, headers: { ...ACAO("null"), ...CRED } } }), "warn-origin-reflected-with-credentials:null"],
  ["null allowed", exchange({ origin: "null", response: { status: 200, headers: ACAO("null") } }), "warn-null-origin-allowed"],
  ["null allowed with credentials", exchange({ origin: "null", response: { status: 200, headers: { ...ACAO("null"), ...CRED } } }), "warn-null-origin-allowed:with-credentials"],
  ["missing Vary: Origin", exchange({ response: { status: 200, headers: ACAO() } }), "warn-missing-vary-origin"],
  ["wildcard on an authenticated API", put({ "Access-Control-Allow-Headers": "authorization" }, { headers: { Authorization: "Bearer x" }, response: { status: 200, headers: ACAO("*") } }), "warn-wildcard-on-authenticated-api:authorization"],
  ["wildcard with ACAC true", exchange({ response: { status: 200, headers: { ...ACAO("*"), ...CRED } } }), "warn-wildcard-with-acac-true"],
  ["origin pattern matching", exchange({ origin: "https://example.com.evil.net", response: { status: 200, headers: { ...ACAO("https://example.com.evil.net"), ...VARY } } }), "warn-origin-pattern-matching:suffix-appended"],
  ["CORS only on the preflight", put({}, { response: { status: 200 }, outcome: "net::ERR_FAILED" }), "warn-cors-only-on-preflight:missing"],
  ["different ACAO on the actual response", put({}, { response: { status: 200, headers: ACAO("http://other") }, outcome: "net::ERR_FAILED" }), "warn-cors-only-on-preflight:different"],
  ["header not exposed", exchange({ response: { status: 200, headers: { ...ACAO(), ...VARY, "X-Total-Count": "42", ETag: '"a"' } } }), "warn-header-not-exposed"],
  ["wildcard literal under credentials", put({ ...CRED, "Access-Control-Allow-Methods": "PUT, *" }, { cookie: "a=1", response: { status: 200, headers: { ...ACAO(), ...CRED, ...VARY } } }), "warn-wildcard-literal-under-credentials:methods"],
  ["expose-headers * under credentials", exchange({ cookie: "a=1", response: { status: 200, headers: { ...ACAO(), ...CRED, ...VARY, "Access-Control-Expose-Headers": "*" } } }), "warn-wildcard-literal-under-credentials:expose-headers"],
  ["max-age over the Chromium cap", put({ "Access-Control-Max-Age": "86400" }), "warn-max-age:over-cap"],
  ["max-age invalid", put({ "Access-Control-Max-Age": "abc" }), "warn-max-age:invalid"],
  ["max-age absent", put({}), "warn-max-age:absent-or-zero"],
  ["Authorization covered by ACAH *", put({ "Access-Control-Allow-Headers": "*" }, { headers: { Authorization: "Bearer x" } }), "warn-authorization-covered-by-wildcard"],
  ["method case", exchange({ method: "patch", preflight: { status: 204, headers: { ...ACAO(), "Access-Control-Allow-Methods": "patch", "Access-Control-Max-Age": "600" } }, response: { status: 200, headers: { ...ACAO(), ...VARY } } }), "warn-method-case"],
  ["Chromium-only safelisted header (Chromium: no preflight)", exchange({ headers: { DPR: "2" }, response: { status: 200, headers: ACAO("*") } }), "warn-chromium-only-safelisted-header"],
  ["Chromium-only safelisted header (Firefox: in the preflight, not allowed)", exchange({ browser: "firefox", headers: { DPR: "2" }, preflight: { status: 204, headers: { ...ACAO("*"), "Access-Control-Allow-Headers": "x-other", "Access-Control-Max-Age": "60" } }, outcome: "NS_ERROR_DOM_BAD_URI" }), "warn-chromium-only-safelisted-header"],
  ["obsolete Private Network Access header", put({ "Access-Control-Allow-Private-Network": "true", "Access-Control-Max-Age": "600" }), "warn-obsolete-private-network-header"],
  ["unblocker: duplicated ACAO", exchange({ response: { status: 200, headers: { "Access-Control-Allow-Origin": ["*", "*"] } }, outcome: "net::ERR_FAILED" }), `${UNBLOCKER_WARNING_ID}:duplicate-acao`],
  ["unblocker: WebDAV methods allowed", put({ "Access-Control-Allow-Methods": "GET, PUT, POST, DELETE, HEAD, OPTIONS, PATCH, PROPFIND, PROPPATCH, MKCOL, COPY, MOVE, LOCK", "Access-Control-Max-Age": "600" }), `${UNBLOCKER_WARNING_ID}:webdav-methods`],
  ["unblocker: Chromium completed although the headers fail", exchange({ cookie: "a=1", response: { status: 200, headers: ACAO("*") } }), `${UNBLOCKER_WARNING_ID}:completed-despite-failing-check`],
])("%s", (_name, ex, expected) => {
  expect(warningsOf(ex)).toContain(expected);
});

test("Chromium-only safelisted header, Firefox: once the preflight's answer lists it, the advice is followed and not repeated", () => {
  const allowed = exchange({ browser: "firefox", headers: { DPR: "2" }, preflight: { status: 204, headers: { ...ACAO("*"), "Access-Control-Allow-Headers": "dpr", "Access-Control-Max-Age": "60" } }, response: { status: 200, headers: ACAO("*") } });
  expect(warningsOf(allowed)).not.toContain("warn-chromium-only-safelisted-header");
});

test("the exposed header is not reported", () => {
  expect(warningsOf(exchange({ response: { status: 200, headers: { ...ACAO(), ...VARY, "X-Total-Count": "42", "Access-Control-Expose-Headers": "x-total-count" } } }))).not.toContain("warn-header-not-exposed");
});

test("Firefox caps max-age at 86400", () => {
  expect(warningsOf(put({ "Access-Control-Max-Age": "86400" }, { browser: "firefox" }))).not.toContain("warn-max-age:over-cap");
});

test("credentialed Authorization with ACAH * is a failure, not the wildcard warning", () => {
  const d = diagnose(put({ ...CRED, "Access-Control-Allow-Headers": "*" }, { headers: { Authorization: "Bearer x" }, cookie: "a=1", response: null, outcome: "net::ERR_FAILED" }));
  expect(d.failure?.id).toBe("header-not-allowed");
  expect(d.warnings.map((w) => w.id)).not.toContain("warn-authorization-covered-by-wildcard");
});

test("every warning id is produced by some fixture", () => {
  expect([...WARNING_IDS, UNBLOCKER_WARNING_ID].filter((id) => !seen.has(id))).toEqual([]);
});
