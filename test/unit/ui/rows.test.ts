/**
 * Rows and pulled entries (protocol.ts rowOf/encodeRow/decodeRow, src/ui/store/log.ts and
 * loader.ts): a row survives the wire, a reconnect keeps the full entries whose rev is unchanged
 * and pulls only the others, the search says what it could not read yet, exports gather all.
 */
import { decodeRow, decodeRows, encodeRow, encodeRows, rowOf, rowText } from "../../../src/protocol";
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
  expect(text.split("\n")[1]?.startsWith("20\t2\tb\t")).toBe(true);
  expect(decodeRows(encodeRows([rowText({ ...row, url: "http://a.test/\tx\ny" })]))[0]?.url).toBe("http://a.test/ x y");
  expect(decodeRows("0\tx\tr\tnot a number")).toEqual([]);
  expect(decodeRows("")).toEqual([]);
  expect(decodeRows(["junk", encodeRows([rowText(row)])].join("\n")).map((r) => r.id)).toEqual(["a"]);
});
