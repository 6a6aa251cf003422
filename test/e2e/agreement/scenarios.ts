/**
 * The browser-agreement scenario matrix: each case is a cross-origin (or deliberately not)
 * request a page makes, and what the local test server answers. The browser decides what
 * happened; the test compares the extension's diagnosis with it. Shared by the Chromium and
 * Firefox agreement tests. Nothing here says what the verdict "should" be: that is the
 * browser's job.
 */
import type { ResponseSpec, RouteSpec } from "../../support/server";

/** Where the request goes. `api` = another origin (localhost), `same` = the page's own origin. */
export type Target = "api" | "same" | "closed" | "unsafe-port";
/** where a redirect goes: the API origin, a third origin, or back to the page's own */
export type RedirectOrigin = "api" | "third" | "page";

export interface PageRequest {
  /** how the page issues it */
  kind: "fetch" | "xhr" | "img" | "font" | "module-script";
  method?: string;
  headers?: [string, string][];
  credentials?: "include" | "omit" | "same-origin";
  mode?: "cors" | "no-cors";
  /** fetch's redirect mode (default follow) */
  redirect?: "follow" | "manual" | "error";
  /** img/script: the crossorigin attribute (absent: no-cors for an image, anonymous for a module script) */
  crossOrigin?: "anonymous" | "use-credentials";
  body?: string;
  /** abort the fetch after this many ms */
  abortAfterMs?: number;
}

export interface Scenario {
  name: string;
  request: PageRequest;
  target?: Target;
  /** what the API origin answers; a header value "$page" stands for the page's origin */
  route?: RouteSpec;
  /** a redirect hop: the API answers with this status and a Location built by the test */
  redirect?: {
    status: number;
    /** where to: another route on `third` origin, on the API origin itself, on the page's own
     * origin, or a literal URL */
    to: { origin: RedirectOrigin; route: RouteSpec } | { literal: string } | { userinfoOn: "third"; route: RouteSpec };
    /** headers on the 3xx itself */
    headers?: [string, string][];
    /** a second redirect: the first Location answers with this 3xx (and headers), on the same
     * origin, to the route; it answers OPTIONS with `preflight`, by default as the route does */
    via?: { status: number; headers?: [string, string][]; preflight?: ResponseSpec };
    /** the answer to an OPTIONS at the first URL (default: 404, no CORS headers) */
    preflight?: ResponseSpec;
  };
  /** send the request twice; the second is the one compared (cached preflight) */
  repeat?: boolean;
}

const ORIGIN: [string, string] = ["Access-Control-Allow-Origin", "$origin"];
const STAR: [string, string] = ["Access-Control-Allow-Origin", "*"];
const CRED: [string, string] = ["Access-Control-Allow-Credentials", "true"];
const ok = (...headers: [string, string][]): ResponseSpec => ({ status: 200, headers, body: "ok" });
const pre = (status: number, ...headers: [string, string][]): ResponseSpec => ({ status, headers });
const methods = (m: string): [string, string] => ["Access-Control-Allow-Methods", m];
const allowHeaders = (h: string): [string, string] => ["Access-Control-Allow-Headers", h];

export const SCENARIOS: Scenario[] = [
  // ── simple requests: the CORS check on the actual response ──────────────────────────
  { name: "get-acao-origin", request: { kind: "fetch" }, route: { actual: ok(ORIGIN) } },
  { name: "get-acao-star", request: { kind: "fetch" }, route: { actual: ok(STAR) } },
  { name: "get-no-acao", request: { kind: "fetch" }, route: { actual: ok() } },
  { name: "get-acao-other-origin", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "https://example.com"]) } },
  { name: "get-acao-trailing-slash", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "$origin/"]) } },
  { name: "get-acao-two-lines", request: { kind: "fetch" }, route: { actual: ok(ORIGIN, ORIGIN) } },
  { name: "get-acao-star-two-lines", request: { kind: "fetch" }, route: { actual: ok(STAR, STAR) } },
  { name: "get-acao-comma-list", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "$origin, https://example.com"]) } },
  { name: "get-acao-no-scheme", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "example.com"]) } },
  { name: "get-acao-wildcard-subdomain", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "http://*.example.com"]) } },
  { name: "get-acao-null-literal", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "null"]) } },
  { name: "get-acao-uppercase-scheme", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", "HTTP://127.0.0.1"]) } },
  { name: "get-acao-empty", request: { kind: "fetch" }, route: { actual: ok(["Access-Control-Allow-Origin", ""]) } },
  { name: "get-500-no-acao", request: { kind: "fetch" }, route: { actual: { status: 500, body: "boom" } } },
  { name: "get-404-with-acao", request: { kind: "fetch" }, route: { actual: { status: 404, headers: [ORIGIN], body: "nope" } } },
  { name: "get-header-not-exposed", request: { kind: "fetch" }, route: { actual: ok(ORIGIN, ["X-Total-Count", "42"], ["ETag", '"abc"'], ["Vary", "Origin"]) } },
  { name: "get-exposed-header", request: { kind: "fetch" }, route: { actual: ok(ORIGIN, ["X-Total-Count", "42"], ["Access-Control-Expose-Headers", "X-Total-Count"], ["Vary", "Origin"]) } },
  { name: "post-text-plain", request: { kind: "fetch", method: "POST", headers: [["Content-Type", "text/plain"]], body: "hi" }, route: { actual: ok(ORIGIN) } },
  { name: "post-form-no-acao", request: { kind: "fetch", method: "POST", headers: [["Content-Type", "application/x-www-form-urlencoded"]], body: "a=1" }, route: { actual: ok() } },
  { name: "head-acao-star", request: { kind: "fetch", method: "HEAD" }, route: { actual: { status: 200, headers: [STAR] } } },
  { name: "range-simple", request: { kind: "fetch", headers: [["Range", "bytes=0-1"]] }, route: { actual: ok(STAR) } },
  { name: "dpr-chromium-safelisted", request: { kind: "fetch", headers: [["DPR", "2"]] }, route: { actual: ok(STAR) } },

  // ── credentials ─────────────────────────────────────────────────────────────────────
  { name: "cred-acao-star", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(STAR) } },
  { name: "cred-star-with-acac", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(STAR, CRED) } },
  { name: "cred-no-acac", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(ORIGIN) } },
  { name: "cred-acac-True", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(ORIGIN, ["Access-Control-Allow-Credentials", "True"]) } },
  { name: "cred-acac-two-lines", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(ORIGIN, CRED, CRED) } },
  { name: "cred-reflected-ok", request: { kind: "fetch", credentials: "include" }, route: { actual: ok(ORIGIN, CRED) } },
  { name: "omit-star-with-acac", request: { kind: "fetch", credentials: "omit" }, route: { actual: ok(STAR, CRED) } },

  // ── preflights ──────────────────────────────────────────────────────────────────────
  { name: "put-preflight-ok", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("PUT")), actual: ok(ORIGIN) } },
  { name: "put-preflight-no-method", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN), actual: ok(ORIGIN) } },
  { name: "put-preflight-other-methods", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("GET, POST, DELETE")), actual: ok(ORIGIN) } },
  { name: "put-acam-star", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, STAR, methods("*")), actual: ok(STAR) } },
  { name: "put-cred-acam-star", request: { kind: "fetch", method: "PUT", credentials: "include" }, route: { preflight: pre(204, ORIGIN, CRED, methods("*")), actual: ok(ORIGIN, CRED) } },
  { name: "patch-lower-acam-upper", request: { kind: "fetch", method: "patch" }, route: { preflight: pre(204, ORIGIN, methods("PATCH")), actual: ok(ORIGIN) } },
  { name: "patch-lower-acam-lower", request: { kind: "fetch", method: "patch" }, route: { preflight: pre(204, ORIGIN, methods("patch")), actual: ok(ORIGIN) } },
  { name: "delete-lower-acam-upper", request: { kind: "fetch", method: "delete" }, route: { preflight: pre(204, ORIGIN, methods("DELETE")), actual: ok(ORIGIN) } },
  { name: "post-json-no-preflight-handler", request: { kind: "fetch", method: "POST", headers: [["Content-Type", "application/json"]], body: "{}" }, route: { actual: ok(ORIGIN) } },
  { name: "post-json-allowed", request: { kind: "fetch", method: "POST", headers: [["Content-Type", "application/json"]], body: "{}" }, route: { preflight: pre(204, ORIGIN, allowHeaders("Content-Type")), actual: ok(ORIGIN) } },
  { name: "custom-header-allowed", request: { kind: "fetch", headers: [["X-Custom", "1"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders("x-custom")), actual: ok(ORIGIN) } },
  { name: "custom-header-missing", request: { kind: "fetch", headers: [["X-Custom", "1"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders("x-other")), actual: ok(ORIGIN) } },
  { name: "two-headers-one-missing", request: { kind: "fetch", headers: [["X-A", "1"], ["X-B", "2"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders(" X-B ,, ")), actual: ok(ORIGIN) } },
  { name: "custom-header-acah-star", request: { kind: "fetch", headers: [["X-Custom", "1"]] }, route: { preflight: pre(204, STAR, allowHeaders("*")), actual: ok(STAR) } },
  { name: "cred-custom-header-acah-star", request: { kind: "fetch", credentials: "include", headers: [["X-Custom", "1"]] }, route: { preflight: pre(204, ORIGIN, CRED, allowHeaders("*")), actual: ok(ORIGIN, CRED) } },
  { name: "authorization-acah-star", request: { kind: "fetch", headers: [["Authorization", "Bearer abc"]] }, route: { preflight: pre(204, STAR, allowHeaders("*")), actual: ok(STAR) } },
  { name: "authorization-listed", request: { kind: "fetch", headers: [["Authorization", "Bearer abc"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders("Authorization")), actual: ok(ORIGIN, ["Vary", "Origin"]) } },
  { name: "acam-unparseable", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("GET; PUT")), actual: ok(ORIGIN) } },
  { name: "acah-unparseable", request: { kind: "fetch", headers: [["X-Token", "1"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders("X-Token: abc")), actual: ok(ORIGIN) } },
  { name: "preflight-500-with-acao", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(500, ORIGIN, methods("PUT")), actual: ok(ORIGIN) } },
  { name: "preflight-404-no-acao", request: { kind: "fetch", method: "DELETE" }, route: { preflight: pre(404), actual: ok(ORIGIN) } },
  { name: "preflight-401-with-acao", request: { kind: "fetch", headers: [["Authorization", "Bearer x"]] }, route: { preflight: pre(401, ORIGIN, allowHeaders("authorization")), actual: ok(ORIGIN) } },
  { name: "preflight-redirect", request: { kind: "fetch", method: "PUT" }, route: { preflight: { status: 301, headers: [ORIGIN, methods("PUT"), ["Location", "/elsewhere"]] }, actual: ok(ORIGIN) } },
  { name: "preflight-acao-mismatch", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ["Access-Control-Allow-Origin", "https://example.com"], methods("PUT")), actual: ok(ORIGIN) } },
  { name: "preflight-acao-multiple", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, ORIGIN, methods("PUT")), actual: ok(ORIGIN) } },
  { name: "preflight-acao-invalid", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ["Access-Control-Allow-Origin", "localhost"], methods("PUT")), actual: ok(ORIGIN) } },
  { name: "preflight-cred-star", request: { kind: "fetch", method: "PUT", credentials: "include" }, route: { preflight: pre(204, STAR, CRED, methods("PUT")), actual: ok(ORIGIN, CRED) } },
  { name: "preflight-cred-no-acac", request: { kind: "fetch", method: "PUT", credentials: "include" }, route: { preflight: pre(204, ORIGIN, methods("PUT")), actual: ok(ORIGIN, CRED) } },
  { name: "preflight-ok-actual-no-acao", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("PUT")), actual: ok() } },
  { name: "preflight-dropped", request: { kind: "fetch", method: "PUT" }, route: { preflight: { drop: true }, actual: ok(ORIGIN) } },
  { name: "accept-language-underscore", request: { kind: "fetch", headers: [["Accept-Language", "en_US"]] }, route: { preflight: pre(204, ORIGIN, allowHeaders("accept-language")), actual: ok(ORIGIN) } },
  { name: "accept-129-bytes", request: { kind: "fetch", headers: [["Accept", `text/${"a".repeat(124)}`]] }, route: { preflight: pre(204, ORIGIN), actual: ok(ORIGIN) } },
  { name: "cached-preflight", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("PUT"), ["Access-Control-Max-Age", "600"]), actual: ok(ORIGIN, ["Vary", "Origin"]) }, repeat: true },
  { name: "max-age-invalid", request: { kind: "fetch", method: "PUT" }, route: { preflight: pre(204, ORIGIN, methods("PUT"), ["Access-Control-Max-Age", "abc"]), actual: ok(ORIGIN) }, repeat: true },

  // ── redirects ───────────────────────────────────────────────────────────────────────
  { name: "redirect-same-server-ok", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "api", route: { actual: ok(ORIGIN) } } } },
  { name: "redirect-hop-no-acao", request: { kind: "fetch" }, redirect: { status: 302, to: { origin: "api", route: { actual: ok(ORIGIN) } } } },
  // fetch's redirect modes: "manual" hands the page the 3xx as an opaque redirect, "error" fails;
  // both stop at the redirect, and the capture cannot tell them apart (redirect-stop.ts)
  { name: "redirect-mode-manual", request: { kind: "fetch", redirect: "manual" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "api", route: { actual: ok(ORIGIN) } } } },
  { name: "redirect-mode-error", request: { kind: "fetch", redirect: "error" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "api", route: { actual: ok(ORIGIN) } } } },
  // a Location the browser would refuse to follow, on a redirect it does not follow
  { name: "redirect-mode-manual-userinfo", request: { kind: "fetch", redirect: "manual" }, redirect: { status: 302, headers: [ORIGIN], to: { userinfoOn: "third", route: { actual: ok(STAR) } } } },
  { name: "redirect-mode-manual-data-url", request: { kind: "fetch", redirect: "manual" }, redirect: { status: 302, headers: [ORIGIN], to: { literal: "data:text/plain,hi" } } },
  { name: "redirect-cross-origin-star", request: { kind: "fetch" }, redirect: { status: 307, headers: [ORIGIN], to: { origin: "third", route: { actual: ok(STAR) } } } },
  { name: "redirect-cross-origin-page-origin", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "third", route: { actual: ok(["Access-Control-Allow-Origin", "$page"]) } } } },
  { name: "redirect-cross-origin-reflect-null", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "third", route: { actual: ok(ORIGIN) } } } },
  // after a redirect to another server the request goes with Origin: null; a final answer naming
  // another origin fails there. Preflighted, Firefox asks the target with the page's origin
  // (and checks that), then sends the request itself with null (generated seed 28 #32)
  { name: "redirect-cross-origin-other-origin", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { origin: "third", route: { actual: ok(["Access-Control-Allow-Origin", "https://example.com"]) } } } },
  // two redirects: the CORS check runs on every 3xx, and a preflighted request is asked again
  // at each cross-origin URL (the fix check then fixes one hop after the other)
  { name: "redirect-twice-second-no-acao", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], via: { status: 307 }, to: { origin: "third", route: { actual: ok(STAR) } } } },
  { name: "redirect-twice-final-no-acao", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], via: { status: 302, headers: [STAR] }, to: { origin: "third", route: { actual: ok() } } } },
  {
    name: "redirect-twice-preflighted-method-unlisted",
    request: { kind: "fetch", method: "PUT" },
    redirect: { status: 307, headers: [ORIGIN], preflight: pre(204, ORIGIN, methods("PUT")), via: { status: 307, headers: [STAR] }, to: { origin: "third", route: { preflight: pre(204, STAR), actual: ok(STAR) } } },
  },
  // a JSON POST through a 301 (now a bodiless GET) and a 302 on the same server: Firefox
  // preflights each target, the second with the first request's content-type (hunt seed 40)
  {
    name: "redirect-twice-post-json-target-preflight-mismatch",
    request: { kind: "fetch", method: "POST", headers: [["Content-Type", "application/json"]], body: "{}" },
    redirect: {
      status: 301,
      headers: [ORIGIN],
      preflight: pre(200, ORIGIN, methods("POST"), allowHeaders("Content-Type")),
      via: { status: 302, headers: [ORIGIN], preflight: pre(200, ORIGIN) },
      to: { origin: "api", route: { preflight: pre(200, ["Access-Control-Allow-Origin", "$page/"], methods("*"), allowHeaders("Content-Type")), actual: ok(STAR) } },
    },
  },
  {
    name: "redirect-preflighted-cross-origin-other-origin",
    request: { kind: "fetch", headers: [["Authorization", "Bearer t0ken"]] },
    redirect: {
      status: 303,
      headers: [ORIGIN],
      preflight: pre(204, ORIGIN, allowHeaders("Authorization")),
      to: { origin: "third", route: { preflight: pre(204, ORIGIN, allowHeaders("Authorization")), actual: ok(["Access-Control-Allow-Origin", "https://example.com"]) } },
    },
  },
  // back to the page's own server, which answers OPTIONS without CORS lines: Firefox preflights
  // it with the page's origin and runs no check (same origin), then sends the request with
  // Origin: null, which * lets through; Chromium preflights with Origin: null and blocks
  {
    name: "redirect-to-page-preflight-without-acao",
    request: { kind: "fetch", method: "PUT" },
    redirect: { status: 307, headers: [ORIGIN], preflight: pre(204, ORIGIN, methods("PUT")), to: { origin: "page", route: { preflight: pre(204, methods("PUT")), actual: ok(STAR) } } },
  },
  { name: "redirect-to-data-url", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { literal: "data:text/plain,hi" } } },
  { name: "redirect-userinfo", request: { kind: "fetch" }, redirect: { status: 302, headers: [ORIGIN], to: { userinfoOn: "third", route: { actual: ok(STAR) } } } },

  // ── network errors that are not CORS ───────────────────────────────────────────────
  { name: "connection-refused", request: { kind: "fetch" }, target: "closed" },
  { name: "unsafe-port", request: { kind: "fetch" }, target: "unsafe-port" },
  { name: "actual-dropped", request: { kind: "fetch" }, route: { actual: { drop: true } } },
  { name: "aborted", request: { kind: "fetch", abortAfterMs: 100 }, route: { actual: { ...ok(STAR), delayMs: 2000 } } },

  // ── not CORS at all ─────────────────────────────────────────────────────────────────
  { name: "same-origin-get", request: { kind: "fetch" }, target: "same", route: { actual: ok() } },
  { name: "no-cors-fetch", request: { kind: "fetch", mode: "no-cors" }, route: { actual: ok() } },
  { name: "img-no-crossorigin", request: { kind: "img" }, route: { actual: { status: 200, headers: [["Content-Type", "image/svg+xml"]], body: SVG() } } },

  // ── other resource kinds through CORS ──────────────────────────────────────────────
  { name: "img-crossorigin-no-acao", request: { kind: "img", crossOrigin: "anonymous" }, route: { actual: { status: 200, headers: [["Content-Type", "image/svg+xml"]], body: SVG() } } },
  { name: "img-crossorigin-star", request: { kind: "img", crossOrigin: "anonymous" }, route: { actual: { status: 200, headers: [["Content-Type", "image/svg+xml"], STAR], body: SVG() } } },
  { name: "font-no-acao", request: { kind: "font" }, route: { actual: { status: 200, headers: [["Content-Type", "font/woff2"]], body: "x" } } },
  { name: "xhr-no-acao", request: { kind: "xhr" }, route: { actual: ok() } },
  { name: "xhr-cred-star", request: { kind: "xhr", credentials: "include" }, route: { actual: ok(STAR) } },
  { name: "xhr-put-ok", request: { kind: "xhr", method: "PUT" }, route: { preflight: pre(200, ORIGIN, methods("PUT")), actual: ok(ORIGIN) } },
  { name: "module-script-no-acao", request: { kind: "module-script" }, route: { actual: { status: 200, headers: [["Content-Type", "text/javascript"]], body: "export default 1;" } } },
  { name: "module-script-star", request: { kind: "module-script" }, route: { actual: { status: 200, headers: [["Content-Type", "text/javascript"], STAR], body: "export default 1;" } } },
];

function SVG(): string {
  return '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>';
}
