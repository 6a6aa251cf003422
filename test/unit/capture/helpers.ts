/** Helpers for the assembler tests: fixture loading, replay, canonical forms, interleavings. */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import type { BrowserKind, Exchange } from "../../../src/cors/model";

export const FIXTURES = resolve(__dirname, "../../fixtures/events/chromium");

export function fixtureNames(): string[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.endsWith(".json"))
    .map((f) => f.replace(/\.json$/, ""))
    .sort();
}

export function loadFixture(name: string): CaptureEvent[] {
  return JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), "utf8")) as CaptureEvent[];
}

/** Replays events; returns the final state of every exchange, by id, in creation order. */
export function replay(events: CaptureEvent[], browser: BrowserKind = "chromium"): Exchange[] {
  const asm = createAssembler({ browser, now: () => 0 });
  const out = new Map<string, Exchange>();
  for (const e of events) for (const ex of asm.push(e)) out.set(ex.id, structuredClone(ex));
  // End of stream: whatever is left over must come out too (nothing is dropped silently).
  for (const ex of asm.flushInterrupted()) out.set(ex.id, structuredClone(ex));
  return [...out.values()];
}

/** What must not depend on event order: per exchange (sorted by id) its hops, guards and outcome. */
export function canonical(exchanges: Exchange[], interchangeable = false): unknown[] {
  const withPreflightIds = !interchangeable;
  const out = [...exchanges]
    .sort((a, b) => (a.id < b.id ? -1 : 1))
    .map((ex) => ({
      id: interchangeable ? "*" : ex.id,
      method: ex.method,
      trafficClass: ex.trafficClass,
      outcome: ex.outcome.state === "failed" ? `failed ${ex.outcome.error}` : ex.outcome.state,
      hops: ex.hops.map((h) => ({
        url: h.url,
        method: h.method,
        sent: h.requestHeaders !== null,
        status: h.response?.status ?? null,
        redirectUrl: h.redirectUrl ?? null,
        preflightState: h.preflightState,
        preflight: h.preflight
          ? { id: withPreflightIds ? h.preflight.requestId : "*", status: h.preflight.response?.status ?? null, error: h.preflight.error ?? null }
          : null,
      })),
    }));
  // Interchangeable exchanges compare as a multiset.
  return interchangeable ? out.map((x) => JSON.stringify(x)).sort() : out;
}

/** Deterministic PRNG (mulberry32) so failures can be replayed from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random interleaving of the per-requestId streams: each request's own order is kept. */
export function interleave(events: CaptureEvent[], random: () => number): CaptureEvent[] {
  const streams = new Map<string, CaptureEvent[]>();
  for (const e of events) {
    const s = streams.get(e.requestId) ?? [];
    s.push(e);
    streams.set(e.requestId, s);
  }
  const queues = [...streams.values()];
  const out: CaptureEvent[] = [];
  while (queues.some((q) => q.length > 0)) {
    const live = queues.filter((q) => q.length > 0);
    const q = live[Math.floor(random() * live.length)] as CaptureEvent[];
    out.push(q.shift() as CaptureEvent);
  }
  return out;
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
