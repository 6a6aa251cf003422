/**
 * Rows and pulled entries (protocol.ts rowOf/encodeRow/decodeRow, src/ui/store/log.ts and
 * loader.ts): a row survives the wire, a reconnect keeps the full entries whose rev is unchanged
 * and pulls only the others, the search says what it could not read yet, exports gather all.
 */
import fc from "fast-check";
import { decodeRow, decodeRows, type ExchangeRow, encodeRow, encodeRows, rowOf, rowText } from "../../../src/protocol";
import { gatherEntries, nextSlice } from "../../../src/ui/store/loader";
import { detailOf, initialState, reduce } from "../../../src/ui/store/log";
import { applyFilters } from "../../../src/ui/store/select";
import { entriesFrom, entry, fakeTransport, rowsMessage } from "./fixtures";

const a = entry({ id: "a", url: "http://api.test/a", start: 1, responseHeaders: [{ name: "X-Secret-Marker", value: "found" }] });
const b = entry({ id: "b", url: "http://api.test/b", start: 2, failure: { id: "acao-missing" } });
const bFixed = entry({ id: "b", url: "http://api.test/b", start: 2 });

test("a row survives the wire, redirects and flags included", () => {
  const row = { ...rowOf(b), redirects: ["http://api.test/next"], cachedPreflight: true };
  expect(decodeRow(encodeRow(row))).toEqual(row);
  expect(decodeRow(["x", "r", "not a number", "u", ""])).toBeNull();
});

test("the rev changes with the entry and not otherwise", () => {
  expect(rowOf(b).rev).toBe(rowOf(structuredClone(b)).rev);
  expect(rowOf(b).rev).not.toBe(rowOf(bFixed).rev);
});

test("after a reconnect the page keeps unchanged entries and pulls only the changed one", () => {
  let state = reduce(initialState(7), { type: "server", message: rowsMessage([a, b]) });
  state = reduce(state, { type: "entries", tabId: 7, entries: [a, b] });
  expect(nextSlice(state.live, null, new Map()).map((r) => r.id)).toEqual([]);
  // the worker restarted; meanwhile b was fixed
  state = reduce(state, { type: "server", message: rowsMessage([a, bFixed]) });
  expect(detailOf(state.live, state.live.rows[0] as never)).toBe(a);
  expect(nextSlice(state.live, null, new Map()).map((r) => r.id)).toEqual(["b"]);
});

test("the selected exchange is pulled first; rows asked at their rev are not asked again", () => {
  const state = reduce(initialState(7), { type: "server", message: rowsMessage([a, b]) });
  expect(nextSlice(state.live, "b", new Map()).map((r) => r.id)).toEqual(["b", "a"]);
  expect(nextSlice(state.live, null, new Map([["a", rowOf(a).rev]])).map((r) => r.id)).toEqual(["b"]);
});

test("the header search counts the rows it could match by URL only", () => {
  let state = reduce(initialState(7), { type: "server", message: rowsMessage([a, b]) });
  const search = { ...state.filters, search: "x-secret-marker" };
  expect(applyFilters(state.live.rows, state.live.details, search)).toEqual({ rows: [], unsearched: 2 });
  state = reduce(state, { type: "entries", tabId: 7, entries: [a, b] });
  expect(applyFilters(state.live.rows, state.live.details, search)).toEqual({ rows: [state.live.rows[0]], unsearched: 0 });
});

test("an export gathers the entries the page does not hold, in log order", async () => {
  const transport = fakeTransport({ getEntries: entriesFrom([a, b]) });
  let state = reduce(initialState(7), { type: "server", message: rowsMessage([b, a]) });
  state = reduce(state, { type: "entries", tabId: 7, entries: [b] });
  const all = await gatherEntries(transport, state.live);
  expect(all.map((e) => e.exchange.id)).toEqual(["a", "b"]);
  expect(transport.requests).toEqual([{ type: "getEntries", tabId: 7, ids: ["a"] }]);
});

test("the rows of a log as one string: round trip (URL prefixes shared), redirects, and what is not a row", () => {
  const row = rowOf(entry({ id: "a", url: "http://api.test/x?q=1" }));
  const redirected = { ...row, id: "b", url: "http://api.test/x?q=2", redirects: ["http://b.test/1", "http://c.test/2"], failureId: "f1", warnings: 2, preflight: true };
  const other = { ...row, id: "c", url: "http://other.test/" };
  const text = encodeRows([row, redirected, other, row].map(rowText));
  expect(decodeRows(text)).toEqual([row, redirected, other, row]);
  // "http://api.test/x?q=" (20 characters) from the previous row; the second kind of row
  const lines = text.split("\n");
  expect(lines[0]?.startsWith("=\tGET\t")).toBe(true);
  expect(lines[3]).toBe(`1\t20\t2\t0\tb\t${row.rev}\t0\t1\thttp://b.test/1\thttp://c.test/2`);
  expect(decodeRows(encodeRows([rowText({ ...row, url: "http://a.test/\tx\ny" })]))[0]?.url).toBe("http://a.test/ x y");
  expect(decodeRows("1\t0\tx\t0\tr\trev\tnot a number\t0")).toEqual([]);
  expect(decodeRows("")).toEqual([]);
  expect(decodeRows(["junk", encodeRows([rowText(row)])].join("\n")).map((r) => r.id)).toEqual(["a"]);
});

test("rows refer back to the last URL of the same stem, ids and start times to the previous row", () => {
  const base = rowOf(entry({ id: "r1000", url: "http://api.test/x", start: 1700000000000 }));
  const longQuery = (n: number, copy: number) => `http://api.test/items?spec=${"Q".repeat(n * 10)}&copy=${copy}`;
  // two calls of three endpoints, the second round in the same order
  const rows = [0, 1].flatMap((copy) =>
    [1, 2, 3].map((n, i) => ({ ...base, id: `r${1000 + copy * 3 + i}`, url: longQuery(n, copy), startTime: base.startTime + copy * 3 + i + 0.25 * copy })),
  );
  const text = encodeRows(rows.map(rowText));
  expect(decodeRows(text)).toEqual(rows);
  const second = text.split("\n").slice(1).map((l) => l.split("\t"));
  // the fourth row (copy 1 of the first endpoint) takes its URL from three rows up, all but "1"
  expect(second[3]?.slice(0, 3)).toEqual(["3", String(longQuery(1, 1).length - 1), "1"]);
  expect(second[3]?.slice(3, 5)).toEqual(["4", "3"]);
  // the second round's URLs are one character each on the wire
  expect(second.slice(3).map((f) => f[2])).toEqual(["1", "1", "1"]);
});

test("start times come back exactly, fractions included", () => {
  const base = rowOf(entry({ id: "a", url: "http://api.test/x" }));
  const times = [0.1, 0.3, 1e12 + 0.7, 1e12 + 0.9, 5, 1764114833123.457, 1764114833123.125, -3];
  const rows = times.map((startTime, i) => ({ ...base, id: `a${i}`, startTime }));
  const text = encodeRows(rows.map(rowText));
  expect(decodeRows(text).map((r) => r.startTime)).toEqual(times);
  expect(text).toContain("\t@");
});

test("any rows survive the one-string encoding: strange URLs, methods, statuses and times, repeated kinds and prefixes", () => {
  const text = fc.oneof(fc.string(), fc.constantFrom("=", "@", "@1", "0", "-1", "\t", "\n", "http://a.test/", "http://a.test/x?y=1&z=2"), fc.string({ unit: "grapheme" }), fc.string({ unit: "binary" }));
  const row: fc.Arbitrary<ExchangeRow> = fc.record({
    // as the worker makes them: the assembler's ids from request ids, revs in base 36
    id: fc.oneof(fc.nat().map((n) => `r${n}`), fc.constantFrom("r1", "r2", "r10")),
    rev: fc.oneof(fc.nat().map((n) => n.toString(36)), fc.constant("0")),
    startTime: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(0, -0, 1_700_000_000_000.5, Number.MAX_SAFE_INTEGER)),
    method: fc.oneof(fc.constantFrom("GET", "PUT"), text),
    url: fc.oneof(fc.constantFrom("http://a.test/x", "http://a.test/x?n=1", "http://a.test/y", "https://b.test/"), text),
    redirects: fc.array(fc.oneof(fc.constant("http://a.test/x"), text), { maxLength: 2 }),
    type: fc.constantFrom("xmlhttprequest", "fetch", "image", "other") as fc.Arbitrary<ExchangeRow["type"]>,
    trafficClass: fc.constantFrom("cross-origin", "same-origin", "navigation", "extension", "non-http"),
    verdict: fc.constantFrom("allowed", "blocked", "not-cors", "network-error", "pending"),
    status: fc.oneof(fc.constantFrom("200", "(failed)", "(pending)", ""), text),
    failureId: fc.option(fc.oneof(fc.constantFrom("acao-missing"), text), { nil: null }),
    notCorsId: fc.option(fc.oneof(fc.constantFrom("same-origin"), text), { nil: null }),
    warnings: fc.nat({ max: 20 }),
    preflight: fc.boolean(),
    cachedPreflight: fc.boolean(),
  });
  // what the encoding promises: tabs and newlines become spaces, an empty id is no id (neither
  // occurs in real rows)
  const clean = (s: string) => s.replace(/[\t\n]/g, " ");
  const cleanId = (s: string | null) => (s === null || s === "" ? null : clean(s));
  const cleaned = (r: ExchangeRow): ExchangeRow => ({
    ...r,
    startTime: r.startTime + 0, // -0 reads back as 0
    method: clean(r.method),
    url: clean(r.url),
    redirects: r.redirects.map(clean),
    status: clean(r.status),
    failureId: cleanId(r.failureId),
    notCorsId: cleanId(r.notCorsId),
  });
  fc.assert(
    fc.property(fc.array(row, { maxLength: 12 }), (rows) => {
      expect(decodeRows(encodeRows(rows.map(rowText)))).toEqual(rows.map(cleaned));
    }),
    { numRuns: 500 },
  );
});
