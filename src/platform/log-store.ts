/**
 * Per-tab log of diagnosed exchanges: bounded (count and bytes, oldest dropped first, exact
 * dropped counter) and persisted through a KeyValueStore (chrome.storage.session in the worker)
 * so that a terminated worker loses nothing.
 *
 * Storage layout:
 * - `e:<tabId>:<exchangeId>` → the compact text of { s: sequence number, x: Exchange }
 *   (entry-codec.ts; the diagnosis only once the exchange has ended, made again on load before) — one key per exchange, rewritten
 *   when that exchange changes. Text, not the object: the
 *   extension API converts an object graph value by value in the worker (about 1 ms for a 4 KB
 *   exchange here), while JSON.stringify makes the text in microseconds and a string crosses
 *   as one value. The text's length is the entry's size for the byte bound;
 * - `t:<tabId>` → { pageUrl, dropped } — written only when the log is cleared, trimmed or
 *   the page changes.
 *
 * Writes go through a write queue (write-queue.ts): changes wait at most one call's answer and
 * go together, and an exchange that changed several times meanwhile is turned into text once,
 * when its call is made (entryItems below).
 *
 * The byte size of an entry is what storage.session counts against its quota (the key and the
 * value as JSON); it is measured when the entry is written, until then an entry counts with its
 * last written size (a new one with the tab's average), so the byte bounds are exact from one
 * write to the next and never more than one call's changes behind.
 *
 * Besides the per-tab bounds (settings), all tabs together keep to `maxStoredBytes`:
 * storage.session holds 10 MB in all, and a write past that fails — the log's entries were
 * then only in the worker's memory, and a stopped worker lost them (two busy tabs of the
 * default 8 MB bound each did that). The globally oldest entries go first.
 */
import { diagnose } from "../cors/diagnose";
import type { DiagnosedExchange, Diagnosis, Exchange } from "../cors/model";
import type { TabLog } from "../protocol";
import { decodeEntry, encodeParts, PART_SUFFIX, type PartMemo } from "./entry-codec";
import { drainInSlices, SLICE_MS } from "./slices";
import { createWriteQueue, type EntryRef, IDLE_WAIT_MS, type KeyValueStore, WRITE_WAIT_MS } from "./write-queue";

export interface LogLimits {
  maxExchangesPerTab: number;
  maxBytesPerTab: number;
}

export interface UpsertOptions {
  /** The change repeats in an event that must still come (onResponseStarted's status, IP and
   * cache flag are in onCompleted too), so the stored copy may lag until then: one storage
   * write less per request, and no information a stopped worker could lose. */
  deferWrite?: boolean;
}

export interface LogStoreOptions {
  /** called when a storage call fails */
  onWriteError?: (error: unknown) => void;
  /** all tabs' entries together, in bytes as storage counts them (default STORED_BYTES_MAX) */
  maxStoredBytes?: number;
  /** longest wait of a change behind a call in flight (default WRITE_WAIT_MS; 0: no wait, one
   * call per task as changes come) */
  maxWaitMs?: number;
  /** longest stretch of loading between turns given to queued tasks (default SLICE_MS: loading
   * a full log, thousands of entries parsed and diagnosed, takes hundreds of ms; slices.ts) */
  loadSliceMs?: number;
  /** how long writes must pause before the keys of dropped entries are removed (default
   * IDLE_WAIT_MS; 0: with the write that drops them) */
  idleWaitMs?: number;
  /** called when a call is about to be made, before the changes it carries are gathered: the
   * worker makes there the changes of the events it held meanwhile (LogStore.wake) */
  beforeWrite?: () => void;
  /** makes a loaded entry's diagnosis when none was stored (an exchange in flight,
   * entry-codec.ts); default: the engine */
  diagnose?: (exchange: Exchange) => Diagnosis;
}

/** storage.session's quota is 10 MB (chrome.storage.session.QUOTA_BYTES); the rest is room for
 * the tabs' metadata, the assembler's state and a starting worker's journal. */
export const STORED_BYTES_MAX = 8 * 1024 * 1024;

export interface LogChange {
  tabId: number;
  upserted: DiagnosedExchange[];
  /** set when a bound dropped entries of this tab (the new total) */
  dropped?: number;
  /** the entries of this tab this change dropped */
  droppedIds?: string[];
  /** other tabs whose oldest entries the storage budget dropped (their new totals, the ids) */
  droppedElsewhere?: { tabId: number; dropped: number; ids: string[] }[];
}

interface Held {
  seq: number;
  entry: DiagnosedExchange;
  bytes: number;
  /** suffixes of the parts in storage (entry-codec.ts; "" the core) */
  stored: Set<string>;
  /** the texts last written, by part, and what they were made from, while the exchange is in
   * flight: a change encodes again only the parts whose source changed, and writes only those
   * whose text differs. Null once it has ended (it rarely changes again; then every part is
   * encoded and written) or before its first write. */
  memo: PartMemo | null;
}

interface TabState {
  tabId: number;
  pageUrl: string | null;
  entries: Map<string, Held>;
  bytes: number;
  dropped: number;
  /** exchanges of `entries` whose verdict is blocked (the badge's number, kept as entries change) */
  blocked: number;
  /** ids removed by the bound, most recent last: later updates of them stay out. Only exchanges
   * still in flight or just finished get updates (the assembler forgets the rest), so the
   * most recent DROPPED_IDS_KEPT are enough; an unbounded set grew by one id per request. */
  droppedIds: Set<string>;
  /** the sequence number below which stored entries of the tab are dropped ones whose keys may
   * still be in storage (removed later, LATE_REMOVAL_BYTES): a loading worker skips them */
  keepFrom: number;
}

const DROPPED_IDS_KEPT = 4096;

export interface LogStore {
  /** loads everything persisted (call once, before any other method) */
  load(): Promise<void>;
  upsert(tabId: number, entry: DiagnosedExchange, limits: LogLimits, options?: UpsertOptions): LogChange;
  clear(tabId: number, pageUrl: string | null): void;
  /** forgets the tab entirely (tab closed) */
  remove(tabId: number): void;
  setPageUrl(tabId: number, pageUrl: string | null): void;
  get(tabId: number): TabLog;
  tabIds(): number[];
  pageUrl(tabId: number): string | null;
  /** Makes sure a call comes, as a change does (at the end of the task, or when the call in
   * flight is answered, or after `maxWaitMs`): a change that `beforeWrite` makes then goes out
   * in it, exactly when it would had it been made now. */
  wake(): void;
  /** every stored entry (for restoring in-flight exchanges) */
  all(): DiagnosedExchange[];
  /** how many of the tab's exchanges are blocked (kept up to date, no walk over the log) */
  blockedCount(tabId: number): number;
  /** whether the tab holds an exchange that started after `time` (a walk over the tab's log) */
  hasStartedAfter(tabId: number, time: number): boolean;
  /** resolves when every write queued so far reached the store */
  flushed(): Promise<void>;
  /** writes a key this store does not own (e.g. the assembler's auxiliary state) in the same
   * storage call as the log's own writes. A function is called when that call is made (the
   * value as it is then; undefined: nothing to write), so a value that changes on every event
   * is serialised once per call, not once per event. */
  writeAlso(key: string, value: string | (() => string | undefined)): void;
  /** one entry of a tab by exchange id (pages pull full entries by id) */
  entryOf(tabId: number, id: string): DiagnosedExchange | undefined;
}

const entryKey = (tabId: number, id: string) => `e:${tabId}:${id}`;
/** the key of one part of an entry ("" the core, under the entry's own key) */
const partKey = (key: string, suffix: string) => (suffix === "" ? key : `${key}/${suffix}`);
const tabKey = (tabId: number) => `t:${tabId}`;

/** What storage.session counts for a string value under a key: the key and the value as JSON
 * (a JSON text as a string value has every quote escaped). */
const storedSize = (key: string, text: string) => key.length + jsonStringLength(text);

/**
 * `JSON.stringify(text).length` without making that string: the quotes, plus one character for
 * each `"` and `\`. Measuring entries by stringifying them again took a tenth of the worker's
 * time in a burst (bench/profile.ts), and made a copy of every part for the collector. A text
 * with a character JSON escapes otherwise (a control character, a lone surrogate: never in
 * JSON.stringify's own output, which is what entries are) is stringified after all.
 */
export function jsonStringLength(text: string): number {
  let length = text.length + 2;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 || c === 92) length++;
    else if (c < 32 || (c >= 0xd800 && c <= 0xdfff)) return JSON.stringify(text).length;
  }
  return length;
}

const isBlocked = (entry: DiagnosedExchange) => entry.diagnosis?.verdict === "blocked";

export function createLogStore(kv: KeyValueStore, options: LogStoreOptions = {}): LogStore {
  const onWriteError = options.onWriteError ?? (() => {});
  const maxStoredBytes = options.maxStoredBytes ?? STORED_BYTES_MAX;
  const rediagnose = options.diagnose ?? diagnose;
  const loadSliceMs = options.loadSliceMs ?? SLICE_MS;
  const tabs = new Map<number, TabState>();
  let seq = 0;
  const writes = createWriteQueue(kv, {
    maxWaitMs: options.maxWaitMs ?? WRITE_WAIT_MS,
    idleWaitMs: options.idleWaitMs ?? IDLE_WAIT_MS,
    onWriteError,
    beforeWrite: options.beforeWrite,
    gatherEntry: entryItems,
  });
  const { put, drop } = writes;

  /** The parts of a pending entry whose text changed since they were written go into `items`
   * (parts it no longer has into `removals`); the entry is measured for the byte bound. */
  function entryItems(ref: EntryRef, key: string, items: Record<string, unknown>, removals: string[]): number {
    const t = tabs.get(ref.tabId);
    const held = t?.entries.get(ref.id);
    if (!t || !held) return 0;
    const ended = held.entry.exchange.outcome.state !== "pending";
    const memo: PartMemo = held.memo ?? new Map();
    const was = new Map(memo); // the texts last written (the memo takes the new ones)
    const parts = encodeParts(held.seq, held.entry.exchange, ended ? held.entry.diagnosis : undefined, memo);
    if (!parts) return 0;
    let bytes = 0;
    let count = 0;
    for (const [suffix, text] of parts) {
      const last = was.get(suffix);
      if (last?.text === text && last.size !== undefined) {
        bytes += last.size;
        continue;
      }
      const k = partKey(key, suffix);
      const size = storedSize(k, text);
      bytes += size;
      const now = memo.get(suffix);
      if (now) now.size = size;
      if (last?.text === text) continue;
      items[k] = text;
      count++;
    }
    if (held.stored.size !== parts.size || count > 0) {
      for (const suffix of held.stored) if (!parts.has(suffix)) removals.push(partKey(key, suffix));
      held.stored = new Set(parts.keys());
    }
    held.memo = ended ? null : memo;
    t.bytes += bytes - held.bytes;
    held.bytes = bytes;
    return count;
  }

  /** Removes every stored part of an entry; `later`: once writes pause (LATE_REMOVAL_BYTES),
   * the tab's keepFrom saying meanwhile that it is gone. */
  function dropEntry(tabId: number, id: string, held: Held, later = false): void {
    const key = entryKey(tabId, id);
    const keys = [key];
    for (const suffix of held.stored) if (suffix !== "") keys.push(partKey(key, suffix));
    if (later) writes.dropLater(keys, held.bytes);
    else for (const k of keys) writes.drop(k);
  }

  /** A stored entry as the log holds it, with its size and the texts of its parts; null when
   * unreadable, or when the engine cannot diagnose it (it stayed out when captured too). */
  function heldOf(key: string, value: unknown, parts: Map<string, unknown>): Held | null {
    const stored = decodeEntry(value, parts);
    if (!stored) return null;
    let diagnosis = stored.diagnosis;
    try {
      diagnosis ??= rediagnose(stored.exchange);
    } catch {
      return null;
    }
    let bytes = storedSize(key, typeof value === "string" ? value : JSON.stringify(value));
    const memo: PartMemo = new Map(typeof value === "string" ? [["", { deps: null, text: value }]] : []);
    for (const [suffix, text] of parts) {
      if (typeof text !== "string") continue;
      const size = storedSize(partKey(key, suffix), text);
      bytes += size;
      memo.set(suffix, { deps: null, text, size });
    }
    const pending = stored.exchange.outcome?.state === "pending";
    return { seq: stored.s, entry: { exchange: stored.exchange, diagnosis }, bytes, stored: new Set(memo.keys()), memo: pending ? memo : null };
  }

  function tab(tabId: number): TabState {
    let t = tabs.get(tabId);
    if (!t) {
      t = { tabId, pageUrl: null, entries: new Map(), bytes: 0, dropped: 0, blocked: 0, droppedIds: new Set(), keepFrom: 0 };
      tabs.set(tabId, t);
    }
    return t;
  }

  /** Drops the tab's oldest entry (counted in `dropped`, its id added to `gone`); returns its size. */
  function dropOldest(t: TabState, gone: Map<TabState, string[]>): number {
    const [oldestId, oldest] = t.entries.entries().next().value as [string, Held];
    const ids = gone.get(t);
    if (ids) ids.push(oldestId);
    else gone.set(t, [oldestId]);
    t.entries.delete(oldestId);
    t.bytes -= oldest.bytes;
    if (isBlocked(oldest.entry)) t.blocked--;
    t.droppedIds.add(oldestId);
    if (t.droppedIds.size > DROPPED_IDS_KEPT) t.droppedIds.delete(t.droppedIds.values().next().value as string);
    dropEntry(t.tabId, oldestId, oldest, true);
    t.keepFrom = Math.max(t.keepFrom, oldest.seq + 1);
    t.dropped++;
    return oldest.bytes;
  }

  function writeMeta(t: TabState): void {
    put(tabKey(t.tabId), { value: { pageUrl: t.pageUrl, dropped: t.dropped, keepFrom: t.keepFrom } });
  }

  return {
    async load() {
      const all = await kv.get();
      // an entry's parts by the key of its core (entry-codec.ts)
      const partsOf = new Map<string, Map<string, unknown>>();
      const cores: [string, number, unknown][] = [];
      for (const [key, value] of Object.entries(all)) {
        const m = /^([et]):(-?\d+)(?::(.*))?$/.exec(key);
        if (!m) continue;
        const tabId = Number(m[2]);
        if (m[1] === "t") {
          if (typeof value !== "object" || value === null) continue;
          const meta = value as { pageUrl?: unknown; dropped?: unknown; keepFrom?: unknown };
          const t = tab(tabId);
          t.pageUrl = typeof meta.pageUrl === "string" ? meta.pageUrl : null;
          t.dropped = typeof meta.dropped === "number" ? meta.dropped : 0;
          t.keepFrom = typeof meta.keepFrom === "number" ? meta.keepFrom : 0;
          continue;
        }
        const slash = key.lastIndexOf("/");
        const suffix = slash < 0 ? "" : key.slice(slash + 1);
        if (!PART_SUFFIX.test(suffix)) {
          cores.push([key, tabId, value]);
          continue;
        }
        const core = key.slice(0, slash);
        const parts = partsOf.get(core) ?? new Map<string, unknown>();
        partsOf.set(core, parts);
        parts.set(suffix, value);
      }
      const loaded: { tabId: number; seq: number; held: Held }[] = [];
      await drainInSlices(
        cores,
        ([key, tabId, value]) => {
          const parts = partsOf.get(key) ?? new Map<string, unknown>();
          partsOf.delete(key);
          const held = heldOf(key, value, parts);
          if (held) loaded.push({ tabId, seq: held.seq, held });
        },
        loadSliceMs,
      );
      // parts whose core is gone (a worker stopped between the removal of an entry's keys)
      for (const [core, parts] of partsOf) for (const suffix of parts.keys()) drop(partKey(core, suffix));
      loaded.sort((a, b) => a.seq - b.seq);
      for (const { tabId, seq: s, held } of loaded) {
        const t = tab(tabId);
        const id = held.entry.exchange.id;
        seq = Math.max(seq, s + 1);
        if (s < t.keepFrom) {
          // dropped by a worker stopped before it removed the keys
          dropEntry(tabId, id, held);
          continue;
        }
        t.entries.set(id, held);
        t.bytes += held.bytes;
        if (isBlocked(held.entry)) t.blocked++;
      }
      // entries made from now on are newer than any a tab's keepFrom drops
      for (const t of tabs.values()) seq = Math.max(seq, t.keepFrom);
    },

    upsert(tabId, entry, limits, options = {}) {
      const t = tab(tabId);
      const id = entry.exchange.id;
      const change: LogChange = { tabId, upserted: [] };
      if (t.droppedIds.has(id)) return change;
      const existing = t.entries.get(id);
      if (existing) {
        if (isBlocked(existing.entry)) t.blocked--;
        existing.entry = entry;
      } else {
        // measured when written; until then the tab's average size
        const bytes = t.entries.size > 0 ? Math.round(t.bytes / t.entries.size) : 0;
        t.entries.set(id, { seq: seq++, entry, bytes, stored: new Set(), memo: null });
        t.bytes += bytes;
      }
      if (isBlocked(entry)) t.blocked++;
      // A deferred change is written with the entry's next change (or with this one's
      // pending write, which takes the entry as it is when the call is made).
      if (!existing || !options.deferWrite) put(entryKey(tabId, id), { tabId, id });
      change.upserted.push(entry);
      // Per-tab bounds: oldest first (Map iteration order is insertion order = arrival order).
      const trimmed = new Map<TabState, string[]>();
      while (
        t.entries.size > 1 &&
        (t.entries.size > Math.max(1, limits.maxExchangesPerTab) || t.bytes > Math.max(1, limits.maxBytesPerTab))
      ) {
        dropOldest(t, trimmed);
      }
      // The storage budget of all tabs: the globally oldest first, the newest entry always stays.
      let total = 0;
      for (const other of tabs.values()) total += other.bytes;
      while (total > maxStoredBytes) {
        let victim: TabState | null = null;
        let victimSeq = Number.POSITIVE_INFINITY;
        for (const other of tabs.values()) {
          const first = other.entries.values().next().value as Held | undefined;
          if (first && first.seq < victimSeq && !(other === t && other.entries.size === 1)) {
            victim = other;
            victimSeq = first.seq;
          }
        }
        if (!victim) break;
        total -= dropOldest(victim, trimmed);
      }
      for (const [other, ids] of trimmed) {
        writeMeta(other);
        if (other === t) {
          change.dropped = t.dropped;
          change.droppedIds = ids;
          change.upserted = change.upserted.filter((e) => t.entries.has(e.exchange.id));
        } else {
          change.droppedElsewhere ??= [];
          change.droppedElsewhere.push({ tabId: other.tabId, dropped: other.dropped, ids });
        }
      }
      return change;
    },

    clear(tabId, pageUrl) {
      const t = tab(tabId);
      for (const [id, held] of t.entries) dropEntry(tabId, id, held, true);
      t.keepFrom = seq;
      t.entries.clear();
      t.bytes = 0;
      t.blocked = 0;
      t.dropped = 0;
      t.droppedIds.clear();
      t.pageUrl = pageUrl;
      writeMeta(t);
    },

    remove(tabId) {
      const t = tabs.get(tabId);
      if (!t) return;
      for (const [id, held] of t.entries) dropEntry(tabId, id, held);
      drop(tabKey(tabId));
      tabs.delete(tabId);
    },

    setPageUrl(tabId, pageUrl) {
      const t = tab(tabId);
      if (t.pageUrl === pageUrl) return;
      t.pageUrl = pageUrl;
      writeMeta(t);
    },

    get(tabId) {
      const t = tabs.get(tabId);
      if (!t) return { tabId, pageUrl: null, entries: [], dropped: 0 };
      return { tabId, pageUrl: t.pageUrl, entries: [...t.entries.values()].map((v) => v.entry), dropped: t.dropped };
    },

    tabIds: () => [...tabs.keys()],
    pageUrl: (tabId) => tabs.get(tabId)?.pageUrl ?? null,
    all: () => [...tabs.values()].flatMap((t) => [...t.entries.values()].map((v) => v.entry)),
    blockedCount: (tabId) => tabs.get(tabId)?.blocked ?? 0,

    hasStartedAfter(tabId, time) {
      for (const held of tabs.get(tabId)?.entries.values() ?? []) if (held.entry.exchange.startTime > time) return true;
      return false;
    },

    flushed: () => writes.flushed(),
    wake: () => writes.wake(),

    writeAlso(key, value) {
      put(key, typeof value === "function" ? { lazy: value } : { value });
    },

    entryOf: (tabId, id) => tabs.get(tabId)?.entries.get(id)?.entry,
  };
}
