/**
 * The per-tab log store (src/platform/log-store.ts) over an in-memory key-value store: bounds
 * (count and bytes, oldest first, exact dropped counter), one key per exchange, a reload that
 * gives back the same logs, and how writes are coalesced (one storage call in flight at most).
 */
import { diagnose } from "../../../src/cors/diagnose";
import type { DiagnosedExchange, Diagnosis, Exchange } from "../../../src/cors/model";
import { decodeEntry } from "../../../src/platform/entry-codec";
import { createLogStore as createStore, jsonStringLength, type LogStore, type LogStoreOptions } from "../../../src/platform/log-store";
import { type KeyValueStore, LATE_REMOVAL_BYTES } from "../../../src/platform/write-queue";
import { memoryKv } from "../support/memory-kv";
import { loadFixture, replay } from "./helpers";

/** hold tests control every answer: the wait bound stays out of the way (tested on its own) */
const NO_TIMER = { maxWaitMs: 60_000 };

/** lets queued microtasks (the end-of-task flush, answers) run */
const settle = () => new Promise((r) => setTimeout(r, 0));

/** the exchange stored under an entry key, with its parts (`<key>/<part>`, entry-codec.ts) */
function storedExchange(data: Map<string, unknown>, key: string): Exchange {
  const parts = new Map([...data].filter(([k]) => k.startsWith(`${key}/`)).map(([k, v]) => [k.slice(key.length + 1), v]));
  return decodeEntry(data.get(key), parts)?.exchange as Exchange;
}

/** The diagnosis of these tests' entries, made again when a store loads them (the stored text
 * has none): blocked when the exchange failed. The real engine's is tested at the end. */
const fakeDiagnose = (ex: Exchange): Diagnosis => ({
  verdict: ex.outcome.state === "failed" ? "blocked" : "allowed",
  explanation: "",
  warnings: [],
  cachedPreflight: false,
  credentials: "unknown",
  credentialsInferred: true,
  browser: "chromium",
});

/** (the keys of dropped entries go with the write that drops them here: their later removal is
 * tested on its own, at the end) */
const createLogStore = (kv: KeyValueStore, options: LogStoreOptions = {}) => createStore(kv, { diagnose: fakeDiagnose, idleWaitMs: 0, ...options });

function entry(id: string, tabId = 1, pad = 0): DiagnosedExchange {
  const exchange: Exchange = {
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
  };
  return { exchange, diagnosis: fakeDiagnose(exchange) };
}

const limits = { maxExchangesPerTab: 3, maxBytesPerTab: 1_000_000 };

test("hasStartedAfter: whether a tab holds an exchange that started after a time", () => {
  const store = createLogStore(memoryKv());
  const at = (id: string, startTime: number) => {
    const e = entry(id);
    e.exchange.startTime = startTime;
    return e;
  };
  store.upsert(1, at("a", 100), limits);
  store.upsert(1, at("b", 250), limits);
  store.upsert(2, at("c", 900), limits);
  expect([store.hasStartedAfter(1, 99), store.hasStartedAfter(1, 249), store.hasStartedAfter(1, 250), store.hasStartedAfter(1, 800)]).toEqual([true, true, false, false]);
  expect(store.hasStartedAfter(3, 0)).toBe(false);
  store.clear(1, null);
  expect(store.hasStartedAfter(1, 0)).toBe(false);
});

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
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:c", "e:1:c/u", "e:1:d", "e:1:d/u", "e:1:e", "e:1:e/u"]);
});

test("byte bound: an entry's size is measured when it is written", async () => {
  const store = createLogStore(memoryKv());
  const bound = { maxExchangesPerTab: 100, maxBytesPerTab: 2000 };
  for (const id of ["a", "b", "c"]) {
    store.upsert(1, entry(id, 1, 400), bound);
    await store.flushed();
  }
  const log = store.get(1);
  expect(log.entries.map((e) => e.exchange.id)).toEqual(["b", "c"]);
  expect(log.dropped).toBe(1);
});

test("byte bound: before its first write, a new entry counts with the tab's average size", async () => {
  const store = createLogStore(memoryKv());
  const bound = { maxExchangesPerTab: 100, maxBytesPerTab: 2000 };
  store.upsert(1, entry("a", 1, 400), bound);
  await store.flushed(); // "a" measured: about 1,000 bytes
  // no write between these two: "b" and "c" count as about 1,000 bytes each
  store.upsert(1, entry("b", 1, 400), bound);
  const change = store.upsert(1, entry("c", 1, 400), bound);
  expect(change.dropped).toBe(1);
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["b", "c"]);
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
  expect(storedExchange(kv.data, "e:1:a").outcome.state).toBe("failed");
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
  if (verdict === "blocked") e.exchange.outcome = { state: "failed", error: "net::ERR_FAILED", endTime: 2 };
  e.diagnosis = fakeDiagnose(e.exchange);
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
  expect(storedExchange(kv.data, "e:1:a").hops).toEqual([]);
  // the next (not deferred) update writes the whole entry, the deferred change included
  const done = structuredClone(started);
  done.exchange.outcome = { state: "failed", error: "net::ERR_FAILED", endTime: 2 };
  done.diagnosis = fakeDiagnose(done.exchange);
  store.upsert(1, done, limits);
  expect(store.blockedCount(1)).toBe(1);
  await store.flushed();
  expect(kv.sets).toBe(2);
  expect(storedExchange(kv.data, "e:1:a")).toEqual(done.exchange);
  // a new exchange is always written, deferred or not
  store.upsert(1, entry("b"), limits, { deferWrite: true });
  await store.flushed();
  expect(kv.data.has("e:1:b")).toBe(true);
});

// ---- coalescing: at most one storage call in flight ------------------------------------

test("changes made while a call is in flight go together in one call, issued when it is answered", async () => {
  const kv = memoryKv({ hold: true });
  const store = createLogStore(kv, NO_TIMER);
  store.upsert(1, entry("a"), limits);
  await settle();
  expect(kv.calls).toEqual([{ op: "set", keys: ["e:1:a", "e:1:a/u"] }]);
  // a burst while that call is in flight: nothing goes out yet
  const failed = entry("a");
  failed.exchange.outcome = { state: "failed", error: "net::ERR_FAILED", endTime: 3 };
  store.upsert(1, entry("b"), limits);
  await settle();
  store.upsert(1, failed, limits);
  store.upsert(1, entry("c"), limits);
  await settle();
  expect(kv.calls).toHaveLength(1);
  kv.release();
  await settle();
  // one call with every key changed meanwhile, each once, as it is now
  expect(kv.calls).toEqual([
    { op: "set", keys: ["e:1:a", "e:1:a/u"] },
    { op: "set", keys: ["e:1:a", "e:1:a/u", "e:1:b", "e:1:b/u", "e:1:c", "e:1:c/u"] },
  ]);
  kv.release();
  await store.flushed();
  expect(storedExchange(kv.data, "e:1:a").outcome.state).toBe("failed");
  expect(kv.inFlight()).toBe(0);
});

test("wake: changes made in beforeWrite go out in the call being made, when a change made then would have", async () => {
  const kv = memoryKv({ hold: true });
  const held: string[] = [];
  const store: LogStore = createLogStore(kv, {
    ...NO_TIMER,
    beforeWrite: () => {
      for (const id of held.splice(0)) store.upsert(1, entry(id), limits);
    },
  });
  // no call in flight: at the end of the task
  held.push("a");
  store.wake();
  expect(kv.calls).toEqual([]);
  await settle();
  expect(kv.calls).toEqual([{ op: "set", keys: ["e:1:a", "e:1:a/u"] }]);
  // a call in flight: when it is answered, all together, and flushed() waits for them
  held.push("b");
  store.wake();
  await settle();
  held.push("c");
  store.wake();
  await settle();
  expect(kv.calls).toHaveLength(1);
  const flushed = store.flushed();
  kv.release();
  await settle();
  expect(kv.calls[1]).toEqual({ op: "set", keys: ["e:1:b", "e:1:b/u", "e:1:c", "e:1:c/u"] });
  kv.release();
  await flushed;
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["a", "b", "c"]);
  // nothing held and nothing changed: a call with nothing to carry is not made
  store.wake();
  await store.flushed();
  expect(kv.calls).toHaveLength(2);
});

test("an entry that changed five times while a call was in flight is turned into text once", async () => {
  const kv = memoryKv({ hold: true });
  const store = createLogStore(kv, NO_TIMER);
  store.upsert(1, entry("x"), limits);
  await settle();
  let serialised = 0;
  for (let i = 0; i < 5; i++) {
    const e = entry("a");
    // counts how often the store serialises this entry
    const toJSON = () => {
      serialised++;
      return { state: "completed", endTime: 2 };
    };
    Object.assign(e.exchange.outcome, { toJSON });
    store.upsert(1, e, limits);
    await settle();
  }
  expect(serialised).toBe(0);
  kv.release();
  await settle();
  expect(serialised).toBe(1);
  kv.release();
  await store.flushed();
});

test("removals wait behind the call in flight like writes, and a key written again is not removed", async () => {
  const kv = memoryKv({ hold: true });
  const store = createLogStore(kv, NO_TIMER);
  for (const id of ["a", "b"]) store.upsert(1, entry(id), limits);
  await settle();
  store.clear(1, "http://page.test/");
  store.upsert(1, entry("b"), limits);
  await settle();
  kv.release();
  await settle();
  expect(kv.calls.slice(1)).toEqual([
    { op: "remove", keys: ["e:1:a", "e:1:a/u"] },
    { op: "set", keys: ["e:1:b", "e:1:b/u", "t:1"] },
  ]);
  kv.release();
  kv.release();
  await store.flushed();
  expect([...kv.data.keys()].sort()).toEqual(["e:1:b", "e:1:b/u", "t:1"]);
});

test("flushed() resolves only when the changes queued behind the call in flight are stored too", async () => {
  const kv = memoryKv({ hold: true });
  const store = createLogStore(kv, NO_TIMER);
  store.upsert(1, entry("a"), limits);
  await settle();
  store.upsert(1, entry("b"), limits);
  let done = false;
  void store.flushed().then(() => {
    done = true;
  });
  kv.release(); // answers the call with "a"; the call with "b" goes out
  await settle();
  expect(done).toBe(false);
  expect(kv.data.has("e:1:b")).toBe(true);
  kv.release();
  await settle();
  expect(done).toBe(true);
});

test("writeAlso with a function: called once, when the call is made, with the value as it is then", async () => {
  const kv = memoryKv({ hold: true });
  const store = createLogStore(kv, NO_TIMER);
  store.upsert(1, entry("a"), limits);
  await settle();
  let state = 1;
  let made = 0;
  const aux = () => {
    made++;
    return JSON.stringify({ state });
  };
  store.writeAlso("asm:aux", aux);
  state = 2;
  store.writeAlso("asm:aux", aux);
  state = 3;
  expect(made).toBe(0);
  kv.release();
  await settle();
  expect(made).toBe(1);
  expect(kv.data.get("asm:aux")).toBe('{"state":3}');
  // undefined: nothing to write under that key
  store.writeAlso("asm:aux", () => undefined);
  store.upsert(1, entry("b"), limits);
  kv.release();
  await settle();
  expect(kv.calls.at(-1)).toEqual({ op: "set", keys: ["e:1:b", "e:1:b/u"] });
  kv.release();
  await store.flushed();
});

test("a failed call is reported and later changes are still written", async () => {
  const kv = memoryKv({ failNext: true });
  const errors: unknown[] = [];
  const store = createLogStore(kv, { onWriteError: (e) => errors.push(e) });
  store.upsert(1, entry("a"), limits);
  await store.flushed();
  expect(errors).toHaveLength(1);
  store.upsert(1, entry("b"), limits);
  await store.flushed();
  expect([...kv.data.keys()]).toEqual(["e:1:b", "e:1:b/u"]);
});

test("a change never waits longer than maxWaitMs behind an unanswered call: it goes in a second one", async () => {
  jest.useFakeTimers({ doNotFake: ["queueMicrotask", "nextTick", "setImmediate"] });
  try {
    const kv = memoryKv({ hold: true });
    const store = createLogStore(kv, { maxWaitMs: 8 });
    store.upsert(1, entry("a"), limits);
    await Promise.resolve();
    expect(kv.calls).toHaveLength(1);
    store.upsert(1, entry("b"), limits);
    jest.advanceTimersByTime(7);
    store.upsert(1, entry("c"), limits);
    expect(kv.calls).toHaveLength(1);
    jest.advanceTimersByTime(1);
    // "b" and "c" go out although "a"'s call is still unanswered
    expect(kv.calls).toEqual([
      { op: "set", keys: ["e:1:a", "e:1:a/u"] },
      { op: "set", keys: ["e:1:b", "e:1:b/u", "e:1:c", "e:1:c/u"] },
    ]);
    expect(kv.inFlight()).toBe(2);
    kv.release();
    kv.release();
    await store.flushed();
  } finally {
    jest.useRealTimers();
  }
});

// ---- the storage budget of all tabs --------------------------------------------------

test("all tabs together keep to maxStoredBytes: the globally oldest go first, counted in their tab", async () => {
  const kv = memoryKv();
  const perTab = { maxExchangesPerTab: 100, maxBytesPerTab: 1_000_000 };
  // the size of one entry as storage counts it (all entries here have the same size)
  const probeKv = memoryKv();
  const probe = createLogStore(probeKv);
  probe.upsert(1, entry("z", 1, 400), perTab);
  await probe.flushed();
  const size = [...probeKv.data].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
  // four entries fit, five do not
  const store = createLogStore(kv, { maxStoredBytes: Math.floor(size * 4.5) });
  for (const [tabId, id] of [[1, "a"], [2, "b"], [1, "c"], [2, "d"]] as const) {
    store.upsert(tabId, entry(id, tabId, 400), perTab);
    await store.flushed();
  }
  expect(store.get(1).dropped + store.get(2).dropped).toBe(0);
  const change = store.upsert(2, entry("e", 2, 400), perTab);
  await store.flushed();
  // tab 1's "a" was the oldest of all: dropped, counted and reported for tab 1
  expect(change.droppedElsewhere).toEqual([{ tabId: 1, dropped: 1, ids: ["a"] }]);
  expect(change.dropped).toBeUndefined();
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["c"]);
  expect(store.get(2).entries.map((e) => e.exchange.id)).toEqual(["b", "d", "e"]);
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:c", "e:1:c/u", "e:2:b", "e:2:b/u", "e:2:d", "e:2:d/u", "e:2:e", "e:2:e/u"]);
  expect(kv.data.get("t:1")).toEqual({ pageUrl: null, dropped: 1, keepFrom: 1 });
});

test("an entry's size is what storage counts: key plus the value as JSON (quotes escaped)", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, entry("a"), limits);
  await store.flushed();
  const text = kv.data.get("e:1:a") as string;
  const exact = "e:1:a".length + JSON.stringify(text).length;
  expect(exact).toBeGreaterThan("e:1:a".length + text.length + 40); // every quote counts twice
  // a per-tab byte bound of exactly one entry: the next one drops the first
  const tight = { maxExchangesPerTab: 100, maxBytesPerTab: exact };
  store.upsert(1, entry("b"), tight);
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["b"]);
});

test("jsonStringLength is the length of JSON.stringify's string, for JSON texts and for anything else", () => {
  const samples = [
    "",
    "plain",
    JSON.stringify({ a: 'say "hi"', b: "back\\slash", c: "line\nbreak\ttab", d: "\u0001" }),
    JSON.stringify(["émoji 😀", "中文", "\ud800 lone"]),
    "raw \n newline and \u0007 bell", // control characters in the text itself
    "a lone surrogate \udc00 and a pair 😀",
    '"quotes" and \\ backslashes \\\\',
  ];
  for (const text of samples) expect(jsonStringLength(text)).toBe(JSON.stringify(text).length);
  // and the entries the store writes
  const encoded = JSON.stringify(replay(loadFixture("preflight-pass")));
  expect(jsonStringLength(encoded)).toBe(JSON.stringify(encoded).length);
});

// ---- the diagnosis is not stored ------------------------------------------------------------

test("an ended exchange is stored with its diagnosis, one in flight without; a reload diagnoses those again", async () => {
  const kv = memoryKv();
  const store = createStore(kv); // the default: the real engine
  const exchanges = ["preflight-method-missing", "missing-acao", "preflight-pass"].flatMap((name) => replay(loadFixture(name)));
  const roomy = { maxExchangesPerTab: 100, maxBytesPerTab: 1_000_000 };
  // the last one still in flight: its diagnosis says so
  const inFlight = structuredClone(exchanges[exchanges.length - 1] as Exchange);
  inFlight.outcome = { state: "pending" };
  const all = [...exchanges.slice(0, -1), inFlight];
  for (const ex of all) store.upsert(ex.tabId, { exchange: ex, diagnosis: diagnose(ex) }, roomy);
  await store.flushed();
  const cores = [...kv.data].filter(([k]) => /^e:[^/]*$/.test(k)).map(([, v]) => String(v));
  expect(cores.filter((text) => text.includes('"explanation"'))).toHaveLength(all.length - 1);
  expect(kv.data.get(`e:${inFlight.tabId}:${inFlight.id}`)).not.toContain('"explanation"');
  const diagnosed: string[] = [];
  const again = createStore(kv, {
    diagnose: (ex) => {
      diagnosed.push(ex.id);
      return diagnose(ex);
    },
  });
  await again.load();
  expect(diagnosed).toEqual([inFlight.id]);
  expect(again.tabIds()).toEqual(store.tabIds());
  for (const tabId of store.tabIds()) expect(again.get(tabId).entries).toEqual(store.get(tabId).entries);
  const blocked = all.filter((ex) => diagnose(ex).verdict === "blocked");
  expect(blocked.map((ex) => ex.url)).toHaveLength(2); // the method the preflight lacks; the missing ACAO
  expect(store.tabIds().reduce((n, tabId) => n + again.blockedCount(tabId), 0)).toBe(2);
});

test("an entry in flight that the engine cannot diagnose on load stays out, as it did when captured", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  for (const id of ["a", "b"]) store.upsert(1, stage("sent", id), limits);
  await store.flushed();
  const again = createStore(kv, {
    diagnose: (ex) => {
      if (ex.id === "a") throw new Error("engine fault");
      return fakeDiagnose(ex);
    },
  });
  await again.load();
  expect(again.get(1).entries.map((e) => e.exchange.id)).toEqual(["b"]);
});

// ---- entries in parts: a change writes only what it changed ---------------------------------

/** entry("a") on its way: sent (request headers), answered, completed */
function stage(step: "sent" | "answered" | "completed", id = "a"): DiagnosedExchange {
  const e = entry(id);
  e.exchange.outcome = step === "completed" ? { state: "completed", endTime: 3 } : { state: "pending" };
  e.exchange.hops = [{ url: `http://api.test/${id}`, method: "GET", requestHeaders: [{ name: "Origin", value: "http://page.test" }], startTime: 1, preflightState: "not-needed" }];
  if (step !== "sent") (e.exchange.hops[0] as Exchange["hops"][number]).response = { status: 200, statusText: "OK", headers: [{ name: "Access-Control-Allow-Origin", value: "*" }], time: 2 };
  e.diagnosis = fakeDiagnose(e.exchange);
  return e;
}

/** upserts into tab 1 and waits until it is written */
async function written(store: ReturnType<typeof createLogStore>, e: DiagnosedExchange): Promise<void> {
  store.upsert(1, e, limits);
  await store.flushed();
}

test("an update writes only the parts of the entry it changed", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  await written(store, stage("sent"));
  await written(store, stage("answered"));
  await written(store, stage("completed"));
  await written(store, stage("completed")); // ended: no texts kept, every part written again
  expect(kv.calls).toEqual([
    { op: "set", keys: ["e:1:a", "e:1:a/h0", "e:1:a/u"] },
    { op: "set", keys: ["e:1:a/r0"] },
    { op: "set", keys: ["e:1:a"] },
    { op: "set", keys: ["e:1:a", "e:1:a/h0", "e:1:a/r0", "e:1:a/u"] },
  ]);
  expect(storedExchange(kv.data, "e:1:a")).toEqual(stage("completed").exchange);
  // the byte bound counts every part: a new entry counts with the tab's average, so two of
  // this size do not fit in twice its size less one byte (they would, counting the core only)
  const size = [...kv.data].reduce((n, [k, v]) => n + k.length + JSON.stringify(v).length, 0);
  const again = createLogStore(kv);
  await again.load();
  const heavy = { maxExchangesPerTab: 100, maxBytesPerTab: size * 2 - 1 };
  again.upsert(1, entry("b"), heavy);
  expect(again.get(1).entries.map((e) => e.exchange.id)).toEqual(["b"]);
});

test("an unchanged in-flight entry writes nothing; a reload keeps what was written and goes on from there", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  await written(store, stage("sent"));
  await written(store, stage("sent"));
  expect(kv.sets).toBe(1);
  const again = createLogStore(kv);
  await again.load();
  await written(again, stage("answered"));
  expect(kv.calls.at(-1)).toEqual({ op: "set", keys: ["e:1:a/r0"] });
});

test("dropping an entry removes every part; parts without their entry are removed on load", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, stage("answered"), limits);
  for (const id of ["b", "c", "d"]) store.upsert(1, entry(id), limits);
  await store.flushed();
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:1:a"))).toEqual([]);
  kv.data.set("e:1:gone/h0", "{}");
  kv.data.set("e:1:gone/r0", "{}");
  const again = createLogStore(kv);
  await again.load();
  await again.flushed();
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:b", "e:1:b/u", "e:1:c", "e:1:c/u", "e:1:d", "e:1:d/u"]);
});

test("loading gives queued tasks a turn between slices (events then reach the listener, which journals them)", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  for (const id of ["a", "b", "c"]) store.upsert(1, entry(id), limits);
  await store.flushed();
  const order: string[] = [];
  const again = createLogStore(kv, { loadSliceMs: 0 });
  const loading = again.load().then(() => order.push("loaded"));
  setTimeout(() => order.push("task"), 0);
  await loading;
  expect(order).toEqual(["task", "loaded"]);
  expect(again.get(1).entries.map((e) => e.exchange.id)).toEqual(["a", "b", "c"]);
  // in one slice (the default, for a log this small), the task waits for the load
  const order2: string[] = [];
  const third = createLogStore(kv);
  const loading2 = third.load().then(() => order2.push("loaded"));
  setTimeout(() => order2.push("task"), 0);
  await loading2;
  expect(order2).toEqual(["loaded"]);
});

test("an entry dropped and written again in one call is not removed by that call", async () => {
  const kv = memoryKv();
  const store = createLogStore(kv);
  store.upsert(1, stage("answered"), limits);
  await store.flushed();
  store.clear(1, null);
  store.upsert(1, stage("completed"), limits);
  await store.flushed();
  expect(kv.calls.at(-1)).toEqual({ op: "set", keys: ["e:1:a", "e:1:a/h0", "e:1:a/r0", "e:1:a/u", "t:1"] });
  expect(kv.calls.at(-2)?.op).toBe("set"); // no removal call at all: every removed key came back
  expect(storedExchange(kv.data, "e:1:a")).toEqual(stage("completed").exchange);
});

// ---- the keys of dropped entries go once writes pause ---------------------------------------

test("a log at its bound writes without removal calls; the dropped keys go in one call once writes pause", async () => {
  const kv = memoryKv();
  const store = createStore(kv, { diagnose: fakeDiagnose, idleWaitMs: 40 });
  const bound = { maxExchangesPerTab: 3, maxBytesPerTab: 1_000_000 };
  for (const id of ["a", "b", "c", "d", "e", "f"]) {
    store.upsert(1, stage("sent", id), bound);
    await store.flushed();
  }
  expect(kv.calls.filter((c) => c.op === "remove")).toEqual([]);
  expect(store.get(1).entries.map((e) => e.exchange.id)).toEqual(["d", "e", "f"]);
  expect(kv.data.get("t:1")).toEqual({ pageUrl: null, dropped: 3, keepFrom: 3 });
  // a worker stopped now: the next one loads the kept entries only, and removes the others
  const stopped = memoryKv();
  for (const [k, v] of kv.data) stopped.data.set(k, v);
  const next = createStore(stopped, { diagnose: fakeDiagnose, idleWaitMs: 0 });
  await next.load();
  expect(next.get(1).entries.map((e) => e.exchange.id)).toEqual(["d", "e", "f"]);
  expect(next.get(1).dropped).toBe(3);
  await next.flushed();
  expect([...stopped.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:d", "e:1:d/h0", "e:1:d/u", "e:1:e", "e:1:e/h0", "e:1:e/u", "e:1:f", "e:1:f/h0", "e:1:f/u"]);
  // its next entry is newer than any dropped one
  next.upsert(1, stage("sent", "g"), bound);
  await next.flushed();
  const third = createStore(stopped, { diagnose: fakeDiagnose });
  await third.load();
  expect(third.get(1).entries.map((e) => e.exchange.id)).toEqual(["e", "f", "g"]);
  // this worker: writes pause, one call removes the dropped entries' keys
  await new Promise((r) => setTimeout(r, 120));
  await store.flushed();
  const removals = kv.calls.filter((c) => c.op === "remove");
  expect(removals).toEqual([{ op: "remove", keys: ["e:1:a", "e:1:a/h0", "e:1:a/u", "e:1:b", "e:1:b/h0", "e:1:b/u", "e:1:c", "e:1:c/h0", "e:1:c/u"] }]);
  expect([...kv.data.keys()].filter((k) => k.startsWith("e:")).sort()).toEqual(["e:1:d", "e:1:d/h0", "e:1:d/u", "e:1:e", "e:1:e/h0", "e:1:e/u", "e:1:f", "e:1:f/h0", "e:1:f/u"]);
});

test("a cleared tab's entries do not come back to a worker stopped before their keys were removed", async () => {
  const kv = memoryKv();
  const store = createStore(kv, { diagnose: fakeDiagnose, idleWaitMs: 200 });
  for (const id of ["a", "b"]) store.upsert(1, stage("sent", id), limits);
  await store.flushed();
  store.clear(1, "http://page.test/next");
  store.upsert(1, stage("sent", "c"), limits);
  await store.flushed();
  expect(kv.data.has("e:1:a")).toBe(true); // not removed yet
  const next = createStore(kv, { diagnose: fakeDiagnose, idleWaitMs: 0 });
  await next.load();
  expect(next.get(1)).toMatchObject({ pageUrl: "http://page.test/next", dropped: 0 });
  expect(next.get(1).entries.map((e) => e.exchange.id)).toEqual(["c"]);
  await new Promise((r) => setTimeout(r, 300)); // (the first store's removal, before the test ends)
  expect(kv.data.has("e:1:a")).toBe(false);
});

test("dropped entries waiting for removal never hold more than LATE_REMOVAL_BYTES (and one entry)", async () => {
  const kv = memoryKv();
  const store = createStore(kv, { diagnose: fakeDiagnose, idleWaitMs: 200 });
  const bound = { maxExchangesPerTab: 2, maxBytesPerTab: 100_000_000 };
  const ENTRY = 100_000;
  for (let n = 0; n < 12; n++) {
    store.upsert(1, entry(`x${n}`, 1, ENTRY), bound);
    await store.flushed();
    const kept = new Set(store.get(1).entries.map((e) => `e:1:${e.exchange.id}`));
    const waiting = [...kv.data].filter(([k]) => k.startsWith("e:") && !kept.has(k.split("/")[0] as string));
    expect(waiting.reduce((sum, [, v]) => sum + String(v).length, 0)).toBeLessThanOrEqual(LATE_REMOVAL_BYTES + ENTRY + 1000);
  }
  expect(kv.calls.filter((c) => c.op === "remove").length).toBeGreaterThan(0);
  await new Promise((r) => setTimeout(r, 300));
});
