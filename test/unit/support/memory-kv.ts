/**
 * storage.session for unit tests: an in-memory key-value store (values copied as storage
 * copies them) that records every call. A call lands when it is made, as a call a stopped
 * worker already made lands (bench/stop-write.ts).
 */
import type { KeyValueStore } from "../../../src/platform/write-queue";

interface Call {
  op: "set" | "remove";
  keys: string[];
}

/** An in-memory store that records every call. With `hold`, each call stays in flight until
 * release() answers the oldest one (the order storage.session answers them). */
export function memoryKv(options: { hold?: boolean; failNext?: boolean } = {}) {
  const data = new Map<string, unknown>();
  const calls: Call[] = [];
  const held: (() => void)[] = [];
  let failNext = options.failNext ?? false;
  const answer = (apply: () => void): Promise<void> => {
    if (failNext) {
      failNext = false;
      return Promise.reject(new Error("quota exceeded"));
    }
    apply();
    if (!options.hold) return Promise.resolve();
    return new Promise<void>((resolve) => held.push(resolve));
  };
  const kv: KeyValueStore = {
    async get() {
      return Object.fromEntries([...data].map(([k, v]) => [k, structuredClone(v)]));
    },
    set(items) {
      calls.push({ op: "set", keys: Object.keys(items).sort() });
      return answer(() => {
        for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
      });
    },
    remove(keys) {
      calls.push({ op: "remove", keys: [...keys].sort() });
      return answer(() => {
        for (const k of keys) data.delete(k);
      });
    },
  };
  return {
    ...kv,
    data,
    calls,
    get sets() {
      return calls.filter((c) => c.op === "set").length;
    },
    /** answers the oldest call in flight */
    release() {
      held.shift()?.();
    },
    inFlight: () => held.length,
  };
}

