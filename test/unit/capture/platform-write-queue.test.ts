/**
 * The write queue alone (src/platform/write-queue.ts): when calls are made and what each one
 * carries. The log store's tests check the same rules through the store; these pin them with
 * plain keys, against the in-memory store that records every call.
 */
import { createWriteQueue, type EntryRef, LATE_REMOVAL_BYTES, type WriteQueueOptions } from "../../../src/platform/write-queue";
import { memoryKv } from "../support/memory-kv";

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function queue(kv: ReturnType<typeof memoryKv>, options: Partial<WriteQueueOptions> = {}) {
  const errors: unknown[] = [];
  const q = createWriteQueue(kv, {
    maxWaitMs: 60_000,
    idleWaitMs: 60_000,
    onWriteError: (error) => errors.push(error),
    // an entry writes its id under its key
    gatherEntry: (ref: EntryRef, key, items) => {
      items[key] = ref.id;
      return 1;
    },
    ...options,
  });
  return { q, errors };
}

test("changes of one task go in one call, at the end of the task", async () => {
  const kv = memoryKv();
  const { q } = queue(kv);
  q.put("a", { value: 1 });
  q.put("b", { lazy: () => "two" });
  q.put("e:1:x", { tabId: 1, id: "x" });
  expect(kv.calls).toEqual([]);
  await q.flushed();
  expect(kv.calls).toEqual([{ op: "set", keys: ["a", "b", "e:1:x"] }]);
  expect(Object.fromEntries(kv.data)).toEqual({ a: 1, b: "two", "e:1:x": "x" });
});

test("while a call is in flight, changes wait for its answer and go together in one call", async () => {
  const kv = memoryKv({ hold: true });
  const { q } = queue(kv);
  q.put("a", { value: 1 });
  await tick();
  q.put("b", { value: 2 });
  q.put("c", { value: 3 });
  q.put("b", { value: 22 });
  await tick();
  expect(kv.calls).toEqual([{ op: "set", keys: ["a"] }]);
  kv.release();
  await tick();
  expect(kv.calls).toEqual([
    { op: "set", keys: ["a"] },
    { op: "set", keys: ["b", "c"] },
  ]);
  expect(kv.data.get("b")).toBe(22);
});

test("a change waits at most maxWaitMs behind an unanswered call", async () => {
  jest.useFakeTimers({ doNotFake: ["queueMicrotask", "nextTick", "setImmediate"] });
  try {
    const kv = memoryKv({ hold: true });
    const { q } = queue(kv, { maxWaitMs: 8 });
    q.put("a", { value: 1 });
    await Promise.resolve();
    q.put("b", { value: 2 });
    jest.advanceTimersByTime(7);
    expect(kv.sets).toBe(1);
    jest.advanceTimersByTime(1);
    expect(kv.calls).toEqual([
      { op: "set", keys: ["a"] },
      { op: "set", keys: ["b"] },
    ]);
  } finally {
    jest.useRealTimers();
  }
});

test("what beforeWrite changes goes out in the call being made", async () => {
  const kv = memoryKv();
  let held = ["x", "y"];
  const { q } = queue(kv, {
    beforeWrite: () => {
      for (const id of held) q.put(`e:1:${id}`, { tabId: 1, id });
      held = [];
    },
  });
  q.wake();
  await q.flushed();
  expect(kv.calls).toEqual([{ op: "set", keys: ["e:1:x", "e:1:y"] }]);
});

test("a key put and dropped in the same task is only removed; dropped and put again, only written", async () => {
  const kv = memoryKv();
  const { q } = queue(kv);
  q.put("a", { value: 1 });
  q.drop("a");
  await q.flushed();
  expect(kv.calls).toEqual([{ op: "remove", keys: ["a"] }]);
  q.drop("b");
  q.put("b", { value: 2 });
  await q.flushed();
  expect(kv.calls.at(-1)).toEqual({ op: "set", keys: ["b"] });
  expect(kv.calls).toHaveLength(2);
});

test("keys dropped for later are removed once writes pause, not with the writes", async () => {
  jest.useFakeTimers({ doNotFake: ["queueMicrotask", "nextTick", "setImmediate"] });
  try {
    const kv = memoryKv();
    const { q } = queue(kv, { idleWaitMs: 250 });
    q.put("old", { value: 0 });
    await q.flushed();
    q.dropLater(["old"], 100);
    for (let i = 0; i < 10; i++) {
      q.put(`k${i}`, { value: i });
      await q.flushed();
      jest.advanceTimersByTime(100); // writes every 100 ms: no pause of 250 ms yet
    }
    expect(kv.calls.filter((c) => c.op === "remove")).toEqual([]);
    jest.advanceTimersByTime(1000); // writes paused (and 2 s since the drop)
    await q.flushed();
    expect(kv.calls.at(-1)).toEqual({ op: "remove", keys: ["old"] });
    expect(kv.data.has("old")).toBe(false);
  } finally {
    jest.useRealTimers();
  }
});

test("past LATE_REMOVAL_BYTES, the keys dropped for later go with the next call", async () => {
  const kv = memoryKv();
  const { q } = queue(kv, { idleWaitMs: 60_000 });
  q.dropLater(["a"], LATE_REMOVAL_BYTES);
  await q.flushed();
  expect(kv.calls).toEqual([]);
  q.dropLater(["b"], 1);
  await q.flushed();
  expect(kv.calls).toEqual([{ op: "remove", keys: ["a", "b"] }]);
});

test("a key written again before its late removal stays", async () => {
  const kv = memoryKv();
  const { q } = queue(kv, { idleWaitMs: 60_000 });
  q.dropLater(["a"], 10);
  q.put("a", { value: "back" });
  q.dropLater(["z"], LATE_REMOVAL_BYTES); // releases what waits
  await q.flushed();
  expect(kv.calls.filter((c) => c.op === "remove")).toEqual([{ op: "remove", keys: ["z"] }]);
  expect(kv.data.get("a")).toBe("back");
});

test("a failing call and a throwing value are reported; the next changes still go", async () => {
  const kv = memoryKv({ failNext: true });
  const { q, errors } = queue(kv);
  q.put("a", { value: 1 });
  await q.flushed();
  q.put("b", {
    lazy: () => {
      throw new Error("bad value");
    },
  });
  q.put("c", { value: 3 });
  await q.flushed();
  expect(errors.map(String)).toEqual(["Error: quota exceeded", "Error: bad value"]);
  expect(Object.fromEntries(kv.data)).toEqual({ c: 3 });
});
