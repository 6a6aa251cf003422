/**
 * Per-tab log of diagnosed exchanges: bounded (count and bytes, oldest dropped first, exact
 * dropped counter) and persisted through a KeyValueStore (chrome.storage.session in the worker)
 * so that a terminated worker loses nothing.
 *
 * Storage layout, chosen so that one event costs one small write:
 * - `e:<tabId>:<exchangeId>` → the JSON text of { s: sequence number, d: DiagnosedExchange } —
 *   one key per exchange, rewritten when that exchange changes. Text, not the object: the
 *   extension API converts an object graph value by value in the worker (about 1 ms for a 4 KB
 *   exchange here, the worker's largest cost per event in `npm run bench`'s profile), while
 *   JSON.stringify makes the text in microseconds and a string crosses as one value. The
 *   same text gives the entry's size for the byte bound, so it is made once per change;
 * - `t:<tabId>` → { pageUrl, dropped } — written only when the log is cleared, trimmed or
 *   the page changes.
 * Writes are collected and flushed in one set()/remove() at the end of the current task
 * (a microtask), so the window between an event and its write stays within that task.
 */
import type { DiagnosedExchange } from "../cors/model";
import type { TabLog } from "../protocol";

export interface KeyValueStore {
  get(): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

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

export interface LogChange {
  tabId: number;
  upserted: DiagnosedExchange[];
  /** set when the per-tab bound dropped entries (the new total) */
  dropped?: number;
}

interface StoredEntry {
  s: number;
  d: DiagnosedExchange;
}

interface Held {
  seq: number;
  entry: DiagnosedExchange;
  bytes: number;
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
  /** every stored entry (for restoring in-flight exchanges) */
  all(): DiagnosedExchange[];
  /** how many of the tab's exchanges are blocked (kept up to date, no walk over the log) */
  blockedCount(tabId: number): number;
  /** resolves when every write queued so far reached the store */
  flushed(): Promise<void>;
  /** writes a key this store does not own (e.g. the assembler's auxiliary state) in the same
   * storage call as the log's own writes of this task: one call per event, not two */
  writeAlso(key: string, value: string): void;
  /** one entry of a tab by exchange id (pages pull full entries by id) */
  entryOf(tabId: number, id: string): DiagnosedExchange | undefined;
}

const entryKey = (tabId: number, id: string) => `e:${tabId}:${id}`;
const tabKey = (tabId: number) => `t:${tabId}`;

/** The stored text of an entry (its length is the entry's size for the byte bound). */
function storedText(seq: number, entry: DiagnosedExchange): string {
  try {
    return `{"s":${seq},"d":${JSON.stringify(entry)}}`;
  } catch {
    // not serialisable (a cycle): kept in memory only, counted as empty
    return "";
  }
}

/** A stored entry as written by any version: JSON text (now) or the object itself (before). */
function parseStored(value: unknown): Partial<StoredEntry> | null {
  if (typeof value === "string") {
    try {
      const parsed: unknown = JSON.parse(value);
      return typeof parsed === "object" && parsed !== null ? (parsed as Partial<StoredEntry>) : null;
    } catch {
      return null;
    }
  }
  return typeof value === "object" && value !== null ? (value as Partial<StoredEntry>) : null;
}

const isBlocked = (entry: DiagnosedExchange) => entry.diagnosis?.verdict === "blocked";

export function createLogStore(kv: KeyValueStore, onWriteError: (error: unknown) => void = () => {}): LogStore {
  const tabs = new Map<number, TabState>();
  let seq = 0;
  const pendingSet = new Map<string, unknown>();
  const pendingRemove = new Set<string>();
  let scheduled: Promise<void> | null = null;
  let lastWrite: Promise<void> = Promise.resolve();

  function schedule(): void {
    if (scheduled) return;
    scheduled = Promise.resolve().then(() => {
      scheduled = null;
      const items = Object.fromEntries(pendingSet);
      const removals = [...pendingRemove].filter((k) => !pendingSet.has(k));
      pendingSet.clear();
      pendingRemove.clear();
      const writes: Promise<void>[] = [];
      if (removals.length > 0) writes.push(kv.remove(removals));
      if (Object.keys(items).length > 0) writes.push(kv.set(items));
      lastWrite = Promise.all(writes).then(
        () => undefined,
        (error) => onWriteError(error),
      );
    });
  }

  function put(key: string, value: unknown): void {
    pendingRemove.delete(key);
    pendingSet.set(key, value);
    schedule();
  }

  function drop(key: string): void {
    pendingSet.delete(key);
    pendingRemove.add(key);
    schedule();
  }

  function tab(tabId: number): TabState {
    let t = tabs.get(tabId);
    if (!t) {
      t = { tabId, pageUrl: null, entries: new Map(), bytes: 0, dropped: 0, blocked: 0, droppedIds: new Set() };
      tabs.set(tabId, t);
    }
    return t;
  }

  function writeMeta(t: TabState): void {
    put(tabKey(t.tabId), { pageUrl: t.pageUrl, dropped: t.dropped });
  }

  return {
    async load() {
      const all = await kv.get();
      const loaded: { tabId: number; seq: number; entry: DiagnosedExchange; bytes: number }[] = [];
      for (const [key, value] of Object.entries(all)) {
        const m = /^([et]):(-?\d+)(?::(.*))?$/.exec(key);
        if (!m) continue;
        const tabId = Number(m[2]);
        if (m[1] === "t") {
          if (typeof value !== "object" || value === null) continue;
          const meta = value as { pageUrl?: unknown; dropped?: unknown };
          const t = tab(tabId);
          t.pageUrl = typeof meta.pageUrl === "string" ? meta.pageUrl : null;
          t.dropped = typeof meta.dropped === "number" ? meta.dropped : 0;
        } else {
          const stored = parseStored(value);
          if (typeof stored?.s !== "number" || !stored.d?.exchange) continue;
          const bytes = typeof value === "string" ? value.length : storedText(stored.s, stored.d).length;
          loaded.push({ tabId, seq: stored.s, entry: stored.d, bytes });
        }
      }
      loaded.sort((a, b) => a.seq - b.seq);
      for (const { tabId, seq: s, entry, bytes } of loaded) {
        const t = tab(tabId);
        t.entries.set(entry.exchange.id, { seq: s, entry, bytes });
        t.bytes += bytes;
        if (isBlocked(entry)) t.blocked++;
        seq = Math.max(seq, s + 1);
      }
    },

    upsert(tabId, entry, limits, options = {}) {
      const t = tab(tabId);
      const id = entry.exchange.id;
      const change: LogChange = { tabId, upserted: [] };
      if (t.droppedIds.has(id)) return change;
      const existing = t.entries.get(id);
      if (existing && options.deferWrite) {
        // same size for the bound (the deferred fields are a few bytes), no text, no write
        if (isBlocked(existing.entry)) t.blocked--;
        existing.entry = entry;
        if (isBlocked(entry)) t.blocked++;
        change.upserted.push(entry);
        return change;
      }
      const s = existing ? existing.seq : seq++;
      const text = storedText(s, entry);
      if (existing) {
        t.bytes -= existing.bytes;
        if (isBlocked(existing.entry)) t.blocked--;
      }
      t.entries.set(id, { seq: s, entry, bytes: text.length });
      t.bytes += text.length;
      if (isBlocked(entry)) t.blocked++;
      if (text !== "") put(entryKey(tabId, id), text);
      change.upserted.push(entry);
      // Bound: oldest first (Map iteration order is insertion order = arrival order).
      let removed = 0;
      while (
        t.entries.size > 1 &&
        (t.entries.size > Math.max(1, limits.maxExchangesPerTab) || t.bytes > Math.max(1, limits.maxBytesPerTab))
      ) {
        const [oldestId, oldest] = t.entries.entries().next().value as [string, Held];
        t.entries.delete(oldestId);
        t.bytes -= oldest.bytes;
        if (isBlocked(oldest.entry)) t.blocked--;
        t.droppedIds.add(oldestId);
        if (t.droppedIds.size > DROPPED_IDS_KEPT) t.droppedIds.delete(t.droppedIds.values().next().value as string);
        drop(entryKey(tabId, oldestId));
        removed++;
      }
      if (removed > 0) {
        t.dropped += removed;
        change.dropped = t.dropped;
        change.upserted = change.upserted.filter((e) => t.entries.has(e.exchange.id));
        writeMeta(t);
      }
      return change;
    },

    clear(tabId, pageUrl) {
      const t = tab(tabId);
      for (const id of t.entries.keys()) drop(entryKey(tabId, id));
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
      for (const id of t.entries.keys()) drop(entryKey(tabId, id));
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

    async flushed() {
      if (scheduled) await scheduled;
      await lastWrite;
    },

    writeAlso(key, value) {
      put(key, value);
    },

    entryOf: (tabId, id) => tabs.get(tabId)?.entries.get(id)?.entry,
  };
}
