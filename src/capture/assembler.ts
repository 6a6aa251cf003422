/**
 * The assembler: turns a stream of CaptureEvents (webRequest details, normalized) into
 * Exchanges. Pure: no browser API, no clock unless given; replayable from recorded fixtures.
 *
 * What it has to get right (see ../../shared/reference/platform.md):
 * - A preflight is a separate request (own requestId, method OPTIONS, same URL, type,
 *   initiator and tab as the request it guards, `Access-Control-Request-Method` in its
 *   headers). It is folded into the hop it guards.
 * - Chromium: the actual request's onBeforeRequest fires before its preflight's, and the actual
 *   request sends its headers only after the preflight. Firefox: the actual request's
 *   onSendHeaders fires before the preflight's onBeforeRequest.
 * - A hop that needed a preflight and sent none used the preflight cache ("cached").
 * - Redirects keep the requestId; every hop is recorded with status, Location and headers.
 *
 * PAIRING RULE (preflight ↔ the request it guards). An OPTIONS request is only known to be a
 * preflight once its headers show `Access-Control-Request-Method` (a page may send a real
 * OPTIONS too). So:
 * 1. When an OPTIONS request appears, it *reserves* the oldest request (by start time, then
 *    numeric requestId) that is waiting for a preflight on the same URL, tab and initiator and
 *    is not reserved yet. Browsers create the preflight right after the request it guards, in
 *    the same order as the requests, so with N identical concurrent requests the k-th OPTIONS
 *    reserves the k-th request.
 * 2. When its headers arrive: with `Access-Control-Request-Method` it is a preflight and pairs
 *    with its reservation if that request is compatible (same method as ACRM; and, when the
 *    request's own headers are already known, as in Firefox, the same unsafe header names as
 *    `Access-Control-Request-Headers`), otherwise with the oldest compatible waiting request.
 *    Without it, it is an ordinary request and the reservation is released.
 * 3. If the OPTIONS ends before its headers were seen, it is a preflight when a compatible
 *    request is waiting, an ordinary request otherwise.
 * 4. A preflight whose request has not been seen yet (events out of order) waits in a queue;
 *    every new request looks there first.
 * "Waiting for a preflight" = the hop has no preflight and no response yet, and (Chromium
 * only) has not sent its headers yet.
 */

import { redirectedMethod } from "../cors/methods";
import type { BrowserKind, Exchange, Hop, Preflight } from "../cors/model";
import type { CaptureEvent } from "./events";
import { classify, initiatorOf, mergeResponse, unobservableScheme } from "./fields";
import { headerValue, isHttpUrl, parseNameList } from "./headers";
import { better, type Candidate, candidateIn, compatible, waiting } from "./pairing";
import { unseenPreflightState } from "./preflight-state";
import { type AssemblerSnapshot, type InFlight, type OrphanPreflight, type PendingOptions, readSnapshot } from "./snapshot";

export type { AssemblerSnapshot } from "./snapshot";

export interface AssemblerOptions {
  browser: BrowserKind;
  /** clock for staleness (flushInterrupted); defaults to Date.now */
  now?: () => number;
}

export interface Assembler {
  /** Feeds one event; returns the exchanges created or changed by it (live objects: copy
   * before keeping them past the current task if they must not change). */
  push(event: CaptureEvent): Exchange[];
  snapshot(): AssemblerSnapshot;
  restore(snapshot: AssemblerSnapshot): void;
  /** Ends everything in flight (or only what saw no event for `maxIdleMs`): the exchanges
   * come back as pending + interrupted and leave the assembler. */
  flushInterrupted(maxIdleMs?: number): Exchange[];
  /** number of exchanges in flight (for tests and memory checks) */
  inflightCount(): number;
  /** changes whenever the OPTIONS not yet classified or the orphan preflights may have changed:
   * the worker persists auxSnapshot() only then, instead of serialising it after every event */
  auxVersion(): number;
  /** the part of snapshot() that is not in the log: OPTIONS not yet classified, orphan preflights */
  auxSnapshot(): Pick<AssemblerSnapshot, "options" | "orphans">;
}

/** A Map that reports every set and every effective delete (see Assembler.auxVersion). */
class ChangeCountingMap<K, V> extends Map<K, V> {
  changes = 0;
  override set(key: K, value: V): this {
    this.changes++;
    return super.set(key, value);
  }
  override delete(key: K): boolean {
    const had = super.delete(key);
    if (had) this.changes++;
    return had;
  }
}

const FINISHED_MEMORY = 256;
const EXCHANGE_PREFIX = "r";

export function createAssembler(options: AssemblerOptions): Assembler {
  const browser = options.browser;
  const now = options.now ?? Date.now;

  const inflight = new Map<string, InFlight>(); // exchange id → state
  const byRequest = new Map<string, { id: string; preflightHop: number | null }>();
  const pendingOptions = new ChangeCountingMap<string, PendingOptions>();
  const orphans = new ChangeCountingMap<string, OrphanPreflight>(); // preflight requestId → orphan
  /** events that changed a pending OPTIONS or an orphan in place (added to the maps' counts) */
  let auxEdits = 0;
  /** recently finished exchanges, for late events (bounded, not persisted) */
  const finished = new Map<string, Exchange>();

  /** requestIds of the remembered exchanges (with counts): lateEvent answers "not one of
   * them" without walking all FINISHED_MEMORY exchanges, which every new request asked */
  const finishedRequestIds = new Map<string, number>();
  const countRequestIds = (ex: Exchange, delta: 1 | -1) => {
    for (const id of ex.requestIds) {
      const n = (finishedRequestIds.get(id) ?? 0) + delta;
      if (n > 0) finishedRequestIds.set(id, n);
      else finishedRequestIds.delete(id);
    }
  };

  function addRequestId(ex: Exchange, id: string): void {
    if (ex.requestIds.includes(id)) return;
    ex.requestIds.push(id);
    // an exchange already finished may still get its late preflight (out-of-order streams)
    if (finished.get(ex.id) === ex) finishedRequestIds.set(id, (finishedRequestIds.get(id) ?? 0) + 1);
  }

  /** Exchanges (in flight or remembered) by the URLs of their hops: an OPTIONS looks for the
   * request it guards among those at its URL only. Scanning every exchange in flight and every
   * remembered one per OPTIONS made a burst of N preflighted requests cost N² checks. */
  const byUrl = new Map<string, Set<Exchange>>();

  function indexUrl(ex: Exchange, url: string): void {
    let set = byUrl.get(url);
    if (!set) {
      set = new Set();
      byUrl.set(url, set);
    }
    set.add(ex);
  }

  function unindex(ex: Exchange): void {
    for (const hop of ex.hops) {
      const set = byUrl.get(hop.url);
      if (!set) continue;
      set.delete(ex);
      if (set.size === 0) byUrl.delete(hop.url);
    }
  }

  function pushHop(ex: Exchange, hop: Hop): void {
    ex.hops.push(hop);
    if (inflight.get(ex.id)?.exchange === ex || finished.get(ex.id) === ex) indexUrl(ex, hop.url);
  }

  function remember(ex: Exchange): void {
    const previous = finished.get(ex.id);
    if (previous) {
      countRequestIds(previous, -1);
      if (previous !== ex) unindex(previous);
    }
    finished.set(ex.id, ex);
    countRequestIds(ex, 1);
    for (const hop of ex.hops) indexUrl(ex, hop.url);
    if (finished.size > FINISHED_MEMORY) {
      const oldest = finished.keys().next().value;
      if (oldest !== undefined) {
        const gone = finished.get(oldest);
        finished.delete(oldest);
        if (gone) {
          countRequestIds(gone, -1);
          if (inflight.get(gone.id)?.exchange !== gone) unindex(gone);
        }
      }
    }
  }

  /** Starts tracking an exchange in flight. */
  function track(ex: Exchange, lastSeen: number): void {
    inflight.set(ex.id, { exchange: ex, lastSeen });
    for (const hop of ex.hops) indexUrl(ex, hop.url);
  }

  function lookup(id: string): Exchange | undefined {
    return inflight.get(id)?.exchange ?? finished.get(id);
  }

  function newHop(url: string, method: string, startTime: number): Hop {
    return { url, method, requestHeaders: null, startTime, preflightState: "unknown" };
  }

  function createExchange(e: CaptureEvent): Exchange {
    const ex: Exchange = {
      id: `${EXCHANGE_PREFIX}${e.requestId}`,
      browser,
      tabId: e.tabId,
      frameId: e.frameId,
      initiator: initiatorOf(e),
      type: e.type,
      method: e.method,
      url: e.url,
      startTime: e.timeStamp,
      hops: [newHop(e.url, e.method, e.timeStamp)],
      outcome: { state: "pending" },
      trafficClass: "cross-origin",
      requestIds: [e.requestId],
    };
    if (e.documentUrl) ex.documentUrl = e.documentUrl;
    // every request starts with onBeforeRequest: first seen later, its first events were lost
    if (e.kind !== "beforeRequest") ex.captureGap = "start";
    ex.trafficClass = classify(ex);
    track(ex, e.timeStamp);
    byRequest.set(e.requestId, { id: ex.id, preflightHop: null });
    return ex;
  }

  function collect(url: string, tabId: number, initiator: string | null): Candidate[] {
    const out: Candidate[] = [];
    for (const ex of byUrl.get(url) ?? []) {
      // in flight first; out-of-order streams: a request already over may still lack its preflight
      const rank = inflight.get(ex.id)?.exchange === ex ? 0 : finished.get(ex.id) === ex ? 3 : -1;
      if (rank < 0) continue;
      const c = candidateIn(ex, rank, url, tabId, initiator, browser);
      if (c) out.push(c);
    }
    return out;
  }

  /** Requests waiting for a preflight at this URL, best first. */
  function candidates(url: string, tabId: number, initiator: string | null): Candidate[] {
    return collect(url, tabId, initiator).sort(better);
  }

  /** The best candidate not in `taken`, in one pass (a flood of identical requests made the
   * sort per OPTIONS quadratic and then some). */
  function bestCandidate(url: string, tabId: number, initiator: string | null, taken: Set<string>): Candidate | null {
    let best: Candidate | null = null;
    for (const c of collect(url, tabId, initiator)) if (!taken.has(c.ex.id) && (best === null || better(c, best) < 0)) best = c;
    return best;
  }

  function reservedIds(except: string): Set<string> {
    const s = new Set<string>();
    for (const p of pendingOptions.values()) if (p.requestId !== except && p.reserved) s.add(p.reserved);
    return s;
  }

  function attachPreflight(ex: Exchange, hopIndex: number, pf: Preflight): void {
    const hop = ex.hops[hopIndex];
    if (!hop) return;
    hop.preflight = pf;
    hop.preflightState = "sent";
    addRequestId(ex, pf.requestId);
    byRequest.set(pf.requestId, { id: ex.id, preflightHop: hopIndex });
  }

  /**
   * A preflight given to a hop before the hop's headers were seen (its request's first events
   * were lost to a stopped worker, another request at the URL with the same method was waiting)
   * is taken back when the headers show it could not be that request's: the preflight names
   * the method and request headers that needed it, and a request needing none or others was
   * not what it guarded. It waits again for its own request, as an OPTIONS nothing claimed does.
   */
  function detachIfForeign(ex: Exchange, hopIndex: number): void {
    const hop = ex.hops[hopIndex];
    const pf = hop?.preflight;
    if (!hop || !pf || hop.requestHeaders === null) return;
    const acrm = headerValue(pf.requestHeaders, "access-control-request-method");
    const acrh = parseNameList(headerValue(pf.requestHeaders, "access-control-request-headers"));
    const foreign = acrm === null ? pf.requestHeaders === null && !compatible(ex, hopIndex, null, null, browser) : !compatible(ex, hopIndex, acrm, acrh, browser);
    if (!foreign) return;
    delete hop.preflight;
    hop.preflightState = "unknown";
    ex.requestIds = ex.requestIds.filter((id) => id !== pf.requestId);
    byRequest.delete(pf.requestId);
    orphans.set(pf.requestId, {
      preflight: pf,
      tabId: ex.tabId,
      initiator: ex.initiator,
      acrm: acrm ?? "",
      acrh,
      lastSeen: pf.endTime ?? pf.startTime,
    });
  }

  function applyToPreflight(pf: Preflight, e: CaptureEvent): void {
    pf.startTime = Math.min(pf.startTime, e.timeStamp);
    if (e.requestHeaders && pf.requestHeaders === null) pf.requestHeaders = e.requestHeaders;
    switch (e.kind) {
      case "headersReceived":
      case "responseStarted":
      case "beforeRedirect":
        pf.response = mergeResponse(pf.response, e);
        break;
      case "completed":
        pf.response = mergeResponse(pf.response, e);
        pf.endTime = e.timeStamp;
        break;
      case "errorOccurred":
        pf.error = e.error ?? "unknown error";
        pf.endTime = e.timeStamp;
        break;
      default:
        break;
    }
  }

  function preflightFromEvents(p: PendingOptions): Preflight {
    const first = p.events[0] as CaptureEvent;
    const pf: Preflight = { requestId: p.requestId, url: first.url, requestHeaders: null, startTime: first.timeStamp };
    for (const e of p.events) applyToPreflight(pf, e);
    return pf;
  }

  /** Decides what a pending OPTIONS is, when the evidence allows. Returns changed exchanges. */
  function classifyOptions(p: PendingOptions, force: boolean): Exchange[] {
    const withHeaders = p.events.find((e) => e.requestHeaders !== undefined);
    const ended = p.events.some((e) => e.kind !== "beforeRequest" && e.kind !== "sendHeaders");
    if (!withHeaders && !ended && !force) return [];
    const first = p.events[0] as CaptureEvent;
    const initiator = initiatorOf(first);
    const acrm = withHeaders ? headerValue(withHeaders.requestHeaders, "access-control-request-method") : null;
    if (withHeaders && acrm === null) return promoteToRequest(p);
    const acrh = withHeaders ? parseNameList(headerValue(withHeaders.requestHeaders, "access-control-request-headers")) : null;
    // Its reservation, when still waiting and compatible, wins: checked alone, without
    // ranking every candidate (a flood of identical requests made that quadratic).
    const reservedEx = p.reserved ? lookup(p.reserved) : undefined;
    const reservedCandidate = reservedEx ? candidateIn(reservedEx, inflight.has(reservedEx.id) ? 0 : 3, first.url, first.tabId, initiator, browser) : null;
    const pf = preflightFromEvents(p);
    let target: Candidate | undefined =
      reservedCandidate && compatible(reservedCandidate.ex, reservedCandidate.hop, acrm, acrh, browser, pf) ? reservedCandidate : undefined;
    if (!target) {
      const list = candidates(first.url, first.tabId, initiator).filter((c) => compatible(c.ex, c.hop, acrm, acrh, browser, pf));
      const taken = reservedIds(p.requestId);
      target = list.find((c) => !taken.has(c.ex.id)) ?? list[0];
    }
    pendingOptions.delete(p.requestId);
    if (target) {
      attachPreflight(target.ex, target.hop, pf);
      touch(target.ex, first.timeStamp);
      return [target.ex];
    }
    // With its headers it is a preflight whose request is not seen yet. Without them (it ended
    // before they were seen: events were lost) it is almost surely one too — a page's own
    // OPTIONS shows its headers like any request — so it waits as well, and becomes an
    // exchange of its own only when nothing claims it before the staleness sweep (force).
    if (withHeaders || !force) {
      orphans.set(p.requestId, {
        preflight: pf,
        tabId: first.tabId,
        initiator,
        acrm: acrm ?? "",
        acrh: acrh ?? [],
        lastSeen: first.timeStamp,
      });
      return [];
    }
    return promoteToRequest(p);
  }

  function promoteToRequest(p: PendingOptions): Exchange[] {
    pendingOptions.delete(p.requestId);
    const first = p.events[0] as CaptureEvent;
    const ex = createExchange({ ...first, kind: "beforeRequest" });
    const changed = new Set<Exchange>([ex]);
    for (const e of p.events) for (const c of applyToRequest(ex, e)) changed.add(c);
    return [...changed];
  }

  /** A new request may be the one an orphan preflight was waiting for. */
  function adoptOrphan(ex: Exchange, hopIndex: number): void {
    const hop = ex.hops[hopIndex];
    if (!hop || !waiting(ex, hopIndex, browser)) return;
    let best: OrphanPreflight | undefined;
    for (const o of orphans.values()) {
      if (o.preflight.url !== hop.url || o.tabId !== ex.tabId) continue;
      if (o.initiator !== null && ex.initiator !== null && o.initiator !== ex.initiator) continue;
      const unknown = o.acrm === "";
      if (!compatible(ex, hopIndex, unknown ? null : o.acrm, unknown ? null : o.acrh, browser, o.preflight)) continue;
      if (!best || o.preflight.startTime < best.preflight.startTime) best = o;
    }
    if (best) {
      orphans.delete(best.preflight.requestId);
      attachPreflight(ex, hopIndex, best.preflight);
    }
  }

  function touch(ex: Exchange, time: number): void {
    const f = inflight.get(ex.id);
    if (f) f.lastSeen = Math.max(f.lastSeen, time);
  }

  /** Which hop an event of the request itself belongs to (by URL; appends redirect targets). */
  function hopFor(ex: Exchange, e: CaptureEvent): number {
    let index = -1;
    for (let i = ex.hops.length - 1; i >= 0; i--) {
      if (ex.hops[i]?.url === e.url) {
        index = i;
        break;
      }
    }
    const opening = e.kind === "beforeRequest" || e.kind === "sendHeaders";
    const hop = index >= 0 ? ex.hops[index] : undefined;
    // A redirect to the same URL: the next request is a new hop.
    if (hop && opening && hop.redirectUrl === e.url && index === ex.hops.length - 1) index = -1;
    if (index >= 0) return index;
    const last = ex.hops[ex.hops.length - 1];
    const method = last?.response ? redirectedMethod(last.method, last.response.status) : e.method;
    pushHop(ex, newHop(e.url, e.method || method, e.timeStamp));
    if (last && last.redirectUrl === undefined) last.redirectUrl = e.url;
    return ex.hops.length - 1;
  }

  /** Decides how a hop was guarded once it is over (or sent, in Chromium). */
  function settlePreflightState(ex: Exchange, hop: Hop): void {
    if (hop.preflight) {
      hop.preflightState = "sent";
      return;
    }
    if (hop.requestHeaders === null) return; // stays "unknown" (never sent, or not observed)
    // With events lost to a stopped worker (captureGap), a preflight not seen may have been
    // sent in the gap: nothing shows that the cache answered, so the state stays unknown.
    hop.preflightState = unseenPreflightState(ex, hop, browser, ex.captureGap !== undefined);
  }

  function applyToRequest(ex: Exchange, e: CaptureEvent): Exchange[] {
    touch(ex, e.timeStamp);
    addRequestId(ex, e.requestId);
    if (ex.initiator === null) ex.initiator = initiatorOf(e);
    if (!ex.documentUrl && e.documentUrl) ex.documentUrl = e.documentUrl;
    const before = ex.hops.length;
    const index = hopFor(ex, e);
    const hop = ex.hops[index] as Hop;
    if (index === 0 && e.kind === "beforeRequest" && e.timeStamp < ex.startTime) {
      ex.startTime = e.timeStamp;
      hop.startTime = e.timeStamp;
    }
    if (e.requestHeaders && hop.requestHeaders === null) {
      hop.requestHeaders = e.requestHeaders;
      detachIfForeign(ex, index);
      // A page's request goes out with its own Origin; `Origin: null` from a page that has an
      // origin means a cross-origin redirect came first: a hop this exchange never saw.
      if (index === 0 && ex.captureGap !== "start" && ex.initiator !== null && ex.initiator !== "null" && headerValue(e.requestHeaders, "origin") === "null") {
        ex.captureGap = "start";
      }
    }
    switch (e.kind) {
      case "sendHeaders":
        if (browser === "chromium") settlePreflightState(ex, hop);
        break;
      case "headersReceived":
      case "responseStarted":
        hop.response = mergeResponse(hop.response, e);
        break;
      case "beforeRedirect": {
        hop.response = mergeResponse(hop.response, e);
        const target = e.redirectUrl ?? headerValue(e.responseHeaders, "location");
        if (target) {
          hop.redirectUrl = target;
          const next = ex.hops[index + 1];
          if (!next) pushHop(ex, newHop(target, redirectedMethod(hop.method, e.statusCode ?? 0), e.timeStamp));
        }
        settlePreflightState(ex, hop);
        if (target && ex.outcome.state === "pending" && unobservableScheme(target)) endAtUnobservableRedirect(ex, hop, e);
        break;
      }
      case "completed":
        hop.response = mergeResponse(hop.response, e);
        if (ex.outcome.state === "pending") ex.outcome = { state: "completed", endTime: e.timeStamp };
        break;
      case "errorOccurred":
        if (ex.outcome.state === "pending") {
          ex.outcome = { state: "failed", error: e.error ?? "unknown error", endTime: e.timeStamp };
        }
        break;
      default:
        break;
    }
    if (ex.hops.length !== before) ex.trafficClass = classify(ex);
    if (orphans.size > 0) adoptOrphan(ex, ex.hops.length - 1);
    if (e.kind === "completed" || e.kind === "errorOccurred") {
      for (const h of ex.hops) if (h.preflightState === "unknown") settlePreflightState(ex, h);
      finish(ex);
    }
    return [ex];
  }

  /**
   * A redirect to a scheme webRequest does not report (javascript:, vbscript:, a custom one)
   * is the last event the request ever gets: its failure is reported for the new URL, which no
   * listener matches, so it would stay pending forever. For a cors-mode request Chromium fails
   * it as observed: net::ERR_FAILED, CORS error CorsDisabledScheme ("Cross origin requests are
   * only supported for protocol schemes: …"); otherwise what happened cannot be seen.
   */
  function endAtUnobservableRedirect(ex: Exchange, hop: Hop, e: CaptureEvent): void {
    const mode = headerValue(ex.hops[0]?.requestHeaders ?? hop.requestHeaders, "sec-fetch-mode");
    if (browser === "chromium" && mode?.toLowerCase() === "cors") {
      ex.outcome = { state: "failed", error: "net::ERR_FAILED", endTime: e.timeStamp };
      ex.hints = { ...ex.hints, corsError: "CorsDisabledScheme" };
    } else {
      ex.outcome = { state: "pending", interrupted: true };
    }
    for (const h of ex.hops) if (h.preflightState === "unknown") settlePreflightState(ex, h);
    finish(ex);
  }

  function finish(ex: Exchange): void {
    if (!inflight.has(ex.id)) return;
    inflight.delete(ex.id);
    remember(ex);
    // Keep the requestId mapping of finished exchanges only while they are remembered.
    for (const id of ex.requestIds) {
      const m = byRequest.get(id);
      if (m && m.id === ex.id) byRequest.delete(id);
    }
  }

  function lateEvent(e: CaptureEvent): Exchange[] {
    if (!finishedRequestIds.has(e.requestId)) return [];
    for (const ex of finished.values()) {
      if (!ex.requestIds.includes(e.requestId)) continue;
      const pfHop = ex.hops.findIndex((h) => h.preflight?.requestId === e.requestId);
      if (pfHop >= 0) {
        applyToPreflight(ex.hops[pfHop]?.preflight as Preflight, e);
        return [ex];
      }
      // Fill in what an earlier event did not carry; the outcome stays as it is.
      const index = ex.hops.findIndex((h) => h.url === e.url);
      const hop = ex.hops[index >= 0 ? index : ex.hops.length - 1];
      if (!hop) return [];
      if (e.requestHeaders && hop.requestHeaders === null) {
        hop.requestHeaders = e.requestHeaders;
        if (hop.preflightState === "unknown") settlePreflightState(ex, hop);
      }
      if (e.kind === "beforeRequest" && e.timeStamp < ex.startTime) ex.startTime = e.timeStamp;
      if (e.kind !== "beforeRequest" && e.kind !== "sendHeaders" && e.kind !== "errorOccurred") {
        hop.response = mergeResponse(hop.response, e);
      }
      if (e.kind === "beforeRedirect" && e.redirectUrl && !hop.redirectUrl) hop.redirectUrl = e.redirectUrl;
      return [ex];
    }
    return [];
  }

  function pushOptions(e: CaptureEvent): Exchange[] {
    let p = pendingOptions.get(e.requestId);
    if (!p) {
      p = { requestId: e.requestId, events: [], reserved: null, firstSeen: e.timeStamp };
      pendingOptions.set(e.requestId, p);
      const c = bestCandidate(e.url, e.tabId, initiatorOf(e), reservedIds(e.requestId));
      p.reserved = c ? c.ex.id : null;
    }
    p.events.push(e);
    return classifyOptions(p, false);
  }

  function push(e: CaptureEvent): Exchange[] {
    // an event of a pending OPTIONS or of an orphan changes it in place
    if (pendingOptions.has(e.requestId) || orphans.has(e.requestId)) auxEdits++;
    const known = byRequest.get(e.requestId);
    if (known) {
      const ex = lookup(known.id);
      if (!ex) {
        byRequest.delete(e.requestId);
      } else if (known.preflightHop !== null) {
        const pf = ex.hops[known.preflightHop]?.preflight;
        if (pf) applyToPreflight(pf, e);
        touch(ex, e.timeStamp);
        return [ex];
      } else if (inflight.has(ex.id)) {
        return applyToRequest(ex, e);
      }
    }
    if (pendingOptions.has(e.requestId)) return pushOptions(e);
    const orphan = orphans.get(e.requestId);
    if (orphan) {
      applyToPreflight(orphan.preflight, e);
      orphan.lastSeen = e.timeStamp;
      if (orphan.acrm === "" && e.requestHeaders) {
        // its headers after all (out of order): a preflight only if they say so
        const acrm = headerValue(e.requestHeaders, "access-control-request-method");
        if (acrm === null) {
          orphans.delete(e.requestId);
          return [orphanToExchange(orphan)];
        }
        orphan.acrm = acrm;
        orphan.acrh = parseNameList(headerValue(e.requestHeaders, "access-control-request-headers"));
      }
      return [];
    }
    const late = lateEvent(e);
    if (late.length > 0) return late;
    const navigation = e.type === "main_frame" || e.type === "sub_frame";
    if (e.method.toUpperCase() === "OPTIONS" && isHttpUrl(e.url) && !navigation) return pushOptions(e);
    const ex = createExchange(e);
    return applyToRequest(ex, e);
  }

  function snapshot(): AssemblerSnapshot {
    return {
      version: 1,
      inflight: [...inflight.values()].map((f) => ({ exchange: f.exchange, lastSeen: f.lastSeen })),
      options: [...pendingOptions.values()],
      orphans: [...orphans.values()],
    };
  }

  /** Restores a snapshot; whatever in it is not what snapshot() writes is left out. */
  function restore(s: AssemblerSnapshot): void {
    const read = readSnapshot(s);
    if (!read) return;
    for (const { exchange: ex, lastSeen } of read.inflight) {
      track(ex, lastSeen);
      for (const id of ex.requestIds) byRequest.set(id, { id: ex.id, preflightHop: null });
      ex.hops.forEach((h, i) => {
        if (h.preflight && typeof h.preflight.requestId === "string") byRequest.set(h.preflight.requestId, { id: ex.id, preflightHop: i });
      });
    }
    for (const p of read.options) pendingOptions.set(p.requestId, p);
    for (const o of read.orphans) orphans.set(o.preflight.requestId, o);
    for (const ex of read.finished) if (!inflight.has(ex.id)) remember(ex);
  }

  function orphanToExchange(o: OrphanPreflight): Exchange {
    const pf = o.preflight;
    const ex = createExchange({
      kind: "beforeRequest",
      browser,
      requestId: pf.requestId,
      tabId: o.tabId,
      frameId: 0,
      url: pf.url,
      method: "OPTIONS",
      type: "other",
      timeStamp: pf.startTime,
      ...(o.initiator !== null ? { initiator: o.initiator } : {}),
    });
    const hop = ex.hops[0] as Hop;
    hop.requestHeaders = pf.requestHeaders;
    if (pf.response) hop.response = pf.response;
    hop.preflightState = "not-needed";
    if (pf.error !== undefined) ex.outcome = { state: "failed", error: pf.error, endTime: pf.endTime ?? pf.startTime };
    else if (pf.endTime !== undefined) ex.outcome = { state: "completed", endTime: pf.endTime };
    else ex.outcome = { state: "pending", interrupted: true };
    finish(ex);
    return ex;
  }

  function flushInterrupted(maxIdleMs?: number): Exchange[] {
    // without a limit, everything (whatever times the events carried)
    const all = maxIdleMs === undefined;
    const limit = all ? Number.POSITIVE_INFINITY : now() - maxIdleMs;
    const out: Exchange[] = [];
    // OPTIONS never classified: ordinary requests that were cut off.
    for (const p of [...pendingOptions.values()]) {
      if (all || p.firstSeen < limit) out.push(...classifyOptions(p, true));
    }
    // Preflights whose request never showed up become exchanges of their own (never dropped).
    for (const [id, o] of [...orphans]) {
      if (!all && o.lastSeen >= limit) continue;
      orphans.delete(id);
      out.push(orphanToExchange(o));
    }
    for (const f of [...inflight.values()]) {
      if (!all && f.lastSeen >= limit) continue;
      const ex = f.exchange;
      ex.outcome = { state: "pending", interrupted: true };
      finish(ex);
      if (!out.includes(ex)) out.push(ex);
    }
    return out;
  }

  return {
    push(event) {
      try {
        return push(event);
      } catch {
        // Malformed input must never stop capture; the event is skipped.
        return [];
      }
    },
    snapshot,
    restore,
    flushInterrupted,
    inflightCount: () => inflight.size,
    auxVersion: () => pendingOptions.changes + orphans.changes + auxEdits,
    auxSnapshot: () => ({ options: [...pendingOptions.values()], orphans: [...orphans.values()] }),
  };
}
