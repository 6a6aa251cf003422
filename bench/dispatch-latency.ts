/**
 * How long webRequest events wait in the extension's service worker, from a Chrome trace.
 *
 * An event the browser has dispatched to the worker is lost if the worker is stopped before
 * its listener ran (the listener journals or writes it at once). So the time from dispatch to
 * the worker's acknowledgement (the `ServiceWorkerVersion::Request` flow of the trace's
 * `ServiceWorker` category, which opens when the browser dispatches and closes when the worker
 * has run the listeners) is the window in which a stop loses events; the kill test's lost
 * requests are events that were still waiting when the worker was stopped.
 *
 *   CORS_LENS_KILL_TRACE=/tmp/traces npx jest --selectProjects e2e \
 *     --runTestsByPath test/e2e/hardening-worker-kills.test.ts     (one trace per phase)
 *   npx tsx bench/dispatch-latency.ts /tmp/traces/kill-trace-p.json […]
 *
 * Prints, per trace: dispatches, the acknowledgement latency (median, 90th and 99th
 * percentiles, maximum, counts over 50 and 100 ms) and how many were still waiting (over 30 ms)
 * when a worker stop closed them. Then, for the time in which some dispatch waited over 50 ms,
 * how long the worker's tasks ran and how much CPU they got (the trace's thread time): a worker
 * that was busy uses about as much CPU as wall time; one the system did not schedule (another
 * process holding the cores) uses far less.
 */
import { readFileSync } from "node:fs";

interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** thread (CPU) time of a complete event, µs */
  tdur?: number;
  pid?: number;
  tid?: number;
  id?: string;
  id2?: { local?: string; global?: string };
  args?: { name?: string };
}

export interface DispatchLatency {
  dispatches: number;
  median: number;
  p90: number;
  p99: number;
  max: number;
  over50: number;
  over100: number;
  /** dispatches a worker stop closed after they had waited more than 30 ms */
  waitingAtStop: number;
}

const flowId = (e: TraceEvent): string => e.id ?? e.id2?.local ?? e.id2?.global ?? "";

/** dispatch → acknowledgement flows, µs */
function flows(events: TraceEvent[]): { opened: Map<string, number>; closed: Map<string, number> } {
  const opened = new Map<string, number>();
  const closed = new Map<string, number>();
  for (const e of events) {
    if (e.name !== "ServiceWorkerVersion::Request") continue;
    if (e.ph === "s") opened.set(flowId(e), e.ts);
    else if (e.ph === "f") closed.set(flowId(e), e.ts);
  }
  return { opened, closed };
}

export function dispatchLatency(events: TraceEvent[]): DispatchLatency {
  const stops = events.filter((e) => e.name === "ServiceWorkerVersion::StopWorker" && e.ph === "I").map((e) => e.ts);
  const { opened, closed } = flows(events);
  const latencies: number[] = [];
  let waitingAtStop = 0;
  for (const [id, start] of opened) {
    const end = closed.get(id);
    if (end === undefined) continue;
    const ms = (end - start) / 1000;
    // closed by a stop (within 30 ms after one), not by the worker: it never ran
    if (ms > 30 && stops.some((stop) => end >= stop && end - stop < 30_000)) {
      waitingAtStop++;
      continue;
    }
    latencies.push(ms);
  }
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? Number.NaN;
  return {
    dispatches: latencies.length,
    median: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: latencies.at(-1) ?? Number.NaN,
    over50: latencies.filter((ms) => ms > 50).length,
    over100: latencies.filter((ms) => ms > 100).length,
    waitingAtStop,
  };
}

export interface WorkerDuringWaits {
  /** time in which at least one dispatch waited over 50 ms (the waits merged), ms */
  waitMs: number;
  /** the worker threads' tasks in that time: wall time and thread (CPU) time, ms */
  taskMs: number;
  cpuMs: number;
}

/** What the worker threads did while dispatches waited over 50 ms. A task's share inside the
 * waits is counted in proportion to its overlap, for wall and CPU time alike. */
export function workerDuringWaits(events: TraceEvent[]): WorkerDuringWaits {
  const { opened, closed } = flows(events);
  const waits: [number, number][] = [];
  for (const [id, start] of opened) {
    const end = closed.get(id);
    if (end !== undefined && end - start > 50_000) waits.push([start, end]);
  }
  waits.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [from, to] of waits) {
    const last = merged[merged.length - 1];
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  const workers = new Set(events.filter((e) => e.ph === "M" && e.name === "thread_name" && e.args?.name === "ServiceWorker thread").map((e) => `${e.pid}:${e.tid}`));
  let taskMs = 0;
  let cpuMs = 0;
  for (const e of events) {
    if (e.ph !== "X" || e.name !== "ThreadControllerImpl::RunTask" || !e.dur || !workers.has(`${e.pid}:${e.tid}`)) continue;
    let inside = 0;
    for (const [from, to] of merged) inside += Math.max(0, Math.min(to, e.ts + e.dur) - Math.max(from, e.ts));
    if (inside === 0) continue;
    taskMs += inside / 1000;
    cpuMs += ((e.tdur ?? 0) * inside) / e.dur / 1000;
  }
  return { waitMs: merged.reduce((sum, [from, to]) => sum + (to - from), 0) / 1000, taskMs, cpuMs };
}

function main(): void {
  for (const file of process.argv.slice(2)) {
    const parsed = JSON.parse(readFileSync(file, "utf8")) as { traceEvents?: TraceEvent[] } | TraceEvent[];
    const events = Array.isArray(parsed) ? parsed : (parsed.traceEvents ?? []);
    const d = dispatchLatency(events);
    const ms = (n: number) => `${n.toFixed(1)} ms`;
    console.log(
      `${file}: ${d.dispatches} dispatches; acknowledged after: median ${ms(d.median)}, p90 ${ms(d.p90)}, p99 ${ms(d.p99)}, max ${ms(d.max)}; over 50 ms ${d.over50}, over 100 ms ${d.over100}; still waiting when a stop came ${d.waitingAtStop}`,
    );
    const w = workerDuringWaits(events);
    if (w.waitMs > 0) {
      console.log(`  while some dispatch waited over 50 ms (${ms(w.waitMs)}): worker tasks ran ${ms(w.taskMs)}, with ${ms(w.cpuMs)} of CPU (${((100 * w.cpuMs) / Math.max(w.taskMs, 1e-9)).toFixed(0)}%)`);
    }
  }
}

if (process.argv[1]?.endsWith("dispatch-latency.ts")) main();
