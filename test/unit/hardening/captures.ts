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

/** The webRequest events of one planned request, in order (request ids r<i>, its preflight's p<i>). */
export function eventsOf(p: Plan, i: number, browser: BrowserKind): CaptureEvent[] {
  const base = { browser, tabId: 1, frameId: 0, type: "xmlhttprequest", initiator: PAGE };
  const r = { ...base, requestId: `r${i}`, url: p.url, method: p.method };
  const preflighted = (p.custom || p.method === "PUT" || p.method === "DELETE") && !p.cached && p.mode !== "no-cors";
  const requestHeaders = [
    h("Origin", PAGE),
    ...(p.custom ? [h("X-Custom", "1")] : []),
    ...(p.cookie ? [h("Cookie", "sid=s3cr3t")] : []),
    ...(p.mode && browser === "chromium" ? [h("Sec-Fetch-Mode", p.mode)] : []),
    h("Accept", "*/*"),
  ];
  const corsError = browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED";
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
    const preflight: CaptureEvent[] = [
      { ...pf, kind: "beforeRequest", timeStamp: 0 },
      { ...pf, kind: "sendHeaders", timeStamp: 0, requestHeaders: sent },
    ];
    if (p.preflight.refused) {
      preflight.push({ ...pf, kind: "errorOccurred", timeStamp: 0, error: browser === "firefox" ? "NS_ERROR_CONNECTION_REFUSED" : "net::ERR_CONNECTION_REFUSED" });
    } else {
      const status = { statusCode: p.preflight.status, statusLine: `HTTP/1.1 ${p.preflight.status}` };
      preflight.push({ ...pf, kind: "headersReceived", timeStamp: 0, ...status, responseHeaders: answer });
      preflight.push({ ...pf, kind: "completed", timeStamp: 0, ...status, responseHeaders: answer, fromCache: false, ip: "127.0.0.1" });
    }
    out.push(...preflight);
    if (p.preflight.refused || !p.preflight.proceeds) {
      out.push({ ...r, kind: "errorOccurred", timeStamp: 0, error: corsError });
      return p.end === "cut" ? out.slice(0, 1 + p.cutAfter) : out;
    }
  }
  const answer = (location?: string): Header[] => [
    h("Content-Type", "application/json"),
    ...(p.response.acao ? [h("Access-Control-Allow-Origin", p.response.acao)] : []),
    ...(p.response.acac ? [h("Access-Control-Allow-Credentials", p.response.acac)] : []),
    ...(p.response.setCookie ? [h("Set-Cookie", "sid=n3w; Path=/")] : []),
    ...(location ? [h("Location", location)] : []),
  ];
  const rest = out;
  rest.push({ ...r, kind: "sendHeaders", timeStamp: 0, requestHeaders });
  let status = p.response.status;
  let url = p.url;
  if (status === 302) {
    const headers = answer(p.redirectTo);
    rest.push({ ...r, kind: "headersReceived", timeStamp: 0, statusCode: 302, statusLine: "HTTP/1.1 302", responseHeaders: headers });
    rest.push({ ...r, kind: "beforeRedirect", timeStamp: 0, statusCode: 302, responseHeaders: headers, redirectUrl: p.redirectTo });
    url = p.redirectTo;
    status = 200;
    const method = p.method === "POST" ? "GET" : p.method;
    rest.push({ ...r, url, method, kind: "sendHeaders", timeStamp: 0, requestHeaders: requestHeaders.map((x) => (x.name === "Origin" ? h("Origin", "null") : x)) });
  }
  const last = { ...r, url, ...(status !== p.response.status || url !== p.url ? { method: p.method === "POST" ? "GET" : p.method } : {}) };
  const final = answer();
  rest.push({ ...last, kind: "headersReceived", timeStamp: 0, statusCode: status, statusLine: `HTTP/1.1 ${status}`, responseHeaders: final });
  if (p.end === "completed") rest.push({ ...last, kind: "completed", timeStamp: 0, statusCode: status, responseHeaders: final, fromCache: p.response.fromCache, ip: "127.0.0.1" });
  if (p.end === "failed") rest.push({ ...last, kind: "errorOccurred", timeStamp: 0, error: corsError });
  return p.end === "cut" ? out.slice(0, 1 + p.cutAfter) : out;
}

/** The requests' events, each request's in order, the requests interleaved as `order` says,
 * stamped 1 ms apart. */
export function interleave(plans: Plan[], order: number[], browser: BrowserKind): CaptureEvent[] {
  const streams = plans.map((p, i) => ({ events: eventsOf(p, i, browser), at: 0 }));
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
 * ended as interrupted. In start order (as the importer gives them back). */
export function capture(plans: Plan[], order: number[], browser: BrowserKind): Exchange[] {
  const asm = createAssembler({ browser, now: () => 10_000_000 });
  const latest = new Map<string, Exchange>();
  for (const event of interleave(plans, order, browser)) for (const x of asm.push(event)) latest.set(x.id, structuredClone(x));
  for (const x of asm.flushInterrupted()) latest.set(x.id, structuredClone(x));
  return [...latest.values()].sort((a, b) => a.startTime - b.startTime);
}

export const capturing = fc.record({
  plans: fc.array(plan, { minLength: 1, maxLength: 5 }),
  order: fc.array(fc.nat(), { maxLength: 40 }),
  browser: fc.constantFrom<BrowserKind>("chromium", "firefox"),
});

