/**
 * The per-tab log store (src/platform/log-store.ts) over an in-memory key-value store: bounds
 * (count and bytes, oldest first, exact dropped counter), one key per exchange, and a reload
 * that gives back the same logs.
 */
import type { DiagnosedExchange } from "../../../src/cors/model";
import { createLogStore, type KeyValueStore } from "../../../src/platform/log-store";

function memoryKv(): KeyValueStore & { data: Map<string, unknown>; sets: number } {
  const data = new Map<string, unknown>();
  const kv = {
    data,
    sets: 0,
    async get() {
      return Object.fromEntries([...data].map(([k, v]) => [k, structuredClone(v)]));
    },
    async set(items: Record<string, unknown>) {
      kv.sets++;
      for (const [k, v] of Object.entries(items)) data.set(k, structuredClone(v));
    },
    async remove(keys: string[]) {
      for (const k of keys) data.delete(k);
    },
  };
  return kv;
}

function entry(id: string, tabId = 1, pad = 0): DiagnosedExchange {
  return {
    exchange: {
      id,
      browser: "chromium",
      tabId,
      frameId: 0,
      initiator: "http://page.test",
      type: "xmlhttprequest",
      method: "GET",
      url: `http://api.test/${id}${"x".repeat(pad)}`,
      startTime: 1,
      hops: [],
      outcome: { state: "completed", endTime: 2 },
      trafficClass: "cross-origin",
      requestIds: [id],
    },
    diagnosis: { verdict: "allowed", explanation: "", warnings: [], cachedPreflight: false, credentials: "unknown", credentialsInferred: true, browser: "chromium" },
  };
}

const limits = { maxExchangesPerTab: 3, maxBytesPerTab: 1_000_000 };

test("count bound drops the oldest first and counts exactly", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  const drops: (number | undefined)[] = [];
  for (const id of ["a", "b", "c", "d", "e"]) drops.push(store.upsert(1, entry(id), limits).dropped);
  expect(drops).toEqual([undefined, undefined, undefined, 1, 2]);
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["c", "d", "e"]);
  expect(store.get(1).dropped).toBe(2);
  // A dropped exchange that changes later stays out.
  expect(store.upsert(1, entry("a"), limits).upserted).toEqual([]);
  await store.flushed();
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:c", "e:1:d", "e:1:e"]);
});

test("byte bound", () => {
  const store = createLogStore(memoryKv());
  for (const id of ["a", "b", "c"]) store.upsert(1, entry(id, 1, 400), { maxExchangesPerTab: 100, maxBytesPerTab: 2000 });
  const log = store.get(1);
  expect(log.entries.length).toBeLessThan(3);
  expect(log.entries.length + log.dropped).toBe(3);
});

test("writes of one task are batched into one set(); updates rewrite only their key", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, entry("a"), limits);
  store.upsert(2, entry("b", 2), limits);
  await store.flushed();
  expect(kv.sets).toBe(1);
  const updated = entry("a");
  updated.exchange.outcome = { state: "failed", error: "net::ERR_FAILED", endTime: 3 };
  store.upsert(1, updated, limits);
  await store.flushed();
  expect(kv.sets).toBe(2);
  // stored as JSON text: the extension API converts a string far faster than an object graph
  const stored = kv.data.get("e:1:a");
  expect(typeof stored).toBe("string");
  expect((JSON.parse(stored as string) as { d: DiagnosedExchange }).d.exchange.outcome.state).toBe("failed");
});

test("entries stored as objects (the earlier format) load as well", async () => {
  const kv = memoryKv();
  kv.data.set("t:1", { pageUrl: "http://page.test/", dropped: 4 });
  kv.data.set("e:1:b", { s: 7, d: entry("b") });
  kv.data.set("e:1:a", JSON.stringify({ s: 3, d: entry("a") }));
  kv.data.set("e:1:bad", "{not json");
  const store = createLogStore(kv);
  await store.load();
  expect(store.get(1)).toEqual({ tabId: 1, pageUrl: "http://page.test/", entries: [entry("a"), entry("b")], dropped: 4 });
});

function withVerdict(id: string, verdict: "allowed" | "blocked"): DiagnosedExchange {
  const e = entry(id);
  e.diagnosis.verdict = verdict;
  return e;
}

test("the blocked count follows upserts, the bound, clear and reload", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, withVerdict("a", "blocked"), limits);
  store.upsert(1, withVerdict("b", "allowed"), limits);
  store.upsert(1, withVerdict("c", "blocked"), limits);
  expect(store.blockedCount(1)).toBe(2);
  store.upsert(1, withVerdict("b", "blocked"), limits); // an update changes the verdict
  expect(store.blockedCount(1)).toBe(3);
  store.upsert(1, withVerdict("d", "allowed"), limits); // the bound drops "a"
  expect(store.blockedCount(1)).toBe(2);
  await store.flushed();
  const again = createLogStore(kv);
  await again.load();
  expect(again.blockedCount(1)).toBe(2);
  again.clear(1, null);
  expect(again.blockedCount(1)).toBe(0);
  expect(again.blockedCount(99)).toBe(0);
});

test("after 20,000 dropped exchanges the memory of dropped ids stays bounded, recent ones still stay out", () => {
  const store = createLogStore(memoryKv());
  for (let i = 0; i < 20_003; i++) store.upsert(1, entry(`x${i}`), limits);
  expect(store.get(1).dropped).toBe(20_000);
  // the most recently dropped exchange does not come back when it changes
  expect(store.upsert(1, entry("x19999"), limits).upserted).toEqual([]);
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["x20000", "x20001", "x20002"]);
  // one dropped 20,000 drops ago is forgotten (no request stays in flight that long): an
  // update of it would come back as a new entry, the price of not growing with every request
  expect(store.upsert(1, entry("x0"), limits).upserted.map((e) => e.exchange.id)).toEqual(["x0"]);
});

test("reload gives back every tab in order, with page URL and dropped count; clear and remove", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.clear(1, "http://page.test/");
  for (const id of ["a", "b", "c", "d"]) store.upsert(1, entry(id), limits);
  store.upsert(-1, entry("w", -1), limits);
  await store.flushed();
  const again = createLogStore(kv);
  await again.load();
  expect(again.get(1)).toEqual(store.get(1));
  expect(again.get(1).pageUrl).toBe("http://page.test/");
  expect(again.tabIds().sort()).toEqual([-1, 1]);
  again.upsert(1, entry("z"), limits);
  expect(again.get(1).entries.map((e) => e.exchange.id)).toEqual(["c", "d", "z"]);
  again.clear(1, "http://next.test/");
  again.remove(-1);
  await again.flushed();
  expect([...kv.data.keys()].sort()).toEqual(["t:1"]);
});

test("writeAlso joins the same storage call as the log's writes of the task", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, entry("a"), limits);
  store.writeAlso("asm:aux", '{"options":[],"orphans":[]}');
  await store.flushed();
  expect(kv.sets).toBe(1);
  expect(kv.data.get("asm:aux")).toBe('{"options":[],"orphans":[]}');
});

test("a deferred update changes the log in memory but writes nothing until the next update", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, entry("a"), limits);
  await store.flushed();
  const started = entry("a");
  started.exchange.hops = [{ url: "http://api.test/a", method: "GET", requestHeaders: [], startTime: 1, preflightState: "not-needed" }];
  const change = store.upsert(1, started, limits, { deferWrite: true });
  expect(change.upserted).toEqual([started]);
  expect(store.get(1).entries).toEqual([started]);
  await store.flushed();
  expect(kv.sets).toBe(1);
  expect((JSON.parse(kv.data.get("e:1:a") as string) as { d: DiagnosedExchange }).d.exchange.hops).toEqual([]);
  // the next (not deferred) update writes the whole entry, the deferred change included
  const done = structuredClone(started);
  done.diagnosis.verdict = "blocked";
  store.upsert(1, done, limits);
  expect(store.blockedCount(1)).toBe(1);
  await store.flushed();
  expect(kv.sets).toBe(2);
  expect((JSON.parse(kv.data.get("e:1:a") as string) as { d: DiagnosedExchange }).d).toEqual(done);
  // a new exchange is always written, deferred or not
  store.upsert(1, entry("b"), limits, { deferWrite: true });
  await store.flushed();
  expect(kv.data.has("e:1:b")).toBe(true);
});
