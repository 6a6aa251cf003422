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
