/**
 * Which changes of a log entry may wait for the entry's next write instead of being written at
 * once (LogStore's UpsertOptions.deferWrite). A change may wait only when a later event of the
 * same request repeats everything it brought: then a worker stopped in between loses nothing
 * that the next worker does not get again. Everything else is written at once.
 */
import type { CaptureEvent } from "../capture/events";
import type { BrowserKind, Exchange } from "../cors/model";

/**
 * - onResponseStarted: its status, IP and cache flag are all in onCompleted;
 * - Chromium, a preflight's onHeadersReceived: the preflight always gets onCompleted with the
 *   same headers, even when it fails the CORS check (shared/reference/platform.md). Not when
 *   this event is what classified the OPTIONS (`auxChanged`: its earlier events then left the
 *   stored auxiliary state and are only in this entry), and not in Firefox, where a failing
 *   preflight ends in onErrorOccurred without headers.
 */
export function canDeferWrite(event: CaptureEvent, exchange: Exchange, browser: BrowserKind, auxChanged: boolean): boolean {
  if (event.kind === "responseStarted") return true;
  if (browser !== "chromium" || event.kind !== "headersReceived" || auxChanged) return false;
  return exchange.hops.some((h) => h.preflight?.requestId === event.requestId && h.preflight.requestHeaders !== null);
}
