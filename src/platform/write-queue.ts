/**
 * The log store's storage calls: what waits to be written or removed, and when the call that
 * carries it is made.
 *
 * Without a call in flight, a change goes out at the end of its task (a microtask). While one
 * is in flight, changes wait and go together in one call, issued when it is answered — but
 * never wait longer than `maxWaitMs`: a worker that is busy (or a browser that is slow to
 * answer) must not leave them unwritten, since what waits is what a stopped worker loses
 * (test/e2e/hardening-worker-kills.test.ts measures it). A burst of 500 requests (about 4,000
 * events, every exchange changing 4 to 8 times) thus costs a few hundred calls instead of one
 * per event. The calls follow the answers, so making a call's changes cheaper makes calls come
 * sooner, not fewer (docs/performance-history.md).
 *
 * An entry of the log waits as a reference (`EntryRef`), turned into the call's items by the
 * log store (`gatherEntry`) when the call is made, as it is then. Keys of dropped entries may
 * wait for a pause of the writes instead (`dropLater`, LATE_REMOVAL_BYTES).
 */

export interface KeyValueStore {
  get(): Promise<Record<string, unknown>>;
  set(items: Record<string, unknown>): Promise<void>;
  remove(keys: string[]): Promise<void>;
}

/** Storage answers in a millisecond or two when all is well; a change waits at most this long. */
export const WRITE_WAIT_MS = 8;

/** What waits for a pause of the writes (LATE_REMOVAL_BYTES) goes out once they have paused
 * this long (the page's burst of requests is over), or after IDLE_MAX_WAIT_MS of writes that
 * never pause. */
export const IDLE_WAIT_MS = 250;
const IDLE_MAX_WAIT_MS = 2000;

/**
 * The keys of dropped entries (the bounds' oldest, a cleared tab's) are removed together once
 * writes pause (IDLE_WAIT_MS), not in the call that drops them: a log at its bound drops
 * an entry for each new one, and `remove` is a call of its own — every write was two calls,
 * and a call costs both processes ~0.15–0.2 ms of CPU whatever it carries. The tab's metadata,
 * written with the drop, says which stored entries are dropped (log-store.ts, keepFrom), so a
 * worker stopped before the removal does not bring them back. At most this many bytes wait (the
 * log's byte budget must hold with what waits: storage.session's quota is 10 MB).
 */
export const LATE_REMOVAL_BYTES = 512 * 1024;

/** An entry of the log, by tab and exchange id. */
export interface EntryRef {
  tabId: number;
  id: string;
}

/** What waits for the next storage call under a key: a value (or a function giving it when the
 * call is made), or an entry of the log, turned into text when the call is made. */
export type Pending = { value: unknown } | { lazy: () => string | undefined } | EntryRef;

export interface WriteQueueOptions {
  /** longest wait of a change behind a call in flight (0: no wait, one call per task) */
  maxWaitMs: number;
  /** how long writes must pause before `dropLater` keys are removed (0: at once) */
  idleWaitMs: number;
  /** called when a storage call fails, or a lazy value throws */
  onWriteError: (error: unknown) => void;
  /** called when a call is about to be made, before its changes are gathered */
  beforeWrite?: () => void;
  /** adds to `items` what an entry must write now (and to `removals` the keys it no longer
   * has); returns how many items it added */
  gatherEntry(ref: EntryRef, key: string, items: Record<string, unknown>, removals: string[]): number;
}

export interface WriteQueue {
  /** writes `key` in the next call (it is no longer removed) */
  put(key: string, value: Pending): void;
  /** removes `key` in the next call (a pending write of it is forgotten) */
  drop(key: string): void;
  /** removes `keys` once writes pause, or sooner when more than LATE_REMOVAL_BYTES wait
   * (`bytes`: what they hold); a pending write of them is forgotten */
  dropLater(keys: string[], bytes: number): void;
  /** makes sure a call comes, as a change does */
  wake(): void;
  /** resolves when every change queued so far reached the store */
  flushed(): Promise<void>;
}

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

export function createWriteQueue(kv: KeyValueStore, options: WriteQueueOptions): WriteQueue {
  const { maxWaitMs, idleWaitMs, onWriteError, gatherEntry } = options;
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
  /** beforeWrite is running: what it changes goes out in the call being made */
  let gathering = false;
  /** since when something waits for a pause of the writes */
  let idleSince = 0;
  /** keys to remove once writes pause (dropLater), and their entries' bytes */
  const lateRemovals = new Set<string>();
  let lateRemovalBytes = 0;
  let idleTimer: ReturnType<typeof setTimeout> | null = null;
  /** when the last storage call was made */
  let lastCallAt = 0;

  /** Makes sure what waits for a pause of the writes (removals) goes out then. */
  function idleLater(): void {
    if (idleTimer !== null) return;
    idleSince = performance.now();
    idleTimer = setTimeout(releaseIdle, idleWaitMs);
  }

  /** Removes the late keys, once writes have paused (or waited too long). */
  function releaseIdle(): void {
    idleTimer = null;
    const now = performance.now();
    const quietFor = now - lastCallAt;
    if (quietFor < idleWaitMs && now - idleSince < IDLE_MAX_WAIT_MS) {
      idleTimer = setTimeout(releaseIdle, Math.max(1, idleWaitMs - quietFor));
      return;
    }
    removeLate();
  }

  /** the removals left for later go with the next call */
  function removeLate(): void {
    for (const k of lateRemovals) drop(k);
    lateRemovals.clear();
    lateRemovalBytes = 0;
  }

  function schedule(): void {
    next ??= deferred();
    if (scheduled || gathering) return;
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

  function lazyValue(make: () => string | undefined): string | undefined {
    try {
      return make();
    } catch (error) {
      onWriteError(error);
      return undefined;
    }
  }

  function flush(): void {
    if (options.beforeWrite) {
      gathering = true;
      try {
        options.beforeWrite();
      } catch (error) {
        onWriteError(error);
      } finally {
        gathering = false;
      }
    }
    scheduled = false;
    if (waitTimer !== null) {
      clearTimeout(waitTimer);
      waitTimer = null;
    }
    const done = next;
    next = null;
    const items: Record<string, unknown> = {};
    const removals = [...pendingRemove];
    let count = 0;
    for (const [key, pending] of pendingSet) {
      if ("tabId" in pending) {
        count += gatherEntry(pending, key, items, removals);
        continue;
      }
      const value = "value" in pending ? pending.value : lazyValue(pending.lazy);
      if (value === undefined) continue;
      items[key] = value;
      count++;
    }
    pendingSet.clear();
    pendingRemove.clear();
    // a part removed (its entry dropped) and written again (the same exchange back) in one
    // call: remove and set are not ordered against each other, so the removal goes
    const removed = count > 0 ? removals.filter((k) => !(k in items)) : removals;
    const writes: Promise<void>[] = [];
    if (removed.length > 0) writes.push(kv.remove(removed));
    if (count > 0) writes.push(kv.set(items));
    if (writes.length === 0) {
      done?.resolve();
      return;
    }
    inFlight++;
    lastCallAt = performance.now();
    const previous = lastCall;
    lastCall = Promise.all(writes)
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

  function put(key: string, value: Pending): void {
    pendingRemove.delete(key);
    lateRemovals.delete(key);
    pendingSet.set(key, value);
    schedule();
  }

  function drop(key: string): void {
    pendingSet.delete(key);
    pendingRemove.add(key);
    schedule();
  }

  return {
    put,
    drop,
    dropLater(keys, bytes) {
      if (idleWaitMs <= 0) {
        for (const k of keys) drop(k);
        return;
      }
      for (const k of keys) {
        pendingSet.delete(k);
        lateRemovals.add(k);
      }
      lateRemovalBytes += bytes;
      if (lateRemovalBytes > LATE_REMOVAL_BYTES) removeLate();
      else idleLater();
    },
    wake: schedule,
    async flushed() {
      if (next) await next.promise;
      else await lastCall;
    },
  };
}
