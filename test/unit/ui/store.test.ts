import { revOf, rowOf } from "../../../src/protocol";
import { initialState, type LogState, reduce } from "../../../src/ui/store/log";
import { applyFilters, countVerdicts, groupByOrigin } from "../../../src/ui/store/select";
import { entry, rowsMessage, tabLog } from "./fixtures";

const a1 = entry({ id: "a1", url: "http://api.test/users", start: 1000 });
const a2 = entry({ id: "a2", url: "http://api.test/orders", start: 2000, failure: { id: "acao-missing" } });
const b1 = entry({ id: "b1", url: "https://cdn.test/font.woff2", start: 3000, type: "font", warnings: [{ id: "warn-missing-vary-origin", text: "no Vary" }] });
const same = entry({ id: "s1", url: "http://page.test/local", start: 4000, trafficClass: "same-origin", verdict: "not-cors" });

function ids(state: LogState): string[] {
  return state.live.rows.map((r) => r.id);
}

function withSnapshot(...entries: ReturnType<typeof entry>[]): LogState {
  return reduce(initialState(7), { type: "server", message: rowsMessage(entries) });
}

describe("log reducer", () => {
  test("snapshot replaces the log, sorted by start time", () => {
    const state = withSnapshot(b1, a1, a2);
    expect(ids(state)).toEqual(["a1", "a2", "b1"]);
    expect(state.live.pageUrl).toBe("http://page.test/app");
  });

  test("snapshot of another tab is ignored", () => {
    const state = reduce(initialState(7), { type: "server", message: rowsMessage([a1], { tabId: 8 }) });
    expect(ids(state)).toEqual([]);
  });

  test("upsert appends new exchanges, replaces known ids in place, inserts late arrivals by start time", () => {
    let state = withSnapshot(a1, b1);
    const a1Blocked = entry({ id: "a1", url: "http://api.test/users", start: 1000, failure: { id: "acao-mismatch" } });
    state = reduce(state, { type: "server", message: { type: "upsert", tabId: 7, entries: [a1Blocked, same, a2] } });
    expect(ids(state)).toEqual(["a1", "a2", "b1", "s1"]);
    expect(state.live.rows[0]?.verdict).toBe("blocked");
    expect(state.live.index.get("s1")).toBe(3);
    expect(state.live.index.get("b1")).toBe(2);
  });

  test("upsert for another tab is ignored", () => {
    const state = reduce(withSnapshot(a1), { type: "server", message: { type: "upsert", tabId: 9, entries: [a2] } });
    expect(ids(state)).toEqual(["a1"]);
  });

  test("cleared empties the log, keeps the new page URL, drops the selection", () => {
    let state = reduce(withSnapshot(a1, a2), { type: "selectExchange", id: "a2" });
    state = reduce(state, { type: "server", message: { type: "cleared", tabId: 7, pageUrl: "http://page.test/next" } });
    expect(ids(state)).toEqual([]);
    expect(state.live.pageUrl).toBe("http://page.test/next");
    expect(state.selectedId).toBeNull();
  });

  test("page changes the page URL and keeps the log and the selection (preserve log); another tab's is ignored", () => {
    let state = reduce(withSnapshot(a1, a2), { type: "selectExchange", id: "a2" });
    state = reduce(state, { type: "server", message: { type: "page", tabId: 9, pageUrl: "http://other.test/" } });
    expect(state.live.pageUrl).not.toBe("http://other.test/");
    state = reduce(state, { type: "server", message: { type: "page", tabId: 7, pageUrl: "http://page.test/next" } });
    expect(ids(state)).toEqual(["a1", "a2"]);
    expect(state.live.pageUrl).toBe("http://page.test/next");
    expect(state.selectedId).toBe("a2");
  });

  test("dropped removes the exchanges the worker dropped, named, and keeps the total", () => {
    let state = withSnapshot(a1, a2, b1);
    state = reduce(state, { type: "server", message: { type: "dropped", tabId: 7, dropped: 2, ids: ["a1", "a2"] } });
    expect(ids(state)).toEqual(["b1"]);
    expect(state.live.dropped).toBe(2);
    state = reduce(state, { type: "server", message: { type: "dropped", tabId: 7, dropped: 2, ids: [] } });
    expect(ids(state)).toEqual(["b1"]);
  });

  test("dropped names the worker's oldest by arrival, which may not be the page's first by start time", () => {
    // a2 began before b1 but reached the worker after it (e.g. it was in flight across a clear)
    let state = withSnapshot(a1, a2, b1);
    state = reduce(state, { type: "server", message: { type: "dropped", tabId: 7, dropped: 1, ids: ["b1"] } });
    expect(ids(state)).toEqual(["a1", "a2"]);
  });

  test("import shows another log without touching the live one; closing returns", () => {
    let state = withSnapshot(a1);
    state = reduce(state, { type: "import", name: "x.har", log: tabLog([a2, b1]) });
    state = reduce(state, { type: "server", message: { type: "upsert", tabId: 7, entries: [same] } });
    expect(state.imported?.log.rows.map((r) => r.id)).toEqual(["a2", "b1"]);
    expect(ids(state)).toEqual(["a1", "s1"]);
    state = reduce(state, { type: "closeImport" });
    expect(state.imported).toBeNull();
  });
});

describe("selectors", () => {
  const all = [a1, a2, b1, same];
  const rows = all.map(rowOf);
  const details = new Map(all.map((e) => [e.exchange.id, { rev: revOf(e), entry: e }]));

  test("same-origin traffic is hidden by default", () => {
    expect(applyFilters(rows, details, initialState(7).filters).rows.map((r) => r.id)).toEqual(["a1", "a2", "b1"]);
  });

  test("blocked only, warnings, type and text search", () => {
    const f = initialState(7).filters;
    expect(applyFilters(rows, details, { ...f, blockedOnly: true }).rows.map((r) => r.id)).toEqual(["a2"]);
    expect(applyFilters(rows, details, { ...f, warningsOnly: true }).rows.map((r) => r.id)).toEqual(["b1"]);
    expect(applyFilters(rows, details, { ...f, type: "font" }).rows.map((r) => r.id)).toEqual(["b1"]);
    expect(applyFilters(rows, details, { ...f, search: "ORDERS" }).rows.map((r) => r.id)).toEqual(["a2"]);
    // header values are searched too
    expect(applyFilters(rows, details, { ...f, hideSameOrigin: false, search: "origin" }).rows.length).toBe(4);
  });

  test("grouping by target origin puts blocked origins first, with counts", () => {
    const groups = groupByOrigin([b1, b1, a1, a2].map((e, i) => ({ ...rowOf(e), id: `${e.exchange.id}${i}` })));
    expect(groups).toEqual([
      { origin: "http://api.test", total: 2, blocked: 1, allowed: 1, warnings: 0, errors: 0 },
      { origin: "https://cdn.test", total: 2, blocked: 0, allowed: 2, warnings: 2, errors: 0 },
    ]);
  });

  test("verdict counts", () => {
    expect(countVerdicts(rows)).toEqual({ allowed: 2, blocked: 1, notCors: 1, networkError: 0, pending: 0, warnings: 1 });
  });
});
