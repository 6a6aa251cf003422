/**
 * Debug recorder of raw CaptureEvents, used by tools/record-fixtures.ts and the e2e tests to
 * read the exact event stream the worker saw. Off by default (zero cost but one branch);
 * switched on from a test through `worker.evaluate(() => globalThis.__corsLensRecorder.start())`.
 * It is not part of the message protocol: only code with DevTools-protocol access to the
 * worker (a test harness) can reach it.
 */
import type { CaptureEvent } from "../capture/events";

export interface Recorder {
  start(): void;
  stop(): void;
  /** returns the recorded events and empties the buffer */
  take(): CaptureEvent[];
  record(event: CaptureEvent): void;
}

export function createRecorder(capacity = 20000): Recorder {
  let on = false;
  let buffer: CaptureEvent[] = [];
  return {
    start() {
      on = true;
      buffer = [];
    },
    stop() {
      on = false;
    },
    take() {
      const out = buffer;
      buffer = [];
      return out;
    },
    record(event) {
      if (!on) return;
      buffer.push(event);
      if (buffer.length > capacity) buffer.splice(0, buffer.length - capacity);
    },
  };
}
