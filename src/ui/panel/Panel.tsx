/**
 * The CORS panel: toolbar on top, then three columns — target origins (blocked first), that
 * origin's exchanges (virtualised), and the detail of the selected exchange. Used inside
 * DevTools and standalone (panel.html?tabId=N); the host tells which capabilities exist.
 */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { DiagnosedExchange } from "../../cors/model";
import type { Settings, Transport } from "../../protocol";
import { VirtualList } from "../common/VirtualList";
import { detailCount, useEntryLoader } from "../store/loader";
import { detailOf, shownLog } from "../store/log";
import { applyFilters, groupByOrigin, resourceTypes, rowsOfOrigin } from "../store/select";
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
  const [state, dispatch] = useLog(transport, tabId, "full");
  // the rows came first; the full entries follow in the background (selected one first)
  useEntryLoader(transport, state.live, state.selectedId, dispatch);
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

  // the text search reads the headers of the full entries: only then do new details matter
  const searchDetails = state.filters.search.trim() === "" ? null : log.details;
  const filtered = useMemo(() => applyFilters(log.rows, searchDetails, state.filters), [log.rows, searchDetails, state.filters]);
  const groups = useMemo(() => groupByOrigin(filtered.rows), [filtered]);
  const types = useMemo(() => resourceTypes(log.rows), [log.rows]);
  const visible = useMemo(() => rowsOfOrigin(filtered.rows, state.selectedOrigin), [filtered, state.selectedOrigin]);
  const loaded = useMemo(() => detailCount(log), [log]);

  // origin list: row 0 is "All origins"
  const originIndex = state.selectedOrigin === null ? 0 : groups.findIndex((g) => g.origin === state.selectedOrigin) + 1;
  const [originActive, setOriginActive] = useState(0);
  const selectedIndex = state.selectedId === null ? -1 : visible.findIndex((r) => r.id === state.selectedId);
  const [active, setActive] = useState(-1);
  const activeIndex = Math.min(active, visible.length - 1);

  const selectedRow = state.selectedId === null ? undefined : log.rows[log.index.get(state.selectedId) ?? -1];
  const selected = selectedRow === undefined ? undefined : detailOf(log, selectedRow);
  // the full entries held, for the detail's Re-test result and policy (only while one is shown)
  const held = useMemo(() => {
    if (selected === undefined) return [];
    const out: DiagnosedExchange[] = [];
    for (const row of log.rows) {
      const entry = detailOf(log, row);
      if (entry) out.push(entry);
    }
    return out;
  }, [selected, log]);

  // `/` focuses the search box, Escape clears it (or closes the detail). Listening on <html>,
  // not document: DevTools' script in the panel forwards Escape from a document listener to
  // DevTools (which toggles its console drawer), so an Escape handled here stops before it.
  // The state the listener acts on is read when the key is pressed, not captured: an effect
  // that registered the listener again runs after the paint, and an Escape pressed in between
  // (right after one that closed the detail) went to the old listener, which still saw the
  // detail open, handled it, and kept it from DevTools (the e2e test of the drawer failed 1 run
  // in 3 on a fast machine).
  const keyState = useRef({ search: state.filters.search, hasSelection: state.selectedId !== null });
  keyState.current = { search: state.filters.search, hasSelection: state.selectedId !== null };
  useEffect(() => {
    const root = document.documentElement;
    const onKey = (e: KeyboardEvent) => {
      const { search, hasSelection } = keyState.current;
      const target = e.target as HTMLElement | null;
      const typing = target !== null && (target.tagName === "INPUT" || target.tagName === "TEXTAREA" || target.tagName === "SELECT");
      if (e.key === "/" && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
        e.preventDefault();
        searchRef.current?.focus();
        searchRef.current?.select();
      } else if (e.key === "Escape") {
        let handled = true;
        if (search !== "") dispatch({ type: "filters", filters: { search: "" } });
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
  }, [dispatch]);

  const openOrigin = (index: number) => {
    const origin = index === 0 ? null : (groups[index - 1]?.origin ?? null);
    dispatch({ type: "selectOrigin", origin });
    setActive(-1);
  };

  return (
    // data-details: full entries held / exchanges (the benchmark waits for all before timing the search)
    <div class="panel" data-details={`${loaded}/${log.rows.length}`}>
      <Toolbar
        transport={transport}
        tabId={tabId}
        state={state}
        dispatch={dispatch}
        settings={settings}
        onSettings={setSettings}
        types={types}
        searchRef={searchRef}
        shownCount={filtered.rows.length}
        unsearched={filtered.unsearched}
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
                    <span class="count">{String(filtered.rows.length)}</span>
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
              const row = visible[i];
              if (row) dispatch({ type: "selectExchange", id: row.id });
            }}
            listRef={exchangeListRef}
            emptyText={
              log.rows.length === 0
                ? state.imported
                  ? "The imported file has no exchanges."
                  : "No requests captured yet. Reload the page or trigger the request."
                : "No exchange matches the filters."
            }
            renderRow={(i) => {
              const row = visible[i];
              return row ? <ExchangeRow row={row} /> : null;
            }}
          />
        </section>
        <section class="col detail-col" aria-label="Detail column" ref={detailRef} tabIndex={-1}>
          {selected ? (
            <DetailPane entry={selected} entries={held} complete={loaded === log.rows.length} host={host} settings={settings} live={state.imported === null} />
          ) : selectedRow ? (
            <div class="placeholder" role="status">
              <p class="muted">Loading the exchange…</p>
            </div>
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
