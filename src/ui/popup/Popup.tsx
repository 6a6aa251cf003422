/**
 * The toolbar popup: this page's CORS summary in under two seconds — counts by verdict, the
 * failing origins with a one-line reason each, warnings, Export HAR and Clear, and where the
 * full panel lives.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ExchangeRow, Settings, Transport } from "../../protocol";
import { downloadHar } from "../common/harExport";
import { makeVisible } from "../common/text";
import { titleOf } from "../common/titles";
import { gatherEntries } from "../store/loader";
import { targetOrigin } from "../store/origin";
import { countVerdicts, isCrossOrigin } from "../store/select";
import { useLog } from "../store/useLog";

export interface FailingOrigin {
  origin: string;
  count: number;
  /** the most frequent failure of that origin, as a short title */
  reason: string;
  /** when the origin fails for several reasons: how many exchanges have `reason`… */
  reasonCount?: number;
  /** …and how many other reasons there are */
  otherReasons?: number;
}

/** The one line under a failing origin: "2 × reason", or with several reasons
 * "7 failing: reason (2) and 5 other rules", so the count never claims one reason for all. */
export function failingLine(f: FailingOrigin): string {
  if (f.reasonCount === undefined || !f.otherReasons) return `${f.count} × ${f.reason}`;
  return `${f.count} failing: ${f.reason} (${f.reasonCount}) and ${f.otherReasons} other rule${f.otherReasons > 1 ? "s" : ""}`;
}

/** Origins with blocked (or network-failed) exchanges, worst first, with their commonest reason. */
export function failingOrigins(rows: ExchangeRow[]): FailingOrigin[] {
  const byOrigin = new Map<string, { count: number; reasons: Map<string, number> }>();
  for (const row of rows) {
    if (row.verdict !== "blocked" && row.verdict !== "network-error") continue;
    const origin = targetOrigin(row);
    let item = byOrigin.get(origin);
    if (!item) {
      item = { count: 0, reasons: new Map() };
      byOrigin.set(origin, item);
    }
    item.count += 1;
    const reason = row.failureId ? titleOf(row.failureId) : "network error";
    item.reasons.set(reason, (item.reasons.get(reason) ?? 0) + 1);
  }
  return [...byOrigin.entries()]
    .map(([origin, { count, reasons }]) => {
      const [reason, reasonCount] = [...reasons.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0] ?? ["", 0];
      const item: FailingOrigin = { origin, count, reason };
      if (reasons.size > 1) {
        item.reasonCount = reasonCount;
        item.otherReasons = reasons.size - 1;
      }
      return item;
    })
    .sort((a, b) => b.count - a.count || a.origin.localeCompare(b.origin));
}

export function PopupApp({ transport, tabId }: { transport: Transport; tabId: number | null }) {
  const [resolved, setResolved] = useState<number | null | undefined>(tabId ?? undefined);
  useEffect(() => {
    if (tabId !== null) return;
    transport
      .request({ type: "activeTab" })
      .then((r) => setResolved(r.tabId))
      .catch(() => setResolved(null));
  }, [transport, tabId]);
  if (resolved === undefined) return <main class="popup muted">Loading…</main>;
  if (resolved === null) return <main class="popup">This tab cannot be inspected (no web page).</main>;
  return <Popup transport={transport} tabId={resolved} />;
}

export function Popup({ transport, tabId }: { transport: Transport; tabId: number }) {
  // rows only: the popup counts; its export pulls the full entries when clicked
  const [state, dispatch] = useLog(transport, tabId, "rows");
  const [exportError, setExportError] = useState("");
  const [settings, setSettings] = useState<Settings | null>(null);
  useEffect(() => {
    transport.request({ type: "getSettings" }).then(setSettings, () => undefined);
  }, [transport]);
  const log = state.live;
  const cross = useMemo(() => log.rows.filter(isCrossOrigin), [log.rows]);
  const counts = useMemo(() => countVerdicts(cross), [cross]);
  const failing = useMemo(() => failingOrigins(cross), [cross]);
  const others = log.rows.length - cross.length;

  const exportHar = async () => {
    try {
      const entries = await gatherEntries(transport, log);
      downloadHar({ tabId: log.tabId, pageUrl: log.pageUrl, entries, dropped: log.dropped }, settings?.redactByDefault ?? true);
      setExportError("");
    } catch (err) {
      setExportError(`Cannot export: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  const clear = () => {
    dispatch({ type: "server", message: { type: "cleared", tabId, pageUrl: log.pageUrl } });
    transport.request({ type: "clearLog", tabId }).catch(() => undefined);
  };

  return (
    <main class="popup">
      <header>
        <h1>CORS Lens</h1>
        <div class="page-url muted" title={makeVisible(log.pageUrl ?? "")}>
          {makeVisible(log.pageUrl ?? "")}
        </div>
      </header>
      {state.connection !== "live" && log.rows.length === 0 ? <p class="muted">Connecting…</p> : null}
      {settings?.paused ? <p class="paused">Capture is paused (Options).</p> : null}
      <ul class="verdicts" aria-label="Cross-origin requests by verdict">
        <li class="v-blocked">
          <strong>{counts.blocked}</strong> blocked
        </li>
        <li class="v-allowed">
          <strong>{counts.allowed}</strong> allowed
        </li>
        <li class="v-network-error">
          <strong>{counts.networkError}</strong> network errors
        </li>
        <li class="v-warn">
          <strong>{counts.warnings}</strong> with warnings
        </li>
        {counts.pending > 0 ? (
          <li class="v-pending">
            <strong>{counts.pending}</strong> pending
          </li>
        ) : null}
      </ul>
      {failing.length > 0 ? (
        <section aria-label="Failing origins">
          <h2>Failing origins</h2>
          <ul class="failing">
            {failing.slice(0, 8).map((f) => (
              <li key={f.origin}>
                <span class="origin-name">{makeVisible(f.origin)}</span>
                <span class="reason" title={failingLine(f)}>
                  {failingLine(f)}
                </span>
              </li>
            ))}
            {failing.length > 8 ? <li class="muted">{`and ${failing.length - 8} more origins`}</li> : null}
          </ul>
        </section>
      ) : cross.length > 0 ? (
        <p class="ok">No cross-origin request was blocked.</p>
      ) : (
        <p class="muted">No cross-origin request captured on this page yet.</p>
      )}
      {others > 0 ? <p class="muted small">{`${others} same-origin or other requests not counted.`}</p> : null}
      {log.dropped > 0 ? <p class="muted small">{`${log.dropped} older exchanges dropped (per-tab limit).`}</p> : null}
      <div class="actions">
        <button type="button" onClick={exportHar}>
          Export HAR
        </button>
        <button type="button" onClick={clear}>
          Clear
        </button>
      </div>
      {exportError ? (
        <p class="error" role="alert">
          {exportError}
        </p>
      ) : null}
      <p class="hint">Open DevTools (F12) → CORS tab</p>
    </main>
  );
}
