/**
 * The live feed of one tab's log: opens the port, subscribes, and when the port disconnects
 * (the worker was stopped) reconnects by itself with a backoff of 50 → 1000 ms. The worker
 * answers every subscribe with the rows of the whole log, so nothing is lost across a restart
 * (the store keeps the full entries whose rev did not change).
 */
import type { PortClientMessage, PortServerMessage, Transport } from "../../protocol";
import type { Connection } from "./log";

export const BACKOFF_MS = [50, 100, 200, 400, 800, 1000] as const;

export interface Feed {
  close(): void;
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function openFeed(
  transport: Transport,
  tabId: number,
  detail: PortClientMessage["detail"],
  onMessage: (message: PortServerMessage) => void,
  onConnection: (connection: Connection) => void,
  timers: Timers = realTimers,
): Feed {
  let attempt = 0;
  let closed = false;
  let timer: unknown = null;
  let port: { post(m: PortClientMessage): void; close(): void } | null = null;
  // each connection attempt has a number, so that a late disconnect of an old port (or a
  // disconnect reported after a throw) cannot schedule a second reconnect
  let generation = 0;

  const retry = (gen: number) => {
    if (gen !== generation || closed) return;
    generation += 1;
    port = null;
    onConnection("reconnecting");
    const delay = BACKOFF_MS[Math.min(attempt, BACKOFF_MS.length - 1)] ?? 1000;
    attempt += 1;
    timer = timers.set(connect, delay);
  };

  function connect(): void {
    timer = null;
    if (closed) return;
    if (attempt === 0) onConnection("connecting");
    generation += 1;
    const gen = generation;
    try {
      port = transport.connect(
        (message) => {
          if (closed || gen !== generation) return;
          if (message.type === "rows") {
            attempt = 0;
            onConnection("live");
          }
          onMessage(message);
        },
        () => retry(gen),
      );
      port.post({ type: "subscribe", tabId, detail });
    } catch {
      // connecting throws while the extension is being reloaded: same as a disconnect
      retry(gen);
    }
  }

  connect();
  return {
    close() {
      closed = true;
      if (timer !== null) timers.clear(timer);
      port?.close();
      port = null;
    },
  };
}
