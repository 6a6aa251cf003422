/**
 * The panel's state and its reducer: the live log of one tab as the worker streams it
 * (snapshot, upsert, cleared, dropped), an optional imported log shown instead of it, the
 * filters and the selection. Pure: the hook in useLog.ts feeds it transport messages.
 */
import type { DiagnosedExchange } from "../../cors/model";
import type { PortServerMessage, TabLog } from "../../protocol";

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

/** One tab's log as held by the page: entries in start-time order plus an id index. */
export interface LogData {
  tabId: number | null;
  pageUrl: string | null;
  entries: DiagnosedExchange[];
  index: Map<string, number>;
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
  | { type: "connection"; connection: Connection }
  | { type: "filters"; filters: Partial<Filters> }
  | { type: "selectOrigin"; origin: string | null }
  | { type: "selectExchange"; id: string | null }
  | { type: "import"; name: string; log: TabLog }
  | { type: "closeImport" };

export function emptyLog(tabId: number | null): LogData {
  return { tabId, pageUrl: null, entries: [], index: new Map(), dropped: 0 };
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

function indexOf(entries: DiagnosedExchange[]): Map<string, number> {
  const index = new Map<string, number>();
  for (let i = 0; i < entries.length; i++) index.set((entries[i] as DiagnosedExchange).exchange.id, i);
  return index;
}

export function logFrom(log: TabLog): LogData {
  const entries = [...log.entries].sort((a, b) => a.exchange.startTime - b.exchange.startTime);
  return { tabId: log.tabId, pageUrl: log.pageUrl, entries, index: indexOf(entries), dropped: log.dropped };
}

/** Applies updated exchanges: replaces known ids in place, inserts new ones by start time
 * (after those that start at the same time). New exchanges nearly always start after the last
 * one, so the common case is an append. Otherwise the new ones of the whole message are merged
 * in one stable sort and the index is rebuilt once: a snapshot arrives as a few large messages
 * whose exchanges do not all start in order, and an insertion and index rebuild per exchange
 * took seconds for 10,000 of them (`npm run bench`, panel first render). */
export function upsertEntries(log: LogData, updates: DiagnosedExchange[]): LogData {
  const entries = log.entries.slice();
  let index = log.index;
  const added: DiagnosedExchange[] = [];
  const addedAt = new Map<string, number>();
  let inOrder = true;
  let lastStart = entries[entries.length - 1]?.exchange.startTime ?? Number.NEGATIVE_INFINITY;
  for (const update of updates) {
    const id = update.exchange.id;
    const at = index.get(id);
    if (at !== undefined) {
      entries[at] = update;
      continue;
    }
    const again = addedAt.get(id);
    if (again !== undefined) {
      added[again] = update;
      continue;
    }
    if (update.exchange.startTime < lastStart) inOrder = false;
    else lastStart = update.exchange.startTime;
    addedAt.set(id, added.length);
    added.push(update);
  }
  if (added.length === 0) return { ...log, entries, index };
  if (inOrder) {
    index = new Map(log.index);
    for (const update of added) {
      index.set(update.exchange.id, entries.length);
      entries.push(update);
    }
    return { ...log, entries, index };
  }
  // Array.prototype.sort is stable: equal start times keep the log's order, new ones after
  const merged = entries.concat(added).sort((a, b) => a.exchange.startTime - b.exchange.startTime);
  return { ...log, entries: merged, index: indexOf(merged) };
}

function applyServer(state: LogState, message: PortServerMessage): LogState {
  const live = state.live;
  switch (message.type) {
    case "snapshot":
      if (live.tabId !== null && message.log.tabId !== live.tabId) return state;
      return keepSelection({ ...state, live: logFrom(message.log) });
    case "upsert":
      if (message.tabId !== live.tabId) return state;
      return { ...state, live: upsertEntries(live, message.entries) };
    case "cleared":
      if (message.tabId !== live.tabId) return state;
      return keepSelection({ ...state, live: { ...emptyLog(live.tabId), pageUrl: message.pageUrl } });
    case "dropped":
      if (message.tabId !== live.tabId) return state;
      return dropFromHead(state, message.dropped);
  }
}

/** The worker drops oldest first: mirror it so the page holds what the worker holds. The
 * message carries the total dropped since the last clear. */
function dropFromHead(state: LogState, total: number): LogState {
  const live = state.live;
  const newly = Math.max(0, total - live.dropped);
  if (newly === 0) return { ...state, live: { ...live, dropped: total } };
  const entries = live.entries.slice(Math.min(newly, live.entries.length));
  return keepSelection({ ...state, live: { ...live, entries, index: indexOf(entries), dropped: total } });
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
