/** What a restarting worker hands back to the assembler (src/platform/restore.ts), and the
 * journal's keys and reading (src/platform/journal.ts). */
import type { DiagnosedExchange, Exchange, Outcome } from "../../../src/cors/model";
import { bootIdOf, JOURNAL_PREFIX, journalKey, journalOf } from "../../../src/platform/journal";
import { endedRequestIds, FINISHED_ON_RESTORE, markInterrupted, restoredExchanges } from "../../../src/platform/restore";

function stored(id: string, startTime: number, outcome: Outcome, extra: Partial<Exchange> = {}): DiagnosedExchange {
  const exchange: Exchange = {
    id,
    browser: "chromium",
    tabId: 1,
    frameId: 0,
    initiator: "http://page.test",
    type: "fetch",
    method: "GET",
    url: `http://api.test/${id}`,
    startTime,
    hops: [],
    outcome,
    trafficClass: "cross-origin",
    requestIds: [id],
    ...extra,
  };
  return { exchange, diagnosis: { verdict: "pending", explanation: "", warnings: [], cachedPreflight: false, credentials: "unknown", credentialsInferred: true, browser: "chromium" } };
}

const done: Outcome = { state: "completed", endTime: 1 };
const pending: Outcome = { state: "pending" };
const interrupted: Outcome = { state: "pending", interrupted: true };

describe("restoredExchanges", () => {
  test("pending entries go back in flight, ended ones as finished (oldest first); stale interrupted ones stay ended", () => {
    const entries = [
      stored("late-done", 30, done),
      stored("running", 5, pending),
      stored("early-done", 10, done),
      stored("cut-recently", 900, interrupted),
      stored("cut-long-ago", 100, interrupted),
      stored("never-cut-old", 50, pending),
    ];
    const { inflight, finished } = restoredExchanges(entries, 500);
    expect(inflight.map((f) => [f.exchange.id, f.lastSeen])).toEqual([
      ["running", 5],
      ["cut-recently", 900],
      ["never-cut-old", 50],
    ]);
    expect(finished.map((e) => e.id)).toEqual(["early-done", "late-done"]);
  });

  test("an exchange kept in several tabs comes back once; the worker's own goes back under tab -1", () => {
    const mine = stored("w", 1, pending, { tabId: 3, fromWorker: true });
    const copy = stored("w", 1, pending, { tabId: 4, fromWorker: true });
    const twice = [stored("x", 2, done), { ...stored("x", 2, done), exchange: { ...stored("x", 2, done).exchange, tabId: 2 } }];
    const { inflight, finished } = restoredExchanges([mine, copy, ...twice], 0);
    expect(inflight).toHaveLength(1);
    expect(inflight[0]?.exchange).toMatchObject({ id: "w", tabId: -1, fromWorker: undefined });
    expect(mine.exchange.tabId).toBe(3); // the stored entry is not changed
    expect(finished.map((e) => [e.id, e.tabId])).toEqual([["x", 1]]);
  });

  test(`only the ${FINISHED_ON_RESTORE} most recent ended exchanges are handed back`, () => {
    const entries = Array.from({ length: FINISHED_ON_RESTORE + 10 }, (_, i) => stored(`e${i}`, FINISHED_ON_RESTORE + 10 - i, done));
    const { finished } = restoredExchanges(entries, 0);
    expect(finished).toHaveLength(FINISHED_ON_RESTORE);
    expect(finished[0]?.startTime).toBe(11);
    expect(finished.at(-1)?.startTime).toBe(FINISHED_ON_RESTORE + 10);
  });
});

test("endedRequestIds: the requests and preflights of ended exchanges, none of those still pending", () => {
  const preflighted = stored("put", 1, done, {
    requestIds: ["7", "7-redirected"],
    hops: [{ url: "http://api.test/put", method: "PUT", requestHeaders: null, startTime: 1, preflightState: "sent", preflight: { requestId: "6", url: "http://api.test/put", requestHeaders: null, startTime: 1 } }],
  });
  const failed = stored("f", 2, { state: "failed", error: "net::ERR_FAILED", endTime: 3 }, { requestIds: ["8"] });
  const running = stored("r", 3, pending, { requestIds: ["9"] });
  const cut = stored("c", 4, interrupted, { requestIds: ["10"] });
  expect([...endedRequestIds([preflighted, failed, running, cut])].sort()).toEqual(["6", "7", "7-redirected", "8"]);
});

test("markInterrupted: what was running says so and carries the gap; what already did is left", () => {
  const running = stored("a", 1, pending).exchange;
  const cutBefore = stored("b", 1, interrupted, { captureGap: "start" }).exchange;
  const startLost = stored("c", 1, pending, { captureGap: "start" }).exchange;
  const changed = markInterrupted([running, cutBefore, startLost].map((exchange) => ({ exchange, lastSeen: 1 })));
  expect(changed.map((e) => e.id)).toEqual(["a", "c"]);
  expect(running).toMatchObject({ outcome: interrupted, captureGap: "after-start" });
  // a gap at the start is the larger one: it stays
  expect(startLost).toMatchObject({ outcome: interrupted, captureGap: "start" });
  expect(cutBefore.captureGap).toBe("start");
});

describe("journal", () => {
  test("keys sort in the order of workers, then of events", () => {
    const keys = [journalKey(bootIdOf(1_700_000_000_500), 10), journalKey(bootIdOf(1_700_000_000_500), 9), journalKey(bootIdOf(999), 123456)];
    expect([...keys].sort()).toEqual([keys[2], keys[1], keys[0]]);
    expect(keys.every((k) => k.startsWith(JOURNAL_PREFIX))).toBe(true);
  });

  test("reads events oldest first, skips what is not one, leaves other keys alone", () => {
    const boot = bootIdOf(5);
    const event = (n: number) => ({ kind: "beforeRequest", requestId: String(n), url: "http://api.test/", timeStamp: n });
    const all = {
      [journalKey(boot, 1)]: event(1),
      [journalKey(boot, 0)]: event(0),
      [journalKey(boot, 2)]: { kind: 3 },
      [journalKey(boot, 3)]: null,
      "e:1:x": event(9),
      "asm:aux": "{}",
    };
    const { keys, events, invalid } = journalOf(all);
    expect(events.map((e) => e.requestId)).toEqual(["0", "1"]);
    // keys[i] holds events[i]: a replayed slice's keys are removed by index
    expect(keys).toEqual([0, 1].map((n) => journalKey(boot, n)));
    expect(invalid).toEqual([2, 3].map((n) => journalKey(boot, n)));
  });
});
