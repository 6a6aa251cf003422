/**
 * A browser-faithful CORS request from Node, for `cors-lens check`: the preflight when the
 * browser would send one (the engine's needsPreflight on the script-set headers), with Origin
 * and Access-Control-Request-Method/-Headers exactly as a browser writes them; then the
 * request; redirects followed like fetch() does (CORS check on every hop, the origin tainted
 * to `null` after a cross-origin hop, at most 20), or not followed when fetch's redirect mode
 * is `manual` or `error`. The engine's own rule walk decides where the browser would stop and
 * what it would report; diagnose() then judges the Exchange.
 */
import { diagnose } from "../cors/diagnose";
import { walkExchange } from "../cors/evaluate";
import { REDIRECT_STATUSES } from "../cors/finding";
import { normalizeMethod, redirectedMethod } from "../cors/methods";
import type { BrowserKind, DiagnosedExchange, Exchange, Header, Hop, Outcome } from "../cors/model";
import { originOf } from "../cors/origin";
import { stopsUnfollowedRedirect } from "../cors/redirect-stop";
import { needsPreflight } from "../cors/preflight";
import type { Sender } from "./http";

export interface ProbeRequest {
  url: string;
  origin: string;
  method: string;
  /** headers the script sets (fetch init.headers) */
  headers: Header[];
  credentials: boolean;
  /** fetch's `redirect` option (default `follow`) */
  redirect?: RedirectMode;
}

export const REDIRECT_MODES = ["follow", "manual", "error"] as const;
export type RedirectMode = (typeof REDIRECT_MODES)[number];

export const isRedirectMode = (value: string): value is RedirectMode => (REDIRECT_MODES as readonly string[]).includes(value);

const MAX_REDIRECTS = 20;
const UA: Header = { name: "User-Agent", value: "cors-lens (browser-faithful CORS check)" };

function exchangeOf(req: ProbeRequest, browser: BrowserKind, hops: Hop[], outcome: Outcome, start: number): Exchange {
  const sameOrigin = hops.every((h) => originOf(h.url) === req.origin);
  return {
    id: `check-${browser}`,
    browser,
    tabId: -1,
    frameId: 0,
    initiator: req.origin,
    type: "xmlhttprequest",
    method: normalizeMethod(req.method),
    url: req.url,
    startTime: start,
    hops,
    outcome,
    trafficClass: sameOrigin ? "same-origin" : "cross-origin",
    requestIds: [],
    hints: { mode: "cors", credentials: req.credentials ? "include" : "same-origin", redirectMode: req.redirect ?? "follow" },
  };
}

/** The error string the browser reports when the rule walk stops the request. */
function blockedOutcome(exchange: Exchange, browser: BrowserKind, now: number): Outcome {
  const walk = walkExchange(exchange, exchange.initiator ?? "null", exchange.hints?.credentials === "include", browser);
  const f = walk.finding;
  if (!f) return { state: "completed", endTime: now };
  if (f.netError) return { state: "failed", error: f.netError, endTime: now };
  if (f.id === "non-cors-too-many-redirects") return { state: "failed", error: browser === "firefox" ? "NS_ERROR_REDIRECT_LOOP" : "net::ERR_TOO_MANY_REDIRECTS", endTime: now };
  if (f.id === "redirect-disallowed-scheme") return { state: "failed", error: browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_UNSAFE_REDIRECT", endTime: now };
  // Firefox cancels a redirect to a user:pass@ URL with a generic failure, not as a CORS error
  // (agreement scenario redirect-userinfo, firefox-esr); Chromium's is a CORS error
  if (f.id === "redirect-userinfo" && browser === "firefox") return { state: "failed", error: "NS_ERROR_UNEXPECTED", endTime: now };
  // Firefox reports a response that fails the CORS check as completed; the page sees an error
  if (browser === "firefox" && f.phase === "response") return { state: "completed", endTime: now };
  return { state: "failed", error: browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED", endTime: now };
}

/** How each browser ends a request that it does not follow past a 3xx that passed the CORS
 * check (fetch's redirect mode `manual` or `error`, src/cors/redirect-stop.ts): Chromium aborts
 * it after onBeforeRedirect, Firefox completes it at the 3xx. The page gets an opaque-redirect
 * response or a TypeError; the capture shows both alike, and so does this probe. */
function stoppedAtRedirect(browser: BrowserKind, now: number): Outcome {
  return browser === "firefox" ? { state: "completed", endTime: now } : { state: "failed", error: "net::ERR_ABORTED", endTime: now };
}

/** The rule the browser would stop the request on, as far as it went; null when none. */
function stopRule(exchange: Exchange, browser: BrowserKind): string | null {
  return walkExchange(exchange, exchange.initiator ?? "null", exchange.hints?.credentials === "include", browser).finding?.id ?? null;
}

/** Fetch's request-body-header names, removed when a redirect turns the method into GET. */
const BODY_HEADERS = new Set(["content-encoding", "content-language", "content-location", "content-type"]);

export async function probe(req: ProbeRequest, browser: BrowserKind, send: Sender): Promise<DiagnosedExchange> {
  const start = Date.now();
  const hops: Hop[] = [];
  let url = req.url;
  // fetch() upper-cases DELETE/GET/HEAD/OPTIONS/POST/PUT and leaves every other method as typed.
  let method = normalizeMethod(req.method);
  let headers = req.headers;
  let tainted = false;
  /** Firefox preflights every later hop of a request it preflighted once, even one that a
   * 301/302/303 turned into a GET that needs none (agreement scenario
   * redirect-twice-post-json-target-preflight-mismatch; there the second target's preflight even
   * named the first request's Content-Type, which this probe does not imitate) */
  let preflighted = false;
  const pending: Outcome = { state: "pending" };
  for (let n = 0; n <= MAX_REDIRECTS; n++) {
    const originValue = tainted ? "null" : req.origin;
    const crossOrigin = tainted || originOf(url) !== req.origin;
    const need = needsPreflight(method, headers, browser);
    const preflights: boolean = crossOrigin && (need.needed || (browser === "firefox" && preflighted));
    preflighted ||= preflights;
    const hop: Hop = { url, method, requestHeaders: null, startTime: Date.now(), preflightState: preflights ? "sent" : "not-needed" };
    hops.push(hop);
    if (hop.preflightState === "sent") {
      const preHeaders: Header[] = [
        { name: "Accept", value: "*/*" },
        { name: "Access-Control-Request-Method", value: method },
        ...(need.unsafeHeaders.length > 0 ? [{ name: "Access-Control-Request-Headers", value: need.unsafeHeaders.join(",") }] : []),
        // Firefox preflights a hop after a tainting redirect with the page's origin, and sends
        // null only on the request itself (agreement scenarios redirect-preflighted-cross-origin-
        // other-origin, redirect-to-page-preflight-without-acao)
        { name: "Origin", value: browser === "firefox" ? req.origin : originValue },
        UA,
      ];
      const preStart = Date.now();
      const result = await send(url, "OPTIONS", preHeaders, browser);
      hop.preflight = { requestId: `check-${n}-preflight`, url, requestHeaders: preHeaders, startTime: preStart, endTime: Date.now() };
      if (result.response) hop.preflight.response = result.response;
      if (result.error) {
        hop.preflight.error = result.error;
        return finish(req, browser, hops, { state: "failed", error: result.error, endTime: Date.now() }, start);
      }
      if (stopRule(exchangeOf(req, browser, hops, pending, start), browser) !== null) return finish(req, browser, hops, null, start);
    }
    const sent: Header[] = [...headers];
    if (!sent.some((h) => h.name.toLowerCase() === "accept")) sent.unshift({ name: "Accept", value: "*/*" });
    // fetch() sends Origin on cross-origin requests and on same-origin ones other than GET/HEAD
    if (crossOrigin || !["GET", "HEAD"].includes(method.toUpperCase())) sent.push({ name: "Origin", value: originValue });
    sent.push(UA);
    hop.requestHeaders = sent;
    hop.startTime = Date.now();
    const result = await send(url, method, sent, browser);
    if (result.error || !result.response) {
      return finish(req, browser, hops, { state: "failed", error: result.error ?? "net::ERR_EMPTY_RESPONSE", endTime: Date.now() }, start);
    }
    hop.response = result.response;
    const location = hop.response.headers.find((h) => h.name.toLowerCase() === "location")?.value;
    if (!REDIRECT_STATUSES.has(hop.response.status) || location === undefined) break;
    let next: string;
    try {
      next = new URL(location, url).href;
    } catch {
      break;
    }
    hop.redirectUrl = next;
    const rule = stopRule(exchangeOf(req, browser, hops, pending, start), browser);
    const follow = (req.redirect ?? "follow") === "follow";
    if (rule !== null && (follow || stopsUnfollowedRedirect(rule, browser))) break;
    if (!follow) return finish(req, browser, hops, stoppedAtRedirect(browser, Date.now()), start);
    if (!next.startsWith("http:") && !next.startsWith("https:")) break;
    if (originOf(next) !== originOf(url) && originOf(url) !== req.origin) tainted = true;
    const redirected = redirectedMethod(method, hop.response.status);
    // a method turned into GET loses the body and the headers that describe it (Fetch,
    // HTTP-redirect fetch): a JSON POST redirected by a 301 is a simple GET on the next hop
    if (redirected !== method) headers = headers.filter((h) => !BODY_HEADERS.has(h.name.toLowerCase()));
    method = redirected;
    url = next;
  }
  return finish(req, browser, hops, null, start);
}

function finish(req: ProbeRequest, browser: BrowserKind, hops: Hop[], outcome: Outcome | null, start: number): DiagnosedExchange {
  const provisional = exchangeOf(req, browser, hops, { state: "pending" }, start);
  let final = outcome ?? blockedOutcome(provisional, browser, Date.now());
  if (final.state === "completed" && hops.length > MAX_REDIRECTS) {
    final = { state: "failed", error: browser === "firefox" ? "NS_ERROR_REDIRECT_LOOP" : "net::ERR_TOO_MANY_REDIRECTS", endTime: final.endTime };
  }
  const exchange = exchangeOf(req, browser, hops, final, start);
  return { exchange, diagnosis: diagnose(exchange) };
}
