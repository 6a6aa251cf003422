/**
 * Per-tab log of diagnosed exchanges: bounded (count and bytes, oldest dropped first, exact
 * dropped counter) and persisted through a KeyValueStore (chrome.storage.session in the worker)
 * so that a terminated worker loses nothing.
 *
 * Storage layout:
 * - `e:<tabId>:<exchangeId>` → the JSON text of { s: sequence number, d: DiagnosedExchange } —
 *   one key per exchange, rewritten when that exchange changes. Text, not the object: the
 *   extension API converts an object graph value by value in the worker (about 1 ms for a 4 KB
 *   exchange here), while JSON.stringify makes the text in microseconds and a string crosses
 *   as one value. The text's length is the entry's size for the byte bound;
 * - `t:<tabId>` → { pageUrl, dropped } — written only when the log is cleared, trimmed or
 *   the page changes.
 *
 * Writes: without a call in flight, a change goes out at the end of its task (a microtask).
 * While one is in flight, changes wait and go together in one call, issued when it is
 * answered — but never wait longer than `maxWaitMs`: a worker that is busy (or a browser that
 * is slow to answer) must not leave them unwritten, since what waits is what a stopped worker
 * loses (test/e2e/hardening-worker-kills.test.ts measures it). A burst of 500 requests (about
 * 4,000 events, every exchange changing 4 to 8 times) thus costs a few hundred calls instead
 * of one per event, and an exchange that changed several times while a call was in flight is
 * turned into text once, when its call is made.
 *
 * The byte size of an entry is what storage.session counts against its quota (the key and the
 * value as JSON); it is measured when the entry is written, until then an entry counts with its
 * last written size (a new one with the tab's average), so the byte bounds are exact from one
 * write to the next and never more than one call's changes behind.
 *
 * Journal (options.journal; the worker always uses it). Every call to storage.session costs
 * the worker a few tenths of a millisecond plus about 0.1 µs per byte, and an entry is ~3 KB
 * that changed 4 to 8 times per request: rewriting it on every change was most of the worker's
 * cost in a burst of requests. In journal mode storage holds a snapshot of the log plus the
 * events that came after it:
 * - `append(event)` puts the event, in the compact form of event-journal.ts (~160 bytes),
 *   into the next storage call, coalesced exactly like the writes above (so an event waits no
 *   longer than a change did), under `j:<worker start>:<n>` (one key per call);
 * - the changes of the log that applying the event makes (inside `covered()`) are only held;
 * - a compaction writes every held change (entries, tab metadata, the auxiliary state given to
 *   writeAlso) and the watermark `jw` = the newest journal key, in ONE call: the stored entries
 *   then hold every journaled event up to the watermark. The journal keys it covers are removed
 *   once that call succeeded (a worker stopped in between leaves keys that the watermark says
 *   to skip). A compaction happens when no event came for `idleMs`, when the journal reached
 *   `maxBytes` (a starting worker replays it: this bounds its restore), and at the next call
 *   after any change made outside `covered()` (a cleared log, a closed tab, the restore's own
 *   marks), which no replay would redo;
 * - `load()` reads the entries and the journal after the watermark (`journaled()`); the
 *   worker replays those events through the assembler, as they came, then `startCompacting()`.
 * The journal's bytes count in the bound of all tabs below.
 *
 * Besides the per-tab bounds (settings), all tabs together keep to `maxStoredBytes`:
 * storage.session holds 10 MB in all, and a write past that fails — the log's entries were
 * then only in the worker's memory, and a stopped worker lost them (two busy tabs of the
 * default 8 MB bound each did that). The globally oldest entries go first.
 */
import type { CaptureEvent } from "../capture/events";
import type { DiagnosedExchange } from "../cors/model";
import type { TabLog } from "../protocol";
import { decodeEntry, encodeEntry } from "./entry-codec";
import { type CompactEvent, createJournalDecoder, createJournalEncoder } from "./event-journal";

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

export interface LogStoreOptions {
  /** called when a storage call fails */
  onWriteError?: (error: unknown) => void;
  /** all tabs' entries together, in bytes as storage counts them (default STORED_BYTES_MAX) */
  maxStoredBytes?: number;
  /** longest wait of a change behind a call in flight (default WRITE_WAIT_MS; 0: no wait, one
   * call per task as changes come) */
  maxWaitMs?: number;
  /** journal mode (see "Journal" above); without it every change is written as it comes */
  journal?: JournalOptions;
}

export interface JournalOptions {
  /** this worker's start (sortable: Date.now() padded), the journal keys' middle part */
  bootId: string;
  /** compaction when no event came for this long (default JOURNAL_IDLE_MS) */
  idleMs?: number;
  /** compaction once the journal holds this many bytes (default JOURNAL_MAX_BYTES) */
  maxBytes?: number;
}

/** Journal keys: `j:<boot id>:<n>`, sortable in the order written (boot ids are Date.now()
 * padded to 15 digits, n to 6). The watermark key holds the last journal key whose events the
 * stored entries already hold (written in the same call as those entries). */
export const JOURNAL_PREFIX = "j:";
export const WATERMARK_KEY = "jw";
export const JOURNAL_IDLE_MS = 200;
/** A starting worker replays what the journal holds (about 5,000 events per MB): this keeps
 * its restore well under a second. */
export const JOURNAL_MAX_BYTES = 512 * 1024;

export const journalKey = (bootId: string, n: number) => `${JOURNAL_PREFIX}${bootId}:${String(n).padStart(6, "0")}`;

/** storage.session's quota is 10 MB (chrome.storage.session.QUOTA_BYTES); the rest is room for
 * the tabs' metadata, the assembler's state and a starting worker's journal. */
export const STORED_BYTES_MAX = 8 * 1024 * 1024;

/** Storage answers in a millisecond or two when all is well; a change waits at most this long. */
export const WRITE_WAIT_MS = 8;

export interface LogChange {
  tabId: number;
  upserted: DiagnosedExchange[];
  /** set when a bound dropped entries of this tab (the new total) */
  dropped?: number;
  /** other tabs whose oldest entries the storage budget dropped (their new totals) */
  droppedElsewhere?: { tabId: number; dropped: number }[];
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
   * storage call as the log's own writes. A function is called when that call is made (the
   * value as it is then; undefined: nothing to write), so a value that changes on every event
   * is serialised once per call, not once per event. */
  writeAlso(key: string, value: string | (() => string | undefined)): void;
  /** one entry of a tab by exchange id (pages pull full entries by id) */
  entryOf(tabId: number, id: string): DiagnosedExchange | undefined;
  /** Journal mode: persists an event (in the next storage call, as part of the journal). */
  append(event: CaptureEvent): void;
  /** Journal mode: runs `fn`, whose changes of the log are what applying an appended event
   * does (replaying the journal redoes them), so they are written at the next compaction only.
   * Any change made outside makes the next storage call a compaction. */
  covered<T>(fn: () => T): T;
  /** Journal mode: the journaled events that the stored entries do not hold yet, oldest first
   * (read by load(); the worker replays them) */
  journaled(): CaptureEvent[];
  /** Journal mode: allows compactions (call once every journaled and queued event is applied:
   * before that, the log in memory does not hold them yet) */
  startCompacting(): void;
}

const entryKey = (tabId: number, id: string) => `e:${tabId}:${id}`;
const tabKey = (tabId: number) => `t:${tabId}`;

/** What storage.session counts for a string value under a key: the key and the value as JSON
 * (a JSON text as a string value has every quote escaped). */
const storedSize = (key: string, text: string) => key.length + JSON.stringify(text).length;

const isBlocked = (entry: DiagnosedExchange) => entry.diagnosis?.verdict === "blocked";

/** What waits for the next storage call under a key: a value (or a function giving it when the
 * call is made), or an entry of the log, turned into text when the call is made. */
type Pending = { value: unknown } | { lazy: () => string | undefined } | { tabId: number; id: string };

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
}

function deferred(): Deferred {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function createLogStore(kv: KeyValueStore, options: LogStoreOptions = {}): LogStore {
  const onWriteError = options.onWriteError ?? (() => {});
  const maxWaitMs = options.maxWaitMs ?? WRITE_WAIT_MS;
  const maxStoredBytes = options.maxStoredBytes ?? STORED_BYTES_MAX;
  const tabs = new Map<number, TabState>();
  let seq = 0;
  const pendingSet = new Map<string, Pending>();
  const pendingRemove = new Set<string>();
  /** a flush is queued for the end of the current task */
  let scheduled = false;
  /** storage calls made and not answered yet */
  let inFlight = 0;
  /** settles when every call made so far is answered */
  let lastCall: Promise<void> = Promise.resolve();
  /** bounds the wait of changes behind a call in flight */
  let waitTimer: ReturnType<typeof setTimeout> | null = null;
  /** settles when the call that will carry the pending changes is answered */
  let next: Deferred | null = null;

  // ---- journal mode (options.journal) ----
  const journal = options.journal;
  const idleMs = journal?.idleMs ?? JOURNAL_IDLE_MS;
  const journalMax = journal?.maxBytes ?? JOURNAL_MAX_BYTES;
  const encoder = createJournalEncoder();
  /** appended events not written yet (compact form, in order) */
  let pendingEvents: CompactEvent[] = [];
  /** this worker's journal keys so far */
  let chunks = 0;
  /** journal keys in storage or on their way, oldest first, with their size as storage counts it */
  const journalKeys: { key: string; bytes: number }[] = [];
  let journalBytes = 0;
  /** the newest journal key written or found (what a compaction's watermark says it holds) */
  let lastJournalKey: string | null = null;
  let coveredDepth = 0;
  /** a change that no journaled event redoes is waiting: the next call is a compaction */
  let mustCompact = false;
  /** the journal went idle (or a restore ended with a journal to fold in) */
  let compactRequested = false;
  let compacting = false;
  let lastEventAt = 0;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** the events load() found after the watermark */
  let replay: CaptureEvent[] = [];

  function schedule(): void {
    next ??= deferred();
    if (scheduled) return;
    if (inFlight > 0 && maxWaitMs > 0) {
      // the answer flushes what waits; the timer, if the answer is late
      waitTimer ??= setTimeout(() => {
        waitTimer = null;
        if (next && !scheduled) flush();
      }, maxWaitMs);
      return;
    }
    scheduled = true;
    queueMicrotask(flush);
  }

  /** The text of a pending entry, measured for the byte bound. */
  function entryText(ref: { tabId: number; id: string }): string | undefined {
    const t = tabs.get(ref.tabId);
    const held = t?.entries.get(ref.id);
    if (!t || !held) return undefined;
    const text = encodeEntry(held.seq, held.entry);
    const bytes = text === "" ? 0 : storedSize(entryKey(ref.tabId, ref.id), text);
    t.bytes += bytes - held.bytes;
    held.bytes = bytes;
    return text === "" ? undefined : text;
  }

  function lazyValue(make: () => string | undefined): string | undefined {
    try {
      return make();
    } catch (error) {
      onWriteError(error);
      return undefined;
    }
  }

  /** A compaction writes every entry changed since the last one: when the journal is idle, when
   * a change that no event redoes waits, or when the journal grew large enough to slow a
   * restore (which replays it). */
  function compactionDue(): boolean {
    return compacting && (mustCompact || compactRequested || journalBytes >= journalMax);
  }

  /** Journal mode, no compaction due: the appended events go as one journal key. */
  function writeJournal(done: Deferred | null): void {
    if (pendingEvents.length === 0) {
      done?.resolve();
      return;
    }
    const key = journalKey((journal as JournalOptions).bootId, chunks++);
    const text = JSON.stringify(pendingEvents);
    pendingEvents = [];
    const bytes = storedSize(key, text);
    journalKeys.push({ key, bytes });
    journalBytes += bytes;
    lastJournalKey = key;
    call([kv.set({ [key]: text })], done, null);
  }

  /** Issues a storage call (its parts together); `after` runs once they all succeeded. */
  function call(writes: Promise<void>[], done: Deferred | null, after: (() => Promise<void>) | null): void {
    inFlight++;
    const previous = lastCall;
    lastCall = Promise.all(writes)
      .then(() => after?.())
      .then(
        () => undefined,
        (error: unknown) => onWriteError(error),
      )
      .then(() => previous) // answered in order (storage does; this keeps flushed() honest)
      .then(() => {
        inFlight--;
        done?.resolve();
        // what changed while the call was in flight goes in one call, now
        if (inFlight === 0 && next && !scheduled) flush();
      });
  }

  function flush(): void {
    scheduled = false;
    if (waitTimer !== null) {
      clearTimeout(waitTimer);
      waitTimer = null;
    }
    const done = next;
    next = null;
    if (journal && !compactionDue()) {
      writeJournal(done);
      return;
    }
    // Without a journal: every change. A compaction: the log's changes (which hold every
    // event appended so far: the events waiting are not written) and, in the same call, the
    // watermark that says so; the journal keys it covers go once that call succeeded.
    let covered: string[] = [];
    if (journal) {
      pendingEvents = [];
      encoder.reset();
      mustCompact = false;
      compactRequested = false;
      if (lastJournalKey !== null && journalKeys.length > 0) {
        pendingSet.set(WATERMARK_KEY, { value: lastJournalKey });
        covered = journalKeys.splice(0).map((k) => k.key);
        journalBytes = 0;
      }
    }
    const items: Record<string, unknown> = {};
    let count = 0;
    for (const [key, pending] of pendingSet) {
      const value = "value" in pending ? pending.value : "lazy" in pending ? lazyValue(pending.lazy) : entryText(pending);
      if (value === undefined) continue;
      items[key] = value;
      count++;
    }
    const removals = [...pendingRemove];
    pendingSet.clear();
    pendingRemove.clear();
    const writes: Promise<void>[] = [];
    if (removals.length > 0) writes.push(kv.remove(removals));
    if (count > 0) writes.push(kv.set(items));
    if (writes.length === 0) {
      done?.resolve();
      return;
    }
    call(writes, done, covered.length > 0 ? () => kv.remove(covered) : null);
  }

  /** A change of the log: written with the next call, or in journal mode with the next
   * compaction when an appended event redoes it (inside covered()). */
  function changed(): void {
    if (journal && coveredDepth > 0) return;
    if (journal) mustCompact = true;
    schedule();
  }

  function put(key: string, value: Pending): void {
    pendingRemove.delete(key);
    pendingSet.set(key, value);
    changed();
  }

  function drop(key: string): void {
    pendingSet.delete(key);
    pendingRemove.add(key);
    changed();
  }

  function idleCheck(): void {
    idleTimer = null;
    const quiet = Date.now() - lastEventAt;
    if (quiet < idleMs) {
      idleTimer = setTimeout(idleCheck, idleMs - quiet);
      return;
    }
    if (journalKeys.length === 0 && pendingEvents.length === 0) return;
    compactRequested = true;
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

  /** Drops the tab's oldest entry (counted in `dropped`); returns its size. */
  function dropOldest(t: TabState): number {
    const [oldestId, oldest] = t.entries.entries().next().value as [string, Held];
    t.entries.delete(oldestId);
    t.bytes -= oldest.bytes;
    if (isBlocked(oldest.entry)) t.blocked--;
    t.droppedIds.add(oldestId);
    if (t.droppedIds.size > DROPPED_IDS_KEPT) t.droppedIds.delete(t.droppedIds.values().next().value as string);
    drop(entryKey(t.tabId, oldestId));
    t.dropped++;
    return oldest.bytes;
  }

  function writeMeta(t: TabState): void {
    put(tabKey(t.tabId), { value: { pageUrl: t.pageUrl, dropped: t.dropped } });
  }

  const store: LogStore = {
    async load() {
      const all = await kv.get();
      const loaded: { tabId: number; seq: number; entry: DiagnosedExchange; bytes: number }[] = [];
      if (journal) loadJournal(all);
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
          const stored = decodeEntry(value);
          if (typeof stored?.s !== "number" || !stored.d?.exchange) continue;
          const bytes = storedSize(key, typeof value === "string" ? value : encodeEntry(stored.s, stored.d));
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
      if (existing) {
        if (isBlocked(existing.entry)) t.blocked--;
        existing.entry = entry;
      } else {
        // measured when written; until then the tab's average size
        const bytes = t.entries.size > 0 ? Math.round(t.bytes / t.entries.size) : 0;
        t.entries.set(id, { seq: seq++, entry, bytes });
        t.bytes += bytes;
      }
      if (isBlocked(entry)) t.blocked++;
      // A deferred change is written with the entry's next change (or with this one's
      // pending write, which takes the entry as it is when the call is made).
      if (!existing || !options.deferWrite) put(entryKey(tabId, id), { tabId, id });
      change.upserted.push(entry);
      // Per-tab bounds: oldest first (Map iteration order is insertion order = arrival order).
      const trimmed = new Set<TabState>();
      while (
        t.entries.size > 1 &&
        (t.entries.size > Math.max(1, limits.maxExchangesPerTab) || t.bytes > Math.max(1, limits.maxBytesPerTab))
      ) {
        dropOldest(t);
        trimmed.add(t);
      }
      // The storage budget of all tabs: the globally oldest first, the newest entry always stays.
      let total = journalBytes;
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
        total -= dropOldest(victim);
        trimmed.add(victim);
      }
      for (const other of trimmed) {
        writeMeta(other);
        if (other === t) {
          change.dropped = t.dropped;
          change.upserted = change.upserted.filter((e) => t.entries.has(e.exchange.id));
        } else {
          change.droppedElsewhere ??= [];
          change.droppedElsewhere.push({ tabId: other.tabId, dropped: other.dropped });
        }
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
      if (next) await next.promise;
      else await lastCall;
    },

    writeAlso(key, value) {
      put(key, typeof value === "function" ? { lazy: value } : { value });
    },

    entryOf: (tabId, id) => tabs.get(tabId)?.entries.get(id)?.entry,

    append(event) {
      if (!journal) return;
      pendingEvents.push(encoder.encode(event));
      lastEventAt = Date.now();
      if (compacting && idleTimer === null) idleTimer = setTimeout(idleCheck, idleMs);
      schedule();
    },

    covered(fn) {
      coveredDepth++;
      try {
        return fn();
      } finally {
        coveredDepth--;
      }
    },

    journaled: () => replay,

    startCompacting() {
      if (!journal || compacting) return;
      compacting = true;
      replay = [];
      // a journal left by earlier workers (or written during the restore) is folded in soon
      if (journalKeys.length > 0 || pendingEvents.length > 0) {
        lastEventAt = Date.now();
        idleTimer ??= setTimeout(idleCheck, idleMs);
      }
      if (mustCompact) schedule();
    },
  };

  /** Reads the journal of earlier workers: every key counts for the storage bound (and goes at
   * the next compaction); the events after the watermark are to be replayed. */
  function loadJournal(all: Record<string, unknown>): void {
    const watermark = typeof all[WATERMARK_KEY] === "string" ? (all[WATERMARK_KEY] as string) : "";
    const keys = Object.keys(all)
      .filter((k) => k.startsWith(JOURNAL_PREFIX))
      .sort();
    let decoder = createJournalDecoder();
    let boot = "";
    for (const key of keys) {
      const value = all[key];
      const bytes = storedSize(key, typeof value === "string" ? value : JSON.stringify(value ?? null));
      journalKeys.push({ key, bytes });
      journalBytes += bytes;
      if (lastJournalKey === null || key > lastJournalKey) lastJournalKey = key;
      if (key <= watermark) continue;
      // each worker's journal has its own base (see event-journal.ts)
      const keyBoot = key.slice(JOURNAL_PREFIX.length, key.lastIndexOf(":"));
      if (keyBoot !== boot) {
        boot = keyBoot;
        decoder = createJournalDecoder();
      }
      if (typeof value === "string") {
        let list: unknown;
        try {
          list = JSON.parse(value);
        } catch {
          continue;
        }
        if (!Array.isArray(list)) continue;
        for (const item of list) {
          const event = decoder.decode(item);
          if (event) replay.push(event);
        }
      } else if (isRawEvent(value)) {
        replay.push(value); // one event as an earlier version journaled it
      }
    }
  }

  return store;
}

function isRawEvent(value: unknown): value is CaptureEvent {
  const e = value as Partial<CaptureEvent> | null;
  return typeof e === "object" && e !== null && typeof e.kind === "string" && typeof e.requestId === "string";
}
