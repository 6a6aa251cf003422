/**
 * The CORS panel: toolbar on top, then three columns — target origins (blocked first), that
 * origin's exchanges (virtualised), and the detail of the selected exchange. Used inside
 * DevTools and standalone (panel.html?tabId=N); the host tells which capabilities exist.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { DiagnosedExchange } from "../../cors/model";
import type { Settings, Transport } from "../../protocol";
import { VirtualList } from "../common/VirtualList";
import { shownLog } from "../store/log";
import { applyFilters, entriesOfOrigin, groupByOrigin, resourceTypes } from "../store/select";
import { useLog } from "../store/useLog";
import { DetailPane } from "./DetailPane";
import { ExchangeRow, OriginRow } from "./rows";
import { Toolbar } from "./Toolbar";

/** What the page embedding the panel can do besides talking to the worker. */
export interface PanelHost {
  /** run an expression in the inspected page (DevTools only: enables Re-test) */
  evalInPage?: (expression: string) => Promise<unknown>;
}

export interface PanelProps {
  transport: Transport;
  tabId: number;
  host: PanelHost;
}

export const EXCHANGE_ROW_HEIGHT = 22;
export const ORIGIN_ROW_HEIGHT = 22;

export function Panel({ transport, tabId, host }: PanelProps) {
  const [state, dispatch] = useLog(transport, tabId);
  const [settings, setSettings] = useState<Settings | null>(null);
  const log = shownLog(state);
  const searchRef = useRef<HTMLInputElement | null>(null);
  const exchangeListRef = useRef<HTMLDivElement | null>(null);
  const originListRef = useRef<HTMLDivElement | null>(null);
  const detailRef = useRef<HTMLDivElement | null>(null);

  useEffect(() => {
    let live = true;
    transport
      .request({ type: "getSettings" })
      .then((s) => live && setSettings(s))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [transport]);

  const filtered = useMemo(() => applyFilters(log.entries, state.filters), [log.entries, state.filters]);
  const groups = useMemo(() => groupByOrigin(filtered), [filtered]);
  const types = useMemo(() => resourceTypes(log.entries), [log.entries]);
  const visible = useMemo(() => entriesOfOrigin(filtered, state.selectedOrigin), [filtered, state.selectedOrigin]);

  // origin list: row 0 is "All origins"
  const originIndex = state.selectedOrigin === null ? 0 : groups.findIndex((g) => g.origin === state.selectedOrigin) + 1;
  const [originActive, setOriginActive] = useState(0);
  const selectedIndex = state.selectedId === null ? -1 : visible.findIndex((e) => e.exchange.id === state.selectedId);
  const [active, setActive] = useState(-1);
  const activeIndex = Math.min(active, visible.length - 1);

  const selected: DiagnosedExchange | null = state.selectedId === null ? null : (log.entries[log.index.get(state.selectedId) ?? -1] ?? null);

  // `/` focuses the search box, Escape clears it (or closes the detail). Listening on <html>,
  // not document: DevTools' script in the panel forwards Escape from a document listener to
  // DevTools (which toggles its console drawer), so an Escape handled here stops before it.
  const hasSelection = state.selectedId !== null;
  useEffect(() => {
    const root = document.documentElement;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === "Escape") {
        let handled = true;
        if (state.filters.search !== "") dispatch({ type: "filters", filters: { search: "" } });
        else if (!typing && hasSelection) dispatch({ type: "selectExchange", id: null });
        else handled = false;
        if (handled) {
          e.preventDefault();
          e.stopPropagation();
        }
      }
    };
    root.addEventListener("keydown", onKey);
    return () => root.removeEventListener("keydown", onKey);
  }, [state.filters.search, hasSelection, dispatch]);

  const openOrigin = (index: number) => {
    const origin = index === 0 ? null : (groups[index - 1]?.origin ?? null);
    dispatch({ type: "selectOrigin", origin });
    setActive(-1);
  };

  return (
    <div class="panel">
      <Toolbar
        transport={transport}
        tabId={tabId}
        state={state}
        dispatch={dispatch}
        settings={settings}
        onSettings={setSettings}
        types={types}
        searchRef={searchRef}
        shownCount={filtered.length}
      />
      <div class="columns">
        <nav class="col origins" aria-label="Origins column">
          <VirtualList
            count={groups.length + 1}
            rowHeight={ORIGIN_ROW_HEIGHT}
            label="Target origins"
            idPrefix="origin"
            activeIndex={Math.min(originActive, groups.length)}
            selectedIndex={originIndex}
            onActive={setOriginActive}
            onOpen={(i) => {
              openOrigin(i);
              if (i >= 0) exchangeListRef.current?.focus();
            }}
            listRef={originListRef}
            renderRow={(i) =>
              i === 0 ? (
                <>
                  <span class="origin-name">All origins</span>
                  <span class="counts">
                    <span class="count">{String(filtered.length)}</span>
                  </span>
                </>
              ) : (
                <OriginRow group={groups[i - 1] ?? null} />
              )
            }
          />
        </nav>
        <section class="col exchanges" aria-label="Exchanges column">
          <VirtualList
            count={visible.length}
            rowHeight={EXCHANGE_ROW_HEIGHT}
            label={state.selectedOrigin === null ? "Exchanges" : `Exchanges to ${state.selectedOrigin}`}
            idPrefix="exchange"
            activeIndex={activeIndex}
            selectedIndex={selectedIndex}
            onActive={setActive}
            onOpen={(i) => {
              const entry = visible[i];
              if (entry) dispatch({ type: "selectExchange", id: entry.exchange.id });
            }}
            listRef={exchangeListRef}
            emptyText={
              log.entries.length === 0
                ? state.imported
                  ? "The imported file has no exchanges."
                  : "No requests captured yet. Reload the page or trigger the request."
                : "No exchange matches the filters."
            }
            renderRow={(i) => {
              const entry = visible[i];
              return entry ? <ExchangeRow entry={entry} /> : null;
            }}
          />
        </section>
        <section class="col detail-col" aria-label="Detail column" ref={detailRef} tabIndex={-1}>
          {selected ? (
            <DetailPane entry={selected} entries={log.entries} host={host} settings={settings} live={state.imported === null} />
          ) : (
            <div class="placeholder">
              <p>Select an exchange to see why the browser allowed or blocked it, and how to fix the server.</p>
              <p class="muted">Keys: ↑ ↓ move, Enter opens, / searches, Esc clears.</p>
            </div>
          )}
        </section>
      </div>
    </div>
  );
}
