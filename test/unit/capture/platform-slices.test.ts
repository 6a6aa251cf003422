/** Long work of a starting worker in slices (src/platform/slices.ts): queued tasks get a turn,
 * items appended meanwhile are handled too, in order. */
import { drainInSlices, yieldToTasks } from "../../../src/platform/slices";

test("every item in order, items appended while draining included; the list ends empty", async () => {
  const list = [1, 2, 3];
  const seen: number[] = [];
  await drainInSlices(list, (n) => {
    seen.push(n);
    if (n === 2) list.push(4);
  });
  expect(seen).toEqual([1, 2, 3, 4]);
  expect(list).toEqual([]);
});

test("queued tasks run between slices and what they append is drained before it resolves", async () => {
  const list = ["a", "b", "c"];
  const order: string[] = [];
  setTimeout(() => {
    order.push("task");
    list.push("late"); // an event journaled while the backlog is applied
  }, 0);
  await drainInSlices(list, (x) => order.push(x), 0);
  expect(order).toEqual(["a", "task", "b", "c", "late"]);
});

test("each slice says which items it handled, before the next one starts", async () => {
  const list = ["a", "b", "c"];
  const order: string[] = [];
  setTimeout(() => list.push("late"), 0);
  // a zero-length slice: every item after the first starts a new one
  await drainInSlices(list, (x) => order.push(x), 0, (from, to) => order.push(`done ${from}-${to}`));
  expect(order).toEqual(["a", "done 0-1", "b", "done 1-2", "c", "done 2-3", "late", "done 3-4"]);
  const one: string[] = [];
  await drainInSlices(["x", "y"], () => undefined, 60_000, (from, to) => one.push(`${from}-${to}`));
  expect(one).toEqual(["0-2"]);
  const none: string[] = [];
  await drainInSlices([], () => undefined, 0, (from, to) => none.push(`${from}-${to}`));
  expect(none).toEqual([]);
});

test("within one slice nothing else runs", async () => {
  const order: string[] = [];
  setTimeout(() => order.push("task"), 0);
  await drainInSlices(["a", "b"], (x) => order.push(x), 60_000);
  expect(order).toEqual(["a", "b"]);
});

test("a slice resumes through a background-priority task where the scheduler has one, else a timer", async () => {
  const asked: unknown[] = [];
  await yieldToTasks({
    postTask: (callback, options) => {
      asked.push(options);
      callback();
      return Promise.resolve();
    },
  });
  expect(asked).toEqual([{ priority: "background" }]);
  const order: string[] = [];
  setTimeout(() => order.push("task queued before"), 0);
  await yieldToTasks(undefined);
  order.push("resumed");
  expect(order).toEqual(["task queued before", "resumed"]);
});
