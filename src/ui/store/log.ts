/**
 * The panel's state and its reducer: the live log of one tab as the worker streams it, an
 * optional imported log shown instead of it, the filters and the selection. Pure: the hook in
 * useLog.ts feeds it transport messages and the entries the page pulls.
 *
 * A log is held as rows (protocol.ts ExchangeRow: what the list, groups, counts and filters
 * need, every exchange of the tab from the first message) plus the full entries the page has
 * pulled so far (`details`, by id). A detail is current when its rev equals its row's rev;
 * the others are pulled again (see loader.ts).
 */
import type { DiagnosedExchange } from "../../cors/model";
import { decodeRow, decodeRows as decodeRowsText, type ExchangeRow, type PortServerMessage, revOf, rowOf, type TabLog } from "../../protocol";

export interface Filters {
  blockedOnly: boolean;
  warningsOnly: boolean;
  /** free text matched against URL, method and header names/values (case-insensitive) */
  search: string;
  /** a webRequest resource type, or "" for all */
  type: string;
  /** hide everything that is not a cross-origin exchange (same-origin, navigations, …) */
  hideSameOrigin: boolean;
}

export const DEFAULT_FILTERS: Filters = {
  blockedOnly: false,
  warningsOnly: false,
  search: "",
  type: "",
  hideSameOrigin: true,
};

/** A full entry the page holds, with the rev it had when it came. */
export interface Detail {
  rev: string;
  entry: DiagnosedExchange;
}

/** One tab's log as held by the page: rows in start-time order, an id index, the details. */
export interface LogData {
  tabId: number | null;
  pageUrl: string | null;
  rows: ExchangeRow[];
  index: Map<string, number>;
  details: Map<string, Detail>;
  dropped: number;
}

export type Connection = "idle" | "connecting" | "live" | "reconnecting";

export interface LogState {
  live: LogData;
  /** a HAR the user imported; shown instead of the live log while set */
  imported: { name: string; log: LogData } | null;
  connection: Connection;
  filters: Filters;
  /** the target origin selected in the left column; null = all origins */
  selectedOrigin: string | null;
  /** the exchange shown in the detail pane */
  selectedId: string | null;
}

export type LogAction =
  | { type: "server"; message: PortServerMessage }
  /** full entries the page pulled from the worker (getEntries) */
  | { type: "entries"; tabId: number; entries: DiagnosedExchange[] }
  | { type: "connection"; connection: Connection }
  | { type: "filters"; filters: Partial<Filters> }
  | { type: "selectOrigin"; origin: string | null }
  | { type: "selectExchange"; id: string | null }
  | { type: "import"; name: string; log: TabLog }
  | { type: "closeImport" };

export function emptyLog(tabId: number | null): LogData {
  return { tabId, pageUrl: null, rows: [], index: new Map(), details: new Map(), dropped: 0 };
}

export function initialState(tabId: number | null): LogState {
  return {
    live: emptyLog(tabId),
    imported: null,
    connection: "idle",
    filters: DEFAULT_FILTERS,
    selectedOrigin: null,
    selectedId: null,
  };
}

function indexOf(rows: ExchangeRow[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < rows.length; i++) index.set((rows[i] as ExchangeRow).id, i);
  return index;
}

const byStart = (a: ExchangeRow, b: ExchangeRow) => a.startTime - b.startTime;

/** The current full entry of a row, if the page holds it. */
export function detailOf(log: LogData, row: ExchangeRow): DiagnosedExchange | undefined {
  const detail = log.details.get(row.id);
  return detail !== undefined && detail.rev === row.rev ? detail.entry : undefined;
}

/** A log whose full entries are all known (an imported file). */
export function logFrom(log: TabLog): LogData {
  const details = new Map<string, Detail>();
  const rows: ExchangeRow[] = [];
  for (const entry of log.entries) {
    const row = rowOf(entry);
    rows.push(row);
    details.set(row.id, { rev: row.rev, entry });
  }
  rows.sort(byStart);
  return { tabId: log.tabId, pageUrl: log.pageUrl, rows, index: indexOf(rows), details, dropped: log.dropped };
}

/** Rows as the worker sent them (protocol.ts WireRow); what is not one is left out. */
export function decodeRows(wire: unknown[]): ExchangeRow[] {
  const rows: ExchangeRow[] = [];
  for (const w of wire) {
    const row = decodeRow(w);
    if (row) rows.push(row);
  }
  return rows;
}

/** The rows of a (re)subscription: every exchange of the tab. Details whose rev is unchanged
 * are kept, so that a page reconnecting after a worker restart pulls only what changed. */
export function logFromRows(previous: LogData, tabId: number, pageUrl: string | null, rows: ExchangeRow[], dropped: number): LogData {
  // the worker sends its log in order: nearly always sorted already
  let inOrder = true;
  for (let i = 1; i < rows.length && inOrder; i++) inOrder = (rows[i - 1] as ExchangeRow).startTime <= (rows[i] as ExchangeRow).startTime;
  const sorted = inOrder ? rows : rows.slice().sort(byStart);
  const details = new Map<string, Detail>();
  if (previous.details.size > 0) {
    for (const row of sorted) {
      const held = previous.details.get(row.id);
      if (held !== undefined && held.rev === row.rev) details.set(row.id, held);
    }
  }
  return { tabId, pageUrl, rows: sorted, index: indexOf(sorted), details, dropped };
}

/** Applies updated rows: replaces known ids in place, inserts new ones by start time (after
 * those that start at the same time). New exchanges nearly always start after the last one,
 * so the common case is an append; otherwise the message's new rows are merged in one stable
 * sort and the index is rebuilt once. */
export function upsertRows(log: LogData, updates: ExchangeRow[], entries: DiagnosedExchange[] = []): LogData {
  const rows = log.rows.slice();
  let index = log.index;
  const added: ExchangeRow[] = [];
  const addedAt = new Map<string, number>();
  let inOrder = true;
  let lastStart = rows[rows.length - 1]?.startTime ?? Number.NEGATIVE_INFINITY;
  for (const update of updates) {
    const at = index.get(update.id);
    if (at !== undefined) {
      rows[at] = update;
      continue;
    }
    const again = addedAt.get(update.id);
    if (again !== undefined) {
      added[again] = update;
      continue;
    }
    if (update.startTime < lastStart) inOrder = false;
    else lastStart = update.startTime;
    addedAt.set(update.id, added.length);
    added.push(update);
  }
  let details = log.details;
  if (entries.length > 0) {
    details = new Map(details);
    for (const entry of entries) details.set(entry.exchange.id, { rev: revOf(entry), entry });
  }
  if (added.length === 0) return { ...log, rows, index, details };
  if (inOrder) {
    index = new Map(log.index);
    for (const update of added) {
      index.set(update.id, rows.length);
      rows.push(update);
    }
    return { ...log, rows, index, details };
  }
  // Array.prototype.sort is stable: equal start times keep the log's order, new ones after
  const merged = rows.concat(added).sort(byStart);
  return { ...log, rows: merged, index: indexOf(merged), details };
}

/** Applies updated full entries (the panel's live updates, or an imported log's). */
export function upsertEntries(log: LogData, entries: DiagnosedExchange[]): LogData {
  return upsertRows(log, entries.map(rowOf), entries);
}

/** Stores pulled entries of rows the log still has (a pulled entry may be newer than its row
 * for a moment: its live update is on the way and brings the same rev). */
export function addDetails(log: LogData, entries: DiagnosedExchange[]): LogData {
  const details = new Map(log.details);
  for (const entry of entries) {
    const at = log.index.get(entry.exchange.id);
    if (at === undefined) continue;
    const row = log.rows[at] as ExchangeRow;
    // a live update that came first is kept over a pulled copy answered before it
    if (details.get(row.id)?.rev === row.rev) continue;
    details.set(row.id, { rev: revOf(entry), entry });
  }
  return { ...log, details };
}

function applyServer(state: LogState, message: PortServerMessage): LogState {
  const live = state.live;
  switch (message.type) {
    case "rows": {
      const { log } = message;
      if (live.tabId !== null && log.tabId !== live.tabId) return state;
      return keepSelection({ ...state, live: logFromRows(live, log.tabId, log.pageUrl, decodeRowsText(log.rows), log.dropped) });
    }
    case "upsert":
      if (message.tabId !== live.tabId) return state;
      return { ...state, live: upsertEntries(live, message.entries) };
    case "upsertRows":
      if (message.tabId !== live.tabId) return state;
      return { ...state, live: upsertRows(live, decodeRows(message.rows)) };
    case "cleared":
      if (message.tabId !== live.tabId) return state;
      return keepSelection({ ...state, live: { ...emptyLog(live.tabId), pageUrl: message.pageUrl } });
    case "page":
      if (message.tabId !== live.tabId) return state;
      return { ...state, live: { ...live, pageUrl: message.pageUrl } };
    case "dropped":
      if (message.tabId !== live.tabId) return state;
      return dropIds(state, message.dropped, message.ids);
  }
}

/** The worker drops its oldest by arrival; the message names them, so that the page holds
 * what the worker holds (its rows are in start-time order, which differs: an exchange that
 * began before a clear comes back after it). It also carries the total dropped since the last
 * clear. */
function dropIds(state: LogState, total: number, ids: readonly string[]): LogState {
  const live = state.live;
  const gone = new Set(ids.filter((id) => live.index.has(id)));
  if (gone.size === 0) return { ...state, live: { ...live, dropped: total } };
  const rows = live.rows.filter((r) => !gone.has(r.id));
  const details = new Map(live.details);
  for (const id of gone) details.delete(id);
  return keepSelection({ ...state, live: { ...live, rows, index: indexOf(rows), details, dropped: total } });
}

/** Drops a selection whose exchange is gone from the shown log. */
function keepSelection(state: LogState): LogState {
  const shown = state.imported?.log ?? state.live;
  if (state.selectedId !== null && !shown.index.has(state.selectedId)) return { ...state, selectedId: null };
  return state;
}

export function reduce(state: LogState, action: LogAction): LogState {
  switch (action.type) {
    case "server":
      return applyServer(state, action.message);
    case "entries":
      if (action.tabId !== state.live.tabId) return state;
      return { ...state, live: addDetails(state.live, action.entries) };
    case "connection":
      return state.connection === action.connection ? state : { ...state, connection: action.connection };
    case "filters":
      return { ...state, filters: { ...state.filters, ...action.filters } };
    case "selectOrigin":
      return { ...state, selectedOrigin: action.origin };
    case "selectExchange":
      return { ...state, selectedId: action.id };
    case "import":
      return { ...state, imported: { name: action.name, log: logFrom(action.log) }, selectedOrigin: null, selectedId: null };
    case "closeImport":
      return { ...state, imported: null, selectedOrigin: null, selectedId: null };
  }
}

/** The log the panel shows: the imported one while there is one. */
export function shownLog(state: LogState): LogData {
  return state.imported?.log ?? state.live;
}
