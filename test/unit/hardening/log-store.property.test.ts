/**
 * Hardening, faults, in the worker's log store: the worker is stopped at any point of a
 * capture, and the next worker loads what storage holds. Generated captures (captures.ts) go
 * through the assembler, the engine and the log store as the worker wires them (each event a
 * task of its own, a change written at the end of its task unless write-policy.ts lets it
 * wait for the entry's next write); the stop comes after any event, with that event's writes
 * made or not (stopped in the middle of its task). For every exchange, the loaded one must be
 * a state the exchange really had, no older than its last change that could not wait, whole
 * (never parts of two states), with the diagnosis the engine gives it; nothing the worker
 * wrote may be missing, nothing may appear twice.
 */
import fc from "fast-check";
import { createAssembler } from "../../../src/capture/assembler";
import { diagnose } from "../../../src/cors/diagnose";
import type { Exchange } from "../../../src/cors/model";
import { DEFAULT_SETTINGS } from "../../../src/protocol";
import { createLogStore } from "../../../src/platform/log-store";
import { canDeferWrite } from "../../../src/platform/write-policy";
import { memoryKv } from "../support/memory-kv";
import { capturing, interleave } from "./captures";

const RUNS = 200;

/** JSON with keys in order: the loaded exchange is built key by key in another order */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/** the end of a task: its microtasks (the store's flush, the answers of its calls) run */
async function endOfTask(): Promise<void> {
  for (let i = 0; i < 30; i++) await Promise.resolve();
}

test(`${RUNS} captures stopped at any point: the next worker loads states the exchanges had, none older than a change that could not wait`, async () => {
  await fc.assert(
    fc.asyncProperty(capturing, fc.nat(), fc.boolean(), async ({ plans, order, browser }, stopDraw, midTask) => {
      const events = interleave(plans, order, browser);
      const stop = stopDraw % (events.length + 1); // events handled before the stop
      const kv = memoryKv();
      // no timer: a change behind a call in flight goes with the answer (a microtask here)
      const store = createLogStore(kv, { maxWaitMs: 60_000 });
      const asm = createAssembler({ browser, now: () => 10_000_000 });
      /** each exchange's states, after each event that changed it */
      const states = new Map<string, Exchange[]>();
      /** index in `states` of the last change that could not wait (written at the end of its task) */
      const floor = new Map<string, number>();
      for (let i = 0; i < stop; i++) {
        const event = events[i] as (typeof events)[number];
        const auxBefore = asm.auxVersion();
        const changed = asm.push(event);
        const auxChanged = asm.auxVersion() !== auxBefore;
        for (const exchange of changed) {
          const deferWrite = canDeferWrite(event, exchange, browser, auxChanged);
          // the worker hands the store the assembler's live object, as here
          store.upsert(exchange.tabId, { exchange, diagnosis: diagnose(exchange) }, DEFAULT_SETTINGS, { deferWrite });
          const list = states.get(exchange.id) ?? [];
          list.push(structuredClone(exchange));
          states.set(exchange.id, list);
          // stopped in the middle of the last task: its writes were not made
          const written = !(midTask && i === stop - 1);
          if ((!deferWrite || list.length === 1) && written) floor.set(exchange.id, list.length - 1);
        }
        if (!(midTask && i === stop - 1)) await endOfTask();
      }

      const next = createLogStore(kv, { maxWaitMs: 60_000 });
      await next.load();
      const loaded = next.get(1).entries;
      const ids = loaded.map((e) => e.exchange.id);
      expect(new Set(ids).size).toBe(ids.length);
      for (const { exchange, diagnosis } of loaded) {
        const history = states.get(exchange.id);
        expect(history).toBeDefined();
        const lowest = floor.get(exchange.id) ?? 0;
        const candidates = (history as Exchange[]).slice(lowest).map(canonical);
        // a state the exchange had, no older than its last change that could not wait
        expect(candidates).toContain(canonical(exchange));
        expect(diagnosis).toEqual(diagnose(exchange));
      }
      // every exchange with a change written is there
      for (const id of floor.keys()) expect(ids).toContain(id);
    }),
    { numRuns: RUNS },
  );
});
