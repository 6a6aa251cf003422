/**
 * Long work of a starting worker, cut into slices. A webRequest event that arrives while the
 * worker runs a long task waits in its task queue, where the capture listener has not seen it:
 * a worker stopped then loses it, though the listener would have journaled it at once. So work
 * that can take hundreds of milliseconds (loading a full log, applying a backlog of events)
 * gives queued tasks a turn every SLICE_MS (all of them: see yieldToTasks).
 */
export const SLICE_MS = 8;

/** The Prioritized Task Scheduling API (Chromium 94+, Firefox 142+), where it exists. */
interface TaskScheduler {
  postTask(callback: () => void, options: { priority: "background" }): Promise<void>;
}

/**
 * Lets every task queued meanwhile run first (event dispatches), then resumes.
 *
 * Not a `setTimeout(0)`: Chromium's worker scheduler takes turns between its queues, so the
 * timer came back after ONE queued event each time. A worker tracing showed it: 60 webRequest
 * events waited up to 300 ms while a restore went on in 8 ms slices, one event handled per
 * slice, and the next kill lost them all (test/e2e/hardening-worker-kills.test.ts). A
 * background-priority task runs only once the normal-priority queues are empty, so a slice
 * resumes after every pending event has been journaled. `scheduler` can be given for tests.
 */
export function yieldToTasks(scheduler: TaskScheduler | undefined = (globalThis as { scheduler?: TaskScheduler }).scheduler): Promise<void> {
  if (typeof scheduler?.postTask === "function") return scheduler.postTask(() => undefined, { priority: "background" });
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * Calls `each` for every item of `list`, in order, including items appended while it runs
 * (a queue that keeps filling); yields every `sliceMs`. `sliceDone(from, to)` is told which
 * items a slice handled (before each yield, and at the end). Empties the list when done.
 */
export async function drainInSlices<T>(list: T[], each: (item: T) => void, sliceMs = SLICE_MS, sliceDone?: (from: number, to: number) => void): Promise<void> {
  let slice = Date.now();
  let from = 0;
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && Date.now() - slice >= sliceMs) {
      sliceDone?.(from, i);
      from = i;
      await yieldToTasks();
      slice = Date.now();
    }
    each(list[i] as T);
  }
  if (list.length > from) sliceDone?.(from, list.length);
  list.length = 0;
}
