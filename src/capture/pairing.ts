/**
 * The pairing rule's tests on one exchange (assembler.ts describes the rule): whether a hop
 * waits for a preflight, whether a preflight fits a hop, and which waiting hop is preferred.
 * Pure functions of the exchange; the assembler finds the candidates (its URL index) and keeps
 * the reservations.
 */
import type { BrowserKind, Exchange, Header, Preflight } from "../cors/model";
import { needsPreflight } from "../cors/preflight";
import { numericId } from "./fields";

/** Does this hop still wait for a preflight (see the pairing rule)? */
export function waiting(ex: Exchange, hopIndex: number, browser: BrowserKind): boolean {
  const hop = ex.hops[hopIndex];
  if (!hop || hop.preflight) return false;
  // Events out of order: a request already answered may still lack its preflight when it
  // looked like a preflight-cache hit. Real streams prefer in-flight requests (see candidates).
  if (hop.response) return hop.preflightState === "cached" || hop.preflightState === "unknown";
  // Chromium sends the request only after its preflight; a request already sent can only
  // be a late match when it looked like a preflight-cache hit (events out of order).
  if (browser === "chromium" && hop.requestHeaders !== null && hop.preflightState !== "cached") return false;
  return true;
}

/** Whether a preflight that asked for method `acrm` and headers `acrh` (null: its headers were
 * not seen) can be the one of hop `hopIndex`; `pf`, when given, must also have ended before
 * the hop's answer. */
export function compatible(
  ex: Exchange,
  hopIndex: number,
  acrm: string | null,
  acrh: string[] | null,
  browser: BrowserKind,
  pf?: Preflight,
): boolean {
  const hop = ex.hops[hopIndex];
  if (!hop) return false;
  // a request is sent, and answered, only once its preflight has ended: a preflight answered
  // or ended after the request's answer was not its (events may come out of order, times not)
  const last = pf ? Math.max(pf.response?.time ?? Number.NEGATIVE_INFINITY, pf.endTime ?? Number.NEGATIVE_INFINITY) : Number.NEGATIVE_INFINITY;
  if (hop.response && last > hop.response.time) return false;
  // a preflight whose headers were lost fits any request waiting at its URL but a simple one
  if (acrm === null && hop.requestHeaders !== null && !needsPreflight(hop.method, hop.requestHeaders, browser).needed) return false;
  if (acrm !== null && hop.method.toUpperCase() !== acrm.toUpperCase()) return false;
  if (acrh !== null && hop.requestHeaders !== null) {
    const named = acrh.join(",");
    // Firefox keeps a request's unsafe-header list across redirects: after a 301 turned a
    // JSON POST into a bodiless GET, it preflighted the second redirect's target with
    // Access-Control-Request-Headers: content-type (hunt seed 40; the fixture
    // redirect-twice-preflight-kept-headers). So a later hop's preflight may name the first's.
    const first = ex.hops[0];
    const kept = browser === "firefox" && hopIndex > 0 && first?.requestHeaders != null && unsafeNames(first.method, first.requestHeaders, browser) === named;
    if (unsafeNames(hop.method, hop.requestHeaders, browser) !== named && !kept) return false;
  }
  return true;
}

/** The request headers that call for a preflight, as Access-Control-Request-Headers lists them. */
function unsafeNames(method: string, headers: Header[], browser: BrowserKind): string {
  return needsPreflight(method, headers, browser)
    .unsafeHeaders.map((h) => h.toLowerCase())
    .sort()
    .join(",");
}

/** A hop that waits for a preflight, and how much it is preferred (lower first). */
export type Candidate = { ex: Exchange; hop: number; rank: number };

/** The hop of `ex` that waits for a preflight at this URL, if any (see the pairing rule). */
export function candidateIn(
  ex: Exchange,
  rank: number,
  url: string,
  tabId: number,
  initiator: string | null,
  browser: BrowserKind,
): Candidate | null {
  if (ex.tabId !== tabId) return null;
  if (initiator !== null && ex.initiator !== null && ex.initiator !== initiator) return null;
  for (let hop = ex.hops.length - 1; hop >= 0; hop--) {
    const h = ex.hops[hop];
    if (h?.url !== url) continue;
    return waiting(ex, hop, browser) ? { ex, hop, rank: rank + (h.response ? 2 : h.requestHeaders === null ? 0 : 1) } : null;
  }
  return null;
}

/** Order of preference: in flight before finished, not yet sent before sent, then oldest
 * first (start time, then numeric requestId). */
export const better = (a: Candidate, b: Candidate): number =>
  a.rank - b.rank ||
  (a.ex.hops[a.hop]?.startTime ?? 0) - (b.ex.hops[b.hop]?.startTime ?? 0) ||
  numericId(a.ex.requestIds[0] ?? "") - numericId(b.ex.requestIds[0] ?? "");

