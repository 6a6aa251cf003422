/**
 * Which changes of a log entry may wait for the entry's next write instead of being written at
 * once (LogStore's UpsertOptions.deferWrite). A change may wait only when a later event of the
 * same request repeats everything it brought: then a worker stopped in between loses nothing
 * that the next worker does not get again. Everything else is written at once.
 */
import type { CaptureEvent } from "../capture/events";
import { corsCheck } from "../cors/cors-check";
import { credentialsEvidence } from "../cors/credentials";
import { headerValue } from "../cors/headers";
import type { BrowserKind, Exchange } from "../cors/model";

/**
 * - onResponseStarted: its status, IP and cache flag are all in onCompleted;
 * - Chromium, a preflight's onHeadersReceived: the preflight always gets onCompleted with the
 *   same headers, even when it fails the CORS check (shared/reference/platform.md). Not when
 *   this event is what classified the OPTIONS (`auxChanged`: its earlier events then left the
 *   stored auxiliary state and are only in this entry), and not in Firefox, where a failing
 *   preflight ends in onErrorOccurred without headers;
 * - Chromium, the request's own onHeadersReceived when its response passes the CORS check
 *   (responsePassesCheck): it then goes on to onCompleted, which carries the same status and
 *   headers. A response that fails ends in onErrorOccurred without them, so it is written at once.
 */
export function canDeferWrite(event: CaptureEvent, exchange: Exchange, browser: BrowserKind, auxChanged: boolean): boolean {
  if (event.kind === "responseStarted") return true;
  if (browser !== "chromium" || event.kind !== "headersReceived" || auxChanged) return false;
  const preflight = exchange.hops.find((h) => h.preflight?.requestId === event.requestId)?.preflight;
  if (preflight) return preflight.requestHeaders !== null;
  return exchange.requestIds[0] === event.requestId && responsePassesCheck(exchange);
}

/**
 * Whether the last hop's response (just received) passes the CORS check as Chromium will make
 * it, so that the request goes on to onCompleted with those headers:
 * - not a redirect (Chromium may stop one for reasons other than its headers, e.g. a redirect
 *   mode of `error`);
 * - the request was seen with an Origin header: a cross-origin request without one is a no-cors
 *   request, which Chromium may still block after its headers arrive (ORB), so it is written;
 * - the check passes with credentials when the request's credentials mode is not known to be
 *   `omit`/`same-origin` (the stricter check: a response that passes it passes both).
 * A wrong guess costs nothing unless the worker is stopped in the millisecond between this
 * event and onErrorOccurred; the next worker then marks the exchange interrupted (never a
 * verdict), as for any event a stopped worker did not get.
 */
function responsePassesCheck(exchange: Exchange): boolean {
  const hop = exchange.hops[exchange.hops.length - 1];
  const response = hop?.response;
  if (!hop || !response || (response.status >= 300 && response.status < 400)) return false;
  const origin = headerValue(hop.requestHeaders, "origin");
  if (origin === null) return false;
  const include = credentialsEvidence(exchange).include ?? true;
  return corsCheck(response.headers, origin, include, "chromium") === null;
}
