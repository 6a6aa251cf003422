/** The panel's toolbar: filters, search, Clear / Preserve log, export and import, and the
 * state line (connection, counts, dropped entries). DevTools docked at the side is often
 * 400-560 px wide: there the export/import group, and below that the filters, fold into
 * menus so the controls keep to two rows. */
import type { ComponentChildren, RefObject } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { Settings, Transport } from "../../protocol";
import type { LogAction, LogState } from "../store/log";
import { shownLog } from "../store/log";
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

/** Whether a media query matches, following changes (false where matchMedia is missing, e.g. jsdom). */
function useMedia(query: string): boolean {
  const list = typeof matchMedia === "function" ? matchMedia(query) : null;
  const [matches, setMatches] = useState(list?.matches ?? false);
  useEffect(() => {
    if (!list) return;
    const onChange = () => setMatches(list.matches);
    onChange();
    list.addEventListener("change", onChange);
    return () => list.removeEventListener("change", onChange);
  }, [query]);
  return matches;
}

interface FoldProps {
  id: string;
  label: string;
  folded: boolean;
  /** closes the menu after a click on a button inside it (an action, not a setting) */
  closeOnAction?: boolean;
  children: ComponentChildren;
}

/**
 * A group of controls shown inline, or, when `folded`, behind a disclosure button as a
 * drop-down. The children stay mounted either way (their state survives a resize); Escape,
 * a click elsewhere or focus moving out closes the drop-down.
 */
function Fold({ id, label, folded, closeOnAction = false, children }: FoldProps) {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLSpanElement>(null);
  const shown = folded && open;
  useEffect(() => {
    const el = root.current;
    if (!shown || !el) return;
    const outside = (target: EventTarget | null) => target instanceof Node && !el.contains(target);
    const onPointer = (e: Event) => {
      if (outside(e.target)) setOpen(false);
    };
    // keyboard users leaving the menu close it (a file chooser taking focus has no relatedTarget)
    const onFocusOut = (e: FocusEvent) => {
      if (outside(e.relatedTarget)) setOpen(false);
    };
    const onClick = (e: Event) => {
      if (closeOnAction && e.target instanceof Element && e.target.closest(".fold-body button")) setOpen(false);
    };
    // handled on the group, before the panel's Escape on <html> (which would also close the
    // detail) and before DevTools sees it (which would toggle its console drawer)
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      e.preventDefault();
      e.stopPropagation();
      setOpen(false);
      el.querySelector<HTMLButtonElement>(".fold-toggle")?.focus();
    };
    document.addEventListener("pointerdown", onPointer);
    el.addEventListener("focusout", onFocusOut);
    el.addEventListener("click", onClick);
    el.addEventListener("keydown", onKey);
    return () => {
      document.removeEventListener("pointerdown", onPointer);
      el.removeEventListener("focusout", onFocusOut);
      el.removeEventListener("click", onClick);
      el.removeEventListener("keydown", onKey);
    };
  }, [shown, closeOnAction]);

  return (
    <span ref={root} class={`fold${folded ? " folded" : ""}${shown ? " open" : ""}`}>
      {folded ? (
        <button type="button" class="fold-toggle" aria-expanded={shown} aria-controls={id} onClick={() => setOpen(!open)}>
          {label}
          <span aria-hidden="true"> ▾</span>
        </button>
      ) : null}
      <span id={id} class="fold-body">
        {children}
      </span>
    </span>
  );
}

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
        <label class="check">
          <input
            type="checkbox"
            checked={settings?.preserveLog ?? false}
            disabled={settings === null}
            onChange={(e) => setPreserve((e.currentTarget as HTMLInputElement).checked)}
          />
          Preserve log
        </label>
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
          <label class="check">
            <input type="checkbox" checked={filters.blockedOnly} onChange={(e) => setFilter({ blockedOnly: (e.currentTarget as HTMLInputElement).checked })} />
            Blocked only
          </label>
          <label class="check">
            <input type="checkbox" checked={filters.warningsOnly} onChange={(e) => setFilter({ warningsOnly: (e.currentTarget as HTMLInputElement).checked })} />
            Warnings
          </label>
          <label class="check">
            <input
              type="checkbox"
              checked={filters.hideSameOrigin}
              onChange={(e) => setFilter({ hideSameOrigin: (e.currentTarget as HTMLInputElement).checked })}
            />
            Hide same-origin
          </label>
          <select aria-label="Resource type" value={filters.type} onChange={(e) => setFilter({ type: (e.currentTarget as HTMLSelectElement).value })}>
            <option value="">All types</option>
            {props.types.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </Fold>
        <Fold id="toolbar-transfer" label="Export / Import" folded={foldTransfer} closeOnAction>
          <Transfer transport={transport} state={state} dispatch={dispatch} settings={settings} />
        </Fold>
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
