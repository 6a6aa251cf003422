/**
 * The log store in journal mode (src/platform/log-store.ts, "Journal"): between compactions
 * storage gets the events, not the entries they changed; a compaction writes the entries and
 * the watermark in one call and removes the journal it covers only after that call succeeded;
 * a store loaded from what a stopped worker left gives back the events after the watermark.
 */
import type { CaptureEvent } from "../../../src/capture/events";
import type { DiagnosedExchange } from "../../../src/cors/model";
import { createLogStore, type KeyValueStore, type LogStore, WATERMARK_KEY } from "../../../src/platform/log-store";

/** An in-memory storage.session that records every call; `snapshot()` is what a worker stopped
 * at that moment leaves. */
function memoryKv() {
  const data = new Map<string, unknown>();
  const calls: { op: "set" | "remove"; keys: string[] }[] = [];
  const kv: KeyValueStore = {
    async get() {
      return Object.fromEntries([...data].map(([k, v]) => [k, structuredClone(v)]));
    },
    async set(items) {
      calls.push({ op: "set", keys: Object.keys(items).sort() });
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys) {
      calls.push({ op: "remove", keys: [...keys].sort() });
      for (const k of keys) data.delete(k);
    },
  };
  return { ...kv, data, calls, keys: () => [...data.keys()].sort(), snapshot: () => new Map(data) };
}

function fromSnapshot(snapshot: Map<string, unknown>) {
  const kv = memoryKv();
  for (const [k, v] of snapshot) kv.data.set(k, v);
  return kv;
}

const settle = (ms = 0) => new Promise((r) => setTimeout(r, ms));
const limits = { maxExchangesPerTab: 100, maxBytesPerTab: 1_000_000 };

function event(requestId: string, kind: CaptureEvent["kind"] = "beforeRequest", timeStamp = 1): CaptureEvent {
  return { kind, browser: "chromium", requestId, tabId: 1, frameId: 0, url: `http://api.test/${requestId}`, method: "GET", type: "xmlhttprequest", timeStamp };
}

function entry(id: string, state: "pending" | "completed" = "completed"): DiagnosedExchange {
  return {
    exchange: {
      id,
      browser: "chromium",
      tabId: 1,
      frameId: 0,
      initiator: "http://page.test",
      type: "xmlhttprequest",
      method: "GET",
      url: `http://api.test/${id}`,
      startTime: 1,
      hops: [],
      outcome: state === "pending" ? { state: "pending" } : { state: "completed", endTime: 2 },
      trafficClass: "cross-origin",
      requestIds: [id],
    },
    diagnosis: { verdict: state === "pending" ? "pending" : "allowed", explanation: "", warnings: [], cachedPreflight: false, credentials: "unknown", credentialsInferred: true, browser: "chromium" },
  };
}

/** what the worker does with an event: journal it, then apply it (here: one upsert) */
function applyEvent(store: LogStore, e: CaptureEvent, state: "pending" | "completed" = "completed"): void {
  store.append(e);
  store.covered(() => store.upsert(1, entry(e.requestId, state), limits));
}

async function started(kv: KeyValueStore, idleMs = 20, maxBytes?: number): Promise<LogStore> {
  const store = createLogStore(kv, { journal: { bootId: "000000000000001", idleMs, ...(maxBytes ? { maxBytes } : {}) } });
  await store.load();
  store.startCompacting();
  return store;
}

test("between compactions storage gets the events only; once idle, the entries and the watermark, then the journal goes", async () => {
  const kv = memoryKv();
  const store = await started(kv);
  applyEvent(store, event("a"));
  applyEvent(store, event("b"));
  await store.flushed();
  expect(kv.keys()).toEqual(["j:000000000000001:000000"]);
  applyEvent(store, event("c"));
  await store.flushed();
  expect(kv.keys()).toEqual(["j:000000000000001:000000", "j:000000000000001:000001"]);
  await settle(60);
  expect(kv.keys()).toEqual(["e:1:a", "e:1:b", "e:1:c", WATERMARK_KEY]);
  expect(kv.data.get(WATERMARK_KEY)).toBe("j:000000000000001:000001");
  // the compaction call carries the entries and the watermark; the journal goes in a later call
  const compaction = kv.calls.findIndex((c) => c.keys.includes(WATERMARK_KEY));
  expect(kv.calls[compaction]).toEqual({ op: "set", keys: ["e:1:a", "e:1:b", "e:1:c", WATERMARK_KEY] });
  expect(kv.calls[compaction + 1]).toEqual({ op: "remove", keys: ["j:000000000000001:000000", "j:000000000000001:000001"] });
});

test("a worker stopped before the compaction leaves the events to the next: loaded in order, with the entries compacted before", async () => {
  const kv = memoryKv();
  const store = await started(kv);
  applyEvent(store, event("a"));
  await settle(60); // compacted: a is an entry
  applyEvent(store, event("b"));
  await store.flushed();
  applyEvent(store, event("b", "completed", 5));
  await store.flushed();
  const next = createLogStore(fromSnapshot(kv.snapshot()), { journal: { bootId: "000000000000002" } });
  await next.load();
  expect(next.get(1).entries.map((e) => e.exchange.id)).toEqual(["a"]);
  expect(next.journaled()).toEqual([event("b"), event("b", "completed", 5)]);
});

test("journal keys the watermark covers are not replayed (a worker stopped between the compaction and the journal's removal)", async () => {
  const kv = memoryKv();
  kv.data.set("j:000000000000001:000000", JSON.stringify([{ k: 0, r: "old", S: 1, b: "chromium", t: 1, f: 0, u: "http://x.test/", m: "GET", y: "other" }]));
  kv.data.set(WATERMARK_KEY, "j:000000000000001:000000");
  kv.data.set("j:000000000000001:000001", JSON.stringify([{ k: 0, r: "new", S: 2, b: "chromium", t: 1, f: 0, u: "http://x.test/", m: "GET", y: "other" }]));
  const store = createLogStore(kv, { journal: { bootId: "000000000000002" } });
  await store.load();
  expect(store.journaled().map((e) => e.requestId)).toEqual(["new"]);
});

test("each worker's journal is decoded from its own base; an event journaled by an earlier version (an object) is read as is", async () => {
  const kv = memoryKv();
  const first = await started(kv, 10_000);
  applyEvent(first, event("a"));
  await first.flushed();
  // the next worker, on the same storage, writes relative to an empty base of its own
  const second = createLogStore(kv, { journal: { bootId: "000000000000002", idleMs: 10_000 } });
  await second.load();
  second.append(event("a", "completed", 3));
  await second.flushed();
  kv.data.set("j:000000000000000:000000", event("z"));
  const third = createLogStore(fromSnapshot(kv.snapshot()), { journal: { bootId: "000000000000003" } });
  await third.load();
  expect(third.journaled()).toEqual([event("z"), event("a"), event("a", "completed", 3)]);
});

test("a change made outside covered() makes the next call a compaction", async () => {
  const kv = memoryKv();
  const store = await started(kv, 10_000);
  applyEvent(store, event("a"));
  await store.flushed();
  store.clear(1, "http://page.test/next");
  await store.flushed();
  expect(kv.keys()).toEqual(["t:1", WATERMARK_KEY].sort());
  expect(kv.data.get("t:1")).toEqual({ pageUrl: "http://page.test/next", dropped: 0 });
});

test("before startCompacting() nothing is compacted, whatever waits (the restore has not applied the journal yet)", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv, { journal: { bootId: "000000000000001", idleMs: 5, maxBytes: 10 } });
  await store.load();
  applyEvent(store, event("a"));
  store.setPageUrl(1, "http://page.test/");
  await settle(30);
  expect(kv.keys()).toEqual(["j:000000000000001:000000"]);
  store.startCompacting();
  await settle(30);
  expect(kv.keys()).toEqual(["e:1:a", WATERMARK_KEY, "t:1"].sort());
});

test("a journal that grows past maxBytes is compacted without waiting for idle", async () => {
  const kv = memoryKv();
  const store = await started(kv, 10_000, 300);
  for (const id of ["a", "b", "c", "d", "e", "f"]) {
    applyEvent(store, event(id));
    await store.flushed();
  }
  expect(kv.keys().filter((k) => k.startsWith("e:")).length).toBeGreaterThan(0);
  expect(kv.keys().filter((k) => k.startsWith("j:")).length).toBeLessThan(6);
});

test("the journal's bytes count in the storage bound of all tabs", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv, { journal: { bootId: "000000000000001", idleMs: 10_000 }, maxStoredBytes: 1500 });
  await store.load();
  store.startCompacting();
  let dropped = 0;
  for (let i = 0; i < 40; i++) {
    store.append({ ...event(`r${i}`), url: `http://api.test/${"x".repeat(100)}${i}` });
    dropped = store.covered(() => store.upsert(1, entry(`r${i}`), limits)).dropped ?? dropped;
    await store.flushed();
  }
  expect(dropped).toBeGreaterThan(0);
  expect(store.get(1).entries.length + store.get(1).dropped).toBe(40);
});
