/**
 * How a hop was guarded when no preflight of its own was seen: one rule for live capture (the
 * assembler settles a hop with it once the browser has shown what it will) and for imported
 * files (the HAR reader), so that an exported exchange reads back as it was captured.
 */
import type { BrowserKind, Exchange, Hop, PreflightState } from "../cors/model";
import { needsPreflight } from "../cors/preflight";
import { headerValue, originOf } from "./headers";

/**
 * - a preflight, not a CORS request (same origin as the page on its first hop, or a mode other
 *   than `cors`), or a request that needs no preflight: `not-needed`;
 * - one that needs a preflight, none seen: `cached` (the browser's preflight cache answered),
 *   unless a preflight may have gone unseen (events lost to a stopped worker, a file that shows
 *   no preflight at all): `unknown`.
 * The hop's request headers must be known (the caller keeps `unknown` otherwise).
 */
export function unseenPreflightState(ex: Pick<Exchange, "trafficClass" | "initiator" | "hops">, hop: Hop, browser: BrowserKind, mayBeUnseen: boolean): PreflightState {
  if (isPreflightItself(hop)) return "not-needed";
  const mode = headerValue(hop.requestHeaders, "sec-fetch-mode");
  const crossOrigin = ex.trafficClass === "cross-origin" && (originOf(hop.url) !== ex.initiator || ex.hops.indexOf(hop) > 0);
  if (!crossOrigin || (mode !== null && mode.toLowerCase() !== "cors")) return "not-needed";
  if (!needsPreflight(hop.method, hop.requestHeaders, browser).needed) return "not-needed";
  return mayBeUnseen ? "unknown" : "cached";
}

/** A preflight itself (pages cannot set Access-Control-Request-*: forbidden header names),
 * kept as an exchange when the request it guarded was never seen: it needs none, ever. */
function isPreflightItself(hop: Hop): boolean {
  return hop.method.toUpperCase() === "OPTIONS" && headerValue(hop.requestHeaders, "access-control-request-method") !== null;
}

/** Whether the browser has shown how the hop was guarded: Chromium sends a hop's preflight
 * before the hop's own headers; Firefox may send it after them, so only a hop that is over
 * (redirected, answered for good, failed) tells — but a preflight itself needs none in any case
 * (found by export-round-trip.property.test.ts, seed -230012647: a Firefox preflight whose
 * request was never seen, cut short, read back as unknown). */
export function guardKnown(browser: BrowserKind, hop: Hop, hopOver: boolean): boolean {
  return browser === "chromium" || hopOver || isPreflightItself(hop);
}
