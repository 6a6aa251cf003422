/**
 * What a restarting worker hands back to the assembler from the stored log (pure: the worker
 * reads storage, this decides). The log keeps each exchange once per tab it is attributed to,
 * the assembler wants it once.
 * - In flight: every entry still pending, including those an earlier restart marked
 *   interrupted (their next event may still come), but not an interrupted one older than the
 *   staleness limit (the sweep ended it for good).
 * - Finished: the most recent ended exchanges, so that a late event (a response after a
 *   restart, a replayed journal) fills its exchange in instead of starting a new one.
 * An exchange the worker made for its own requests (fromWorker: copied to the tabs that may
 * have caused it) goes back under the worker's tab id, -1, as the assembler made it.
 */
import type { AssemblerSnapshot } from "../capture/assembler";
import type { DiagnosedExchange, Exchange } from "../cors/model";

/** most recently finished exchanges handed back to the assembler */
export const FINISHED_ON_RESTORE = 256;

export function restoredExchanges(entries: readonly DiagnosedExchange[], staleBefore: number): Pick<AssemblerSnapshot, "inflight"> & { finished: Exchange[] } {
  const seen = new Set<string>();
  const inflight: AssemblerSnapshot["inflight"] = [];
  const finished: Exchange[] = [];
  for (const { exchange } of entries) {
    if (seen.has(exchange.id)) continue;
    seen.add(exchange.id);
    const ex = exchange.fromWorker ? { ...exchange, tabId: -1, fromWorker: undefined } : exchange;
    if (exchange.outcome.state !== "pending") finished.push(ex);
    else if (!exchange.outcome.interrupted || exchange.startTime >= staleBefore) inflight.push({ exchange: ex, lastSeen: ex.startTime });
  }
  finished.sort((a, b) => a.startTime - b.startTime);
  return { inflight, finished: finished.slice(-FINISHED_ON_RESTORE) };
}

/**
 * The request ids (preflights' included) of the exchanges the stored log holds as ended. A
 * journaled event of one of them was applied before: the worker that applied it was stopped
 * between the log's write and the journal's removal. Replayed again, it would meet an
 * assembler that no longer remembers that exchange (it keeps the most recent ones) and start a
 * new one, cut off at its start, in its place. So the replay skips them.
 */
export function endedRequestIds(entries: readonly DiagnosedExchange[]): Set<string> {
  const ids = new Set<string>();
  for (const { exchange } of entries) {
    if (exchange.outcome.state === "pending") continue;
    for (const id of exchange.requestIds) ids.add(id);
    for (const hop of exchange.hops) if (hop.preflight?.requestId) ids.add(hop.preflight.requestId);
  }
  return ids;
}

/** What was in flight when no worker ran may have lost events: until the next one arrives,
 * it says that capture was interrupted rather than that it has not finished, and it carries
 * the gap (the engine then leaves undecided what the observed evidence does not settle).
 * Returns the exchanges it changed. */
export function markInterrupted(inflight: AssemblerSnapshot["inflight"]): Exchange[] {
  const changed: Exchange[] = [];
  for (const { exchange } of inflight) {
    if (exchange.outcome.state !== "pending" || exchange.outcome.interrupted) continue;
    exchange.outcome = { state: "pending", interrupted: true };
    exchange.captureGap ??= "after-start";
    changed.push(exchange);
  }
  return changed;
}
