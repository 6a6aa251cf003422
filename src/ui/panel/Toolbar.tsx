/** The panel's toolbar: filters, search, Clear / Preserve log, export and import, and the
 * state line (connection, counts, dropped entries). DevTools docked at the side is often
 * 400-560 px wide: there JSON export and import, and below that the filters, fold into
 * menus so the controls keep to two rows. */
import type { RefObject } from "preact";
import type { Settings, Transport } from "../../protocol";
import { Check } from "../common/Check";
import type { LogAction, LogState } from "../store/log";
import { shownLog } from "../store/log";
import { Fold, useMedia } from "./Fold";
import { Transfer } from "./Transfer";

export interface ToolbarProps {
  transport: Transport;
  tabId: number;
  state: LogState;
  dispatch(action: LogAction): void;
  settings: Settings | null;
  onSettings(settings: Settings): void;
  types: string[];
  searchRef: RefObject<HTMLInputElement>;
  shownCount: number;
  /** rows the text search matched by URL only: their headers are still loading */
  unsearched: number;
}

const CONNECTION_TEXT = {
  idle: "",
  connecting: "connecting…",
  live: "live",
  reconnecting: "reconnecting…",
} as const;

/** Widths below which a group folds into its menu (the inline layout would need a third row). */
const FOLD_TRANSFER = "(max-width: 719px)";
const FOLD_FILTERS = "(max-width: 519px)";

export function Toolbar(props: ToolbarProps) {
  const { state, dispatch, transport, tabId, settings } = props;
  const filters = state.filters;
  const log = shownLog(state);
  const setFilter = (f: Partial<LogState["filters"]>) => dispatch({ type: "filters", filters: f });

  const clear = () => {
    if (state.imported) {
      dispatch({ type: "closeImport" });
      return;
    }
    // the worker confirms with `cleared` on the port; apply it at once for a snappy UI
    dispatch({ type: "server", message: { type: "cleared", tabId, pageUrl: log.pageUrl } });
    transport.request({ type: "clearLog", tabId }).catch(() => undefined);
  };

  const foldTransfer = useMedia(FOLD_TRANSFER);
  const foldFilters = useMedia(FOLD_FILTERS);
  const activeFilters = [filters.blockedOnly, filters.warningsOnly, filters.hideSameOrigin, filters.type !== ""].filter(Boolean).length;

  const setPreserve = (preserveLog: boolean) => {
    transport
      .request({ type: "setSettings", settings: { preserveLog } })
      .then(props.onSettings)
      .catch(() => undefined);
  };

  return (
    <div class="toolbar" role="toolbar" aria-label="Log controls">
      <div class="toolbar-row">
        <button type="button" onClick={clear} title={state.imported ? "Close the imported file" : "Clear this tab's log"}>
          {state.imported ? "Close import" : "Clear"}
        </button>
        <Check checked={settings?.preserveLog ?? false} disabled={settings === null} onChange={setPreserve}>
          Preserve log
        </Check>
        <span class="sep" />
        <input
          ref={props.searchRef}
          class="search"
          type="search"
          placeholder="Filter URL and headers  ( / )"
          aria-label="Search URL and headers"
          value={filters.search}
          onInput={(e) => setFilter({ search: (e.currentTarget as HTMLInputElement).value })}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.stopPropagation();
              setFilter({ search: "" });
            }
          }}
        />
        <Fold id="toolbar-filters" label={activeFilters > 0 ? `Filters (${activeFilters})` : "Filters"} folded={foldFilters}>
          <Check checked={filters.blockedOnly} onChange={(blockedOnly) => setFilter({ blockedOnly })}>
            Blocked only
          </Check>
          <Check checked={filters.warningsOnly} onChange={(warningsOnly) => setFilter({ warningsOnly })}>
            Warnings
          </Check>
          <Check checked={filters.hideSameOrigin} onChange={(hideSameOrigin) => setFilter({ hideSameOrigin })}>
            Hide same-origin
          </Check>
          <select aria-label="Resource type" value={filters.type} onChange={(e) => setFilter({ type: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">All types</option>
            {props.types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Fold>
        <Transfer transport={transport} state={state} dispatch={dispatch} settings={settings} folded={foldTransfer} />
      </div>
      <div class="toolbar-row state-line" role="status" aria-live="polite">
        {state.imported ? (
          <span class="imported">{`Imported: ${state.imported.name}`}</span>
        ) : (
          <span class={`conn conn-${state.connection}`}>{CONNECTION_TEXT[state.connection]}</span>
        )}
        <span>{`${props.shownCount} of ${log.rows.length} exchanges shown`}</span>
        {props.unsearched > 0 ? (
          <span class="loading" title="The search covers their URLs now, their headers once loaded">
            {`headers of ${props.unsearched} exchanges still loading: searched by URL only`}
          </span>
        ) : null}
        {log.dropped > 0 ? (
          <span class="dropped" title="The per-tab bound was reached; the oldest exchanges were dropped">
            {`${log.dropped} older dropped`}
          </span>
        ) : null}
        {settings?.paused ? <span class="paused">capture paused (Options)</span> : null}
      </div>
    </div>
  );
}
