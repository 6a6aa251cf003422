/**
 * The assembler's in-flight state as plain JSON (the platform stores it so that a restarted
 * worker resumes), and its reading back: storage may hold what an older version wrote, or
 * anything at all, so a snapshot is read field by field and whatever is not what the
 * assembler writes is left out.
 */
import type { Exchange, Preflight } from "../cors/model";
import { normalizeExchange } from "../cors/normalize";
import type { CaptureEvent } from "./events";

/** An OPTIONS request not yet classified (preflight or ordinary request). */
export interface PendingOptions {
  requestId: string;
  events: CaptureEvent[];
  /** exchange id reserved by rule 1 */
  reserved: string | null;
  firstSeen: number;
}

/** A preflight whose request has not been seen yet. */
export interface OrphanPreflight {
  preflight: Preflight;
  tabId: number;
  initiator: string | null;
  /** "" when the OPTIONS ended before its headers were seen (events lost, e.g. while the
   * worker was being stopped): then any request waiting for a preflight on its URL fits */
  acrm: string;
  acrh: string[];
  lastSeen: number;
}

export interface InFlight {
  exchange: Exchange;
  lastSeen: number;
}

/** Plain-JSON in-flight state (stored by the platform so a restarted worker resumes). */
export interface AssemblerSnapshot {
  version: 1;
  inflight: InFlight[];
  options: PendingOptions[];
  orphans: OrphanPreflight[];
  /** recently finished exchanges (restore only): a late event for one of them fills it in
   * instead of starting a new exchange under the same id */
  finished?: Exchange[];
}

/** A snapshot as read back: only well-formed parts. */
export interface ReadSnapshot {
  inflight: InFlight[];
  options: PendingOptions[];
  orphans: OrphanPreflight[];
  finished: Exchange[];
}

/** A stored exchange, made well-formed (storage may hold what an older version wrote). */
function restoredExchange(value: unknown): Exchange | null {
  if (typeof value !== "object" || value === null || typeof (value as { id?: unknown }).id !== "string") return null;
  const ex = normalizeExchange(value);
  return ex.id === "" || ex.hops.length === 0 ? null : ex;
}

const isEvent = (e: unknown): e is CaptureEvent =>
  typeof e === "object" &&
  e !== null &&
  typeof (e as CaptureEvent).kind === "string" &&
  typeof (e as CaptureEvent).requestId === "string" &&
  typeof (e as CaptureEvent).url === "string" &&
  typeof (e as CaptureEvent).method === "string" &&
  typeof (e as CaptureEvent).tabId === "number" &&
  typeof (e as CaptureEvent).timeStamp === "number";

/** The well-formed parts of a stored snapshot; null when it is not one at all. */
export function readSnapshot(s: AssemblerSnapshot): ReadSnapshot | null {
  if (s?.version !== 1) return null;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
  const out: ReadSnapshot = { inflight: [], options: [], orphans: [], finished: [] };
  for (const f of list(s.inflight) as Partial<InFlight>[]) {
    const ex = restoredExchange(f?.exchange);
    if (ex) out.inflight.push({ exchange: ex, lastSeen: typeof f.lastSeen === "number" ? f.lastSeen : ex.startTime });
  }
  for (const p of list(s.options) as Partial<PendingOptions>[]) {
    if (typeof p?.requestId !== "string" || !Array.isArray(p.events) || p.events.length === 0 || !p.events.every(isEvent)) continue;
    out.options.push({
      requestId: p.requestId,
      events: p.events,
      reserved: typeof p.reserved === "string" ? p.reserved : null,
      firstSeen: typeof p.firstSeen === "number" ? p.firstSeen : (p.events[0] as CaptureEvent).timeStamp,
    });
  }
  for (const o of list(s.orphans) as Partial<OrphanPreflight>[]) {
    const pf = o?.preflight;
    if (!pf || typeof pf.requestId !== "string" || typeof pf.url !== "string" || typeof o.tabId !== "number") continue;
    out.orphans.push({
      preflight: pf,
      tabId: o.tabId,
      initiator: typeof o.initiator === "string" ? o.initiator : null,
      acrm: typeof o.acrm === "string" ? o.acrm : "",
      acrh: Array.isArray(o.acrh) ? o.acrh.filter((x): x is string => typeof x === "string") : [],
      lastSeen: typeof o.lastSeen === "number" ? o.lastSeen : pf.startTime,
    });
  }
  for (const value of list(s.finished)) {
    const ex = restoredExchange(value);
    if (ex) out.finished.push(ex);
  }
  return out;
}
