/** bench/dispatch-latency.ts on a hand-made trace: dispatch → acknowledgement times, and the
 * dispatches a worker stop closed (never run) counted apart. */
import { dispatchLatency } from "../../../bench/dispatch-latency";

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
