/**
 * The journal of a starting worker. Events that arrive while it restores its state are
 * written under `j:<worker start>:<n>` at once, before they are applied: a worker stopped
 * before its restore ends (the browser may stop it again right away) leaves them to the next
 * one instead of losing them. The next worker replays them, oldest first, and removes each
 * slice's keys once the log holds what that slice brought: a worker stopped during the replay
 * leaves only what it did not apply. (Removing them all at the end made the journal grow
 * without bound when kills came faster than replays ended: every worker replayed everything
 * before it and journaled more meanwhile.) Replaying an event twice is harmless: see
 * background-service.ts for the one event that changes the log by itself, a navigation.
 */
import type { CaptureEvent } from "../capture/events";

export const JOURNAL_PREFIX = "j:";

/** The key of the worker's n-th journaled event; keys sort in the order events came. */
export function journalKey(bootId: string, n: number): string {
  return `${JOURNAL_PREFIX}${bootId}:${String(n).padStart(6, "0")}`;
}

/** A worker's boot id: its start time, padded so that later workers' keys sort after. */
export function bootIdOf(now: number): string {
  return String(now).padStart(15, "0");
}

export interface Journal {
  /** the journaled events, oldest first, and their keys (keys[i] holds events[i]) */
  events: CaptureEvent[];
  keys: string[];
  /** journal keys whose value is not an event: nothing to replay, only to remove */
  invalid: string[];
}

/** Journaled events of earlier workers in what storage holds. */
export function journalOf(all: Record<string, unknown>): Journal {
  const journal: Journal = { events: [], keys: [], invalid: [] };
  const keys = Object.keys(all)
    .filter((k) => k.startsWith(JOURNAL_PREFIX))
    .sort();
  for (const key of keys) {
    const value = all[key] as Partial<CaptureEvent> | null;
    if (value && typeof value.kind === "string" && typeof value.requestId === "string") {
      journal.events.push(value as CaptureEvent);
      journal.keys.push(key);
    } else journal.invalid.push(key);
  }
  return journal;
}
