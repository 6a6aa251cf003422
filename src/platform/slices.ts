/**
 * Long work of a starting worker, cut into slices. A webRequest event that arrives while the
 * worker runs a long task waits in its task queue, where the capture listener has not seen it:
 * a worker stopped then loses it, though the listener would have journaled it at once. So work
 * that can take hundreds of milliseconds (loading a full log, applying a backlog of events)
 * gives queued tasks a turn every SLICE_MS.
 */
export const SLICE_MS = 8;

/** lets the tasks queued meanwhile (event dispatches) run */
const yieldToTasks = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Calls `each` for every item of `list`, in order, including items appended while it runs
 * (a queue that keeps filling); yields every `sliceMs`. Empties the list when done.
 */
export async function drainInSlices<T>(list: T[], each: (item: T) => void, sliceMs = SLICE_MS): Promise<void> {
  let slice = Date.now();
  for (let i = 0; i < list.length; i++) {
    if (i > 0 && Date.now() - slice >= sliceMs) {
      await yieldToTasks();
      slice = Date.now();
    }
    each(list[i] as T);
  }
  list.length = 0;
}
