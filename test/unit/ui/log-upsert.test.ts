/**
 * upsertEntries (src/ui/store/log.ts) with messages of many exchanges out of start-time order,
 * as live updates and imports bring them: start-time order, ties after what the log already
 * holds, known ids replaced in place, the id index right, also for 10,000 exchanges. (Its speed
 * is measured by `npm run bench`, panel first render, not asserted here.)
 */
import type { ExchangeRow } from "../../../src/protocol";
import { emptyLog, upsertEntries } from "../../../src/ui/store/log";
import { entry } from "./fixtures";

const at = (id: string, start: number, verdict: "allowed" | "blocked" = "allowed") => entry({ id, url: `http://api.test/${id}`, start, verdict });
const ids = (rows: ExchangeRow[]) => rows.map((r) => r.id);

test("one message: late arrivals by start time, ties after existing ones, replacements in place", () => {
  let log = upsertEntries(emptyLog(1), [at("a", 1), at("b", 5)]);
  log = upsertEntries(log, [at("c", 3), at("d", 5), at("a", 1, "blocked"), at("e", 0), at("c", 3, "blocked")]);
  expect(ids(log.rows)).toEqual(["e", "a", "c", "b", "d"]);
  expect(log.rows.map((r) => r.verdict)).toEqual(["allowed", "blocked", "blocked", "allowed", "allowed"]);
  expect([...log.index.entries()].sort()).toEqual([["a", 1], ["b", 3], ["c", 2], ["d", 4], ["e", 0]]);
});

test("in-order arrivals are appended and the earlier index is left untouched", () => {
  const first = upsertEntries(emptyLog(1), [at("a", 1)]);
  const second = upsertEntries(first, [at("b", 2), at("c", 2)]);
  expect(ids(second.rows)).toEqual(["a", "b", "c"]);
  expect(second.index.get("c")).toBe(2);
  expect(first.index.has("b")).toBe(false);
});

test("10,000 exchanges out of order in 25 messages: sorted and indexed", () => {
  const all = Array.from({ length: 10_000 }, (_, i) => at(`x${i}`, (i * 7919) % 10_000));
  let log = emptyLog(1);
  for (let i = 0; i < all.length; i += 400) log = upsertEntries(log, all.slice(i, i + 400));
  expect(log.rows.map((r) => r.startTime)).toEqual(Array.from({ length: 10_000 }, (_, i) => i));
  expect(log.rows.every((r, i) => log.index.get(r.id) === i)).toBe(true);
});
