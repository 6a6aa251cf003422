/**
 * The assembler's auxiliary state (OPTIONS not yet classified, orphan preflights) and its
 * version: the worker persists auxSnapshot() only when auxVersion() moved, so the version must
 * move whenever the snapshot changes (checked after every event of every recorded stream, in
 * order and shuffled), and it stays put for streams without any OPTIONS.
 */
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { fixtureNames, loadFixture } from "./helpers";

/** Deterministic shuffle (the assembler must cope with any order; so must the version). */
function shuffled(events: CaptureEvent[], seed: number): CaptureEvent[] {
  const out = [...events];
  let x = seed;
  for (let i = out.length - 1; i > 0; i--) {
    x = (x * 1103515245 + 12345) % 2147483648;
    const j = x % (i + 1);
    [out[i], out[j]] = [out[j] as CaptureEvent, out[i] as CaptureEvent];
  }
  return out;
}

function missedChanges(events: CaptureEvent[]): string[] {
  const asm = createAssembler({ browser: "chromium", now: () => 0 });
  let version = asm.auxVersion();
  let aux = JSON.stringify(asm.auxSnapshot());
  const missed: string[] = [];
  const check = (what: string) => {
    const nextAux = JSON.stringify(asm.auxSnapshot());
    const nextVersion = asm.auxVersion();
    if (nextAux !== aux && nextVersion === version) missed.push(what);
    aux = nextAux;
    version = nextVersion;
  };
  for (const e of events) {
    asm.push(e);
    check(`${e.kind} ${e.method} ${e.requestId}`);
  }
  asm.flushInterrupted();
  check("flushInterrupted");
  return missed;
}

test.each(fixtureNames())("%s: every change of the auxiliary state moves its version", (name) => {
  const events = loadFixture(name);
  expect(missedChanges(events)).toEqual([]);
  for (const seed of [1, 2, 3]) expect(missedChanges(shuffled(events, seed))).toEqual([]);
});

test("a stream without OPTIONS never moves the version (nothing to persist)", () => {
  const asm = createAssembler({ browser: "chromium", now: () => 0 });
  const before = asm.auxVersion();
  for (const e of loadFixture("simple-allowed")) asm.push(e);
  expect(asm.auxVersion()).toBe(before);
  expect(asm.auxSnapshot()).toEqual({ options: [], orphans: [] });
});

test("a passing preflight moves it only while its OPTIONS waits to be classified", () => {
  const asm = createAssembler({ browser: "chromium", now: () => 0 });
  const events = loadFixture("preflight-pass");
  let moves = 0;
  let version = asm.auxVersion();
  for (const e of events) {
    asm.push(e);
    if (asm.auxVersion() !== version) moves++;
    version = asm.auxVersion();
  }
  expect(moves).toBeGreaterThan(0);
  expect(moves).toBeLessThan(events.length / 2);
  expect(asm.auxSnapshot()).toEqual({ options: [], orphans: [] });
});
