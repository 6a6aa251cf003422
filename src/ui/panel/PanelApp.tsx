/** The panel page: the Panel for a known tab, or a picker of tabs with captured traffic when
 * the page was opened without one (panel.html in a normal tab, no ?tabId). */
import { useEffect, useState } from "preact/hooks";
import type { TabSummary, Transport } from "../../protocol";
import { makeVisible } from "../common/text";
import { Panel, type PanelHost } from "./Panel";

export interface PanelAppProps {
  transport: Transport;
  tabId: number | null;
  host: PanelHost;
  /** called when the user picks a tab (the entry records it in the URL) */
  onPick?(tabId: number): void;
}

export function PanelApp({ transport, tabId, host, onPick }: PanelAppProps) {
  const [picked, setPicked] = useState<number | null>(tabId);
  if (picked !== null) return <Panel key={picked} transport={transport} tabId={picked} host={host} />;
  return (
    <TabPicker
      transport={transport}
      onPick={(id) => {
        setPicked(id);
        onPick?.(id);
      }}
    />
  );
}

/** Tabs worth offering: those with captured requests, other than extension pages (this
 * panel, the options page: their own scripts are captured too, but are never the subject). */
export function pickableTabs(tabs: TabSummary[]): TabSummary[] {
  return tabs.filter((t) => {
    if (/^(chrome|moz)-extension:/.test(t.pageUrl ?? "")) return false;
    const c = t.counts;
    return c.blocked + c.allowed + c.networkError + c.pending + c.notCors > 0;
  });
}

export function TabPicker({ transport, onPick }: { transport: Transport; onPick(tabId: number): void }) {
  const [tabs, setTabs] = useState<TabSummary[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    const load = () =>
      transport
        .request({ type: "listTabs" })
        .then((r) => {
          if (live) {
            setTabs(pickableTabs(r.tabs));
            setError(null);
          }
        })
        .catch((e: unknown) => live && setError(e instanceof Error ? e.message : String(e)));
    load();
    const timer = setInterval(load, 2000);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [transport]);

  return (
    <main class="picker">
      <h1>CORS Lens</h1>
      <p>Choose a tab with captured traffic.</p>
      {error ? <p class="error">{`Cannot reach the extension: ${error}`}</p> : null}
      {tabs === null ? (
        <p class="muted">Loading…</p>
      ) : tabs.length === 0 ? (
        <p class="muted">No tab has captured traffic yet. Browse a page that makes cross-origin requests.</p>
      ) : (
        <ul class="tab-list" aria-label="Tabs with captured traffic">
          {tabs.map((t) => (
            <li key={t.tabId}>
              <button type="button" onClick={() => onPick(t.tabId)}>
                <span class="tab-title">{makeVisible(t.title ?? t.pageUrl ?? `Tab ${t.tabId}`)}</span>
                <span class="tab-url muted">{makeVisible(t.pageUrl ?? "")}</span>
                <span class="counts">
                  {t.counts.blocked > 0 ? <span class="count v-blocked">{`${t.counts.blocked} blocked`}</span> : null}
                  {t.counts.allowed > 0 ? <span class="count v-allowed">{`${t.counts.allowed} allowed`}</span> : null}
                  {t.counts.warnings > 0 ? <span class="count v-warn">{`${t.counts.warnings} with warnings`}</span> : null}
                  {t.counts.networkError > 0 ? <span class="count v-network-error">{`${t.counts.networkError} network errors`}</span> : null}
                  {t.counts.blocked + t.counts.allowed + t.counts.networkError === 0 ? (
                    <span class="count muted">{`${t.counts.notCors + t.counts.pending} not CORS`}</span>
                  ) : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </main>
  );
}
