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

/** Applies updated exchanges: replaces known ids in place, inserts new ones by start time.
 * New exchanges nearly always start after the last one, so the common case is an append. */
export function upsertEntries(log: LogData, updates: DiagnosedExchange[]): LogData {
  const entries = log.entries.slice();
  let index = log.index;
  for (const update of updates) {
    const at = index.get(update.exchange.id);
    if (at !== undefined) {
      entries[at] = update;
      continue;
    }
    const last = entries[entries.length - 1];
    if (!last || last.exchange.startTime <= update.exchange.startTime) {
      if (index === log.index) index = new Map(log.index);
      index.set(update.exchange.id, entries.length);
      entries.push(update);
    } else {
      let lo = 0;
      let hi = entries.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((entries[mid]?.exchange.startTime ?? 0) <= update.exchange.startTime) lo = mid + 1;
        else hi = mid;
      }
      entries.splice(lo, 0, update);
      // every later position moved: rebuild (rare, only for out-of-order arrivals)
      index = indexOf(entries);
    }
  }
  return { ...log, entries, index };
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
