/**
 * Generated captures for property tests: a few requests a page makes (with or without
 * preflight, failed preflights, redirects, credentials, CORS headers right and wrong, requests
 * cut short), turned into the webRequest events a browser would deliver, each request's in
 * order and the requests interleaved as drawn.
 */
import fc from "fast-check";
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import type { BrowserKind, Exchange, Header } from "../../../src/cors/model";

export const PAGE = "http://page.test";
const h = (name: string, value: string): Header => ({ name, value });

/** One request the page makes, and what the servers and the browser do with it. */
export const plan = fc.record({
  url: fc.constantFrom<string>("http://api.test/a", "http://api.test/b?token=abc123&page=2", "https://other.test/c", `${PAGE}/same`),
  method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
  custom: fc.boolean(),
  cookie: fc.boolean(),
  /** Sec-Fetch-Mode, as Chromium sends it */
  mode: fc.option(fc.constantFrom("cors", "no-cors"), { nil: undefined }),
  /** a request that needs a preflight gets none: the browser's preflight cache answered */
  cached: fc.boolean(),
  preflight: fc.record({
    status: fc.constantFrom(200, 204, 404),
    acao: fc.option(fc.constantFrom("*", PAGE, "http://evil.test", "null"), { nil: undefined }),
    acam: fc.option(fc.constantFrom("PUT", "PUT, DELETE", "*"), { nil: undefined }),
    acah: fc.option(fc.constantFrom("x-custom", "*", "content-type"), { nil: undefined }),
    acac: fc.option(fc.constantFrom("true", "TRUE"), { nil: undefined }),
    /** the browser went on to the request (else it failed the request after the preflight) */
    proceeds: fc.boolean(),
    refused: fc.boolean(),
  }),
  response: fc.record({
    status: fc.constantFrom(200, 201, 302, 404, 500),
    acao: fc.option(fc.constantFrom("*", PAGE, "http://evil.test", `${PAGE}, ${PAGE}`), { nil: undefined }),
    acac: fc.option(fc.constantFrom("true", "false"), { nil: undefined }),
    setCookie: fc.boolean(),
    fromCache: fc.boolean(),
  }),
  redirectTo: fc.constantFrom<string>("http://api.test/moved", "https://other.test/next"),
  end: fc.constantFrom("completed", "completed", "failed", "cut"),
  /** a cut request's events stop after this many (of those it would have had) */
  cutAfter: fc.nat({ max: 12 }),
});
export type Plan = typeof plan extends fc.Arbitrary<infer T> ? T : never;

/**
 * The browser's CORS checks, as far as these plans need them, for `realistic` captures: the
 * browser goes on only where they pass (a redirect is followed, a response read, a preflighted
 * request sent). Without `realistic`, the plan says what happens, checks or not: strange
 * captures, for properties that must hold for any exchange.
 */
function checks(p: Plan) {
  const credentials = p.cookie;
  const origin = (acao: string | undefined, from = PAGE) => acao === from || (acao === "*" && !credentials);
  const withCredentials = (acac: string | undefined) => !credentials || acac === "true";
  const list = (value: string | undefined) => (value ?? "").split(",").map((x) => x.trim());
  return {
    response: origin(p.response.acao) && withCredentials(p.response.acac),
    /** after a redirect that tainted the request's origin: it is sent as `null` */
    taintedResponse: origin(p.response.acao, "null") && withCredentials(p.response.acac),
    preflight:
      !p.preflight.refused &&
      p.preflight.status >= 200 &&
      p.preflight.status < 300 &&
      origin(p.preflight.acao) &&
      withCredentials(p.preflight.acac) &&
      (["GET", "HEAD", "POST"].includes(p.method) || list(p.preflight.acam).includes(p.method) || (p.preflight.acam === "*" && !credentials)) &&
      (!p.custom || list(p.preflight.acah).some((x) => x.toLowerCase() === "x-custom") || (p.preflight.acah === "*" && !credentials)),
  };
}

/** The webRequest events of one planned request, in order (request ids r<i>, its preflight's p<i>). */
export function eventsOf(p: Plan, i: number, browser: BrowserKind, realistic = false): CaptureEvent[] {
  const base = { browser, tabId: 1, frameId: 0, type: "xmlhttprequest", initiator: PAGE };
  const r = { ...base, requestId: `r${i}`, url: p.url, method: p.method };
  const simple = ["GET", "HEAD", "POST"].includes(p.method) && !p.custom;
  // the mode is seen in Chromium only; no-cors allows simple requests only (fetch throws otherwise)
  const mode = realistic && (browser !== "chromium" || (p.mode === "no-cors" && !simple)) ? undefined : p.mode;
  const sameOrigin = p.url.startsWith(`${PAGE}/`);
  const checked = realistic && mode !== "no-cors" && !sameOrigin;
  const passes = checks(p);
  const preflighted = !simple && !p.cached && mode !== "no-cors" && !(realistic && sameOrigin);
  const requestHeaders = [
    h("Origin", PAGE),
    ...(p.custom ? [h("X-Custom", "1")] : []),
    ...(p.cookie ? [h("Cookie", "sid=s3cr3t")] : []),
    ...(mode && browser === "chromium" ? [h("Sec-Fetch-Mode", mode)] : []),
    h("Accept", "*/*"),
  ];
  const corsError = browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED";
  const cut = (events: CaptureEvent[]) => (p.end === "cut" ? events.slice(0, 1 + p.cutAfter) : events);
  const out: CaptureEvent[] = [{ ...r, kind: "beforeRequest", timeStamp: 0 }];
  if (preflighted) {
    const pf = { ...base, requestId: `p${i}`, url: p.url, method: "OPTIONS" };
    const acrh = p.custom ? [h("Access-Control-Request-Headers", "x-custom")] : [];
    const sent = [h("Origin", PAGE), h("Access-Control-Request-Method", p.method), ...acrh];
    const answer = [
      ...(p.preflight.acao ? [h("Access-Control-Allow-Origin", p.preflight.acao)] : []),
      ...(p.preflight.acam ? [h("Access-Control-Allow-Methods", p.preflight.acam)] : []),
      ...(p.preflight.acah ? [h("Access-Control-Allow-Headers", p.preflight.acah)] : []),
      ...(p.preflight.acac ? [h("Access-Control-Allow-Credentials", p.preflight.acac)] : []),
    ];
    out.push({ ...pf, kind: "beforeRequest", timeStamp: 0 }, { ...pf, kind: "sendHeaders", timeStamp: 0, requestHeaders: sent });
    if (p.preflight.refused) {
      out.push({ ...pf, kind: "errorOccurred", timeStamp: 0, error: browser === "firefox" ? "NS_ERROR_CONNECTION_REFUSED" : "net::ERR_CONNECTION_REFUSED" });
    } else {
      const status = { statusCode: p.preflight.status, statusLine: `HTTP/1.1 ${p.preflight.status}` };
      out.push({ ...pf, kind: "headersReceived", timeStamp: 0, ...status, responseHeaders: answer });
      out.push({ ...pf, kind: "completed", timeStamp: 0, ...status, responseHeaders: answer, fromCache: false, ip: "127.0.0.1" });
    }
    if (realistic ? !passes.preflight : p.preflight.refused || !p.preflight.proceeds) {
      out.push({ ...r, kind: "errorOccurred", timeStamp: 0, error: corsError });
      return cut(out);
    }
  }
  const answer = (location?: string): Header[] => [
    h("Content-Type", "application/json"),
    ...(p.response.acao ? [h("Access-Control-Allow-Origin", p.response.acao)] : []),
    ...(p.response.acac ? [h("Access-Control-Allow-Credentials", p.response.acac)] : []),
    ...(p.response.setCookie ? [h("Set-Cookie", "sid=n3w; Path=/")] : []),
    ...(location ? [h("Location", location)] : []),
  ];
  out.push({ ...r, kind: "sendHeaders", timeStamp: 0, requestHeaders });
  let status = p.response.status;
  let url = p.url;
  let tainted = false;
  // realistic: a redirect that would need a new preflight is not followed here (answered 200)
  if (status === 302 && realistic && !simple) status = 200;
  if (status === 302) {
    const headers = answer(p.redirectTo);
    out.push({ ...r, kind: "headersReceived", timeStamp: 0, statusCode: 302, statusLine: "HTTP/1.1 302", responseHeaders: headers });
    if (checked && !passes.response) {
      out.push({ ...r, kind: "errorOccurred", timeStamp: 0, error: corsError });
      return cut(out);
    }
    out.push({ ...r, kind: "beforeRedirect", timeStamp: 0, statusCode: 302, responseHeaders: headers, redirectUrl: p.redirectTo });
    // the Origin a redirect taints: from one origin to another, after a cross-origin request
    tainted = !sameOrigin && new URL(p.url).origin !== new URL(p.redirectTo).origin;
    url = p.redirectTo;
    status = 200;
    const method = p.method === "POST" ? "GET" : p.method;
    out.push({ ...r, url, method, kind: "sendHeaders", timeStamp: 0, requestHeaders: requestHeaders.map((x) => (x.name === "Origin" && (tainted || !realistic) ? h("Origin", "null") : x)) });
  }
  const last = { ...r, url, ...(url !== p.url ? { method: p.method === "POST" ? "GET" : p.method } : {}) };
  const final = answer();
  out.push({ ...last, kind: "headersReceived", timeStamp: 0, statusCode: status, statusLine: `HTTP/1.1 ${status}`, responseHeaders: final });
  // realistic: the final response is checked when the request is cross-origin now
  const blocked = realistic && mode !== "no-cors" && !(sameOrigin && url === p.url) && !(tainted ? passes.taintedResponse : passes.response);
  const networkError = browser === "firefox" ? "NS_ERROR_NET_RESET" : "net::ERR_CONNECTION_RESET";
  if (blocked) out.push({ ...last, kind: "errorOccurred", timeStamp: 0, error: corsError });
  else if (p.end === "completed") out.push({ ...last, kind: "completed", timeStamp: 0, statusCode: status, responseHeaders: final, fromCache: p.response.fromCache, ip: "127.0.0.1" });
  else if (p.end === "failed") out.push({ ...last, kind: "errorOccurred", timeStamp: 0, error: realistic ? networkError : corsError });
  return cut(out);
}

/** The requests' events, each request's in order, the requests interleaved as `order` says,
 * stamped 1 ms apart (`realistic`: see checks; `uniqueUrls`: each request at a URL of its own). */
export function interleave(plans: Plan[], order: number[], browser: BrowserKind, realistic = false, uniqueUrls = false): CaptureEvent[] {
  // unique URLs (as pages that add a request id): each preflight has one request it can guard
  const unique = (p: Plan, i: number): Plan => ({ ...p, url: `${p.url}${p.url.includes("?") ? "&" : "?"}n=${i}` });
  const streams = plans.map((p, i) => ({ events: eventsOf(uniqueUrls ? unique(p, i) : p, i, browser, realistic), at: 0 }));
  const out: CaptureEvent[] = [];
  let t = 1_700_000_000_000;
  for (let k = 0; ; k++) {
    const open = streams.filter((s) => s.at < s.events.length);
    if (open.length === 0) return out;
    const s = open[(order[k % Math.max(1, order.length)] ?? 0) % open.length] as (typeof streams)[number];
    out.push({ ...(s.events[s.at++] as CaptureEvent), timeStamp: t++ });
  }
}

/** The exchanges the assembler makes of the events; what is still in flight at the end is
 * ended as interrupted. In start order (as the importer gives them back). `realistic`: the
 * browser's checks decide, each request at a URL of its own. */
export function capture(plans: Plan[], order: number[], browser: BrowserKind, realistic = false): Exchange[] {
  const asm = createAssembler({ browser, now: () => 10_000_000 });
  const latest = new Map<string, Exchange>();
  for (const event of interleave(plans, order, browser, realistic, realistic)) for (const x of asm.push(event)) latest.set(x.id, structuredClone(x));
  for (const x of asm.flushInterrupted()) latest.set(x.id, structuredClone(x));
  return [...latest.values()].sort((a, b) => a.startTime - b.startTime);
}

export const capturing = fc.record({
  plans: fc.array(plan, { minLength: 1, maxLength: 5 }),
  order: fc.array(fc.nat(), { maxLength: 40 }),
  browser: fc.constantFrom<BrowserKind>("chromium", "firefox"),
});

