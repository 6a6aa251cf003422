/** bench/dispatch-latency.ts on a hand-made trace: dispatch → acknowledgement times, and the
 * dispatches a worker stop closed (never run) counted apart. */
import { dispatchLatency, workerDuringWaits } from "../../../bench/dispatch-latency";

const flow = (id: string, from: number, to: number) => [
  { name: "ServiceWorkerVersion::Request", ph: "s", ts: from * 1000, id },
  { name: "ServiceWorkerVersion::Request", ph: "f", ts: to * 1000, id },
];

test("latencies of acknowledged dispatches; those a stop closed after waiting are counted apart", () => {
  const events = [
    ...flow("1", 0, 2),
    ...flow("2", 10, 14),
    ...flow("3", 20, 140), // waited 120 ms, then ran
    ...flow("4", 200, 305), // closed 5 ms after the stop at 300 ms: never ran
    ...flow("5", 298, 301), // closed by the stop too, but it had waited only 3 ms
    { name: "ServiceWorkerVersion::StopWorker", ph: "I", ts: 300_000 },
    { name: "ServiceWorkerVersion::Request", ph: "s", ts: 400_000, id: "6" }, // never closed
  ];
  expect(dispatchLatency(events)).toEqual({ dispatches: 4, median: 4, p90: 120, p99: 120, max: 120, over50: 1, over100: 1, waitingAtStop: 1 });
});

test("the worker's tasks during long waits: wall and CPU time, clipped to the waits", () => {
  const task = (tid: number, from: number, wall: number, cpu: number) => ({ name: "ThreadControllerImpl::RunTask", ph: "X", pid: 1, tid, ts: from * 1000, dur: wall * 1000, tdur: cpu * 1000 });
  const events = [
    { name: "thread_name", ph: "M", ts: 0, pid: 1, tid: 7, args: { name: "ServiceWorker thread" } },
    { name: "thread_name", ph: "M", ts: 0, pid: 1, tid: 8, args: { name: "CrRendererMain" } },
    ...flow("1", 100, 300), // waits from 100 to 300 ms
    ...flow("2", 250, 400), // overlaps: one wait from 100 to 400 ms
    ...flow("3", 500, 520), // too short to count
    task(7, 100, 200, 2), // descheduled: 200 ms of wall, 2 ms of CPU
    task(7, 350, 100, 100), // half inside the wait: 50 ms of wall, 50 ms of CPU
    task(7, 500, 10, 10), // outside every long wait
    task(8, 100, 300, 300), // not a worker thread
  ];
  expect(workerDuringWaits(events)).toEqual({ waitMs: 300, taskMs: 250, cpuMs: 52 });
});
