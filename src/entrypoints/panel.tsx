/**
 * The CORS panel page. Inside DevTools it inspects chrome.devtools.inspectedWindow.tabId and
 * follows DevTools' theme; opened as a normal extension page it reads ?tabId=N (or shows a
 * picker) and follows prefers-color-scheme.
 */
import { render } from "preact";
import { createRuntimeTransport } from "../platform/transport";
import { applyTheme } from "../ui/common/theme";
import type { PanelHost } from "../ui/panel/Panel";
import { PanelApp } from "../ui/panel/PanelApp";
import { withEarlyPort } from "../ui/store/early";
import "../ui/styles/panel.css";

function tabIdFromQuery(): number | null {
  const raw = new URLSearchParams(location.search).get("tabId");
  const n = raw === null ? Number.NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function main(): void {
  const devtools = typeof chrome !== "undefined" ? chrome.devtools : undefined;
  const inspected = devtools?.inspectedWindow;
  const tabId = inspected ? inspected.tabId : tabIdFromQuery();
  // the port first: the worker builds and posts the rows while this page renders
  const runtimeTransport = createRuntimeTransport();
  const transport = tabId === null ? runtimeTransport : withEarlyPort(runtimeTransport, { type: "subscribe", tabId, detail: "full" });
  const host: PanelHost = {};
  if (inspected) {
    // DevTools' API to run code in the inspected page (not JS eval in this page); indexed
    // by name so the layer check for eval() does not mistake the method for the global.
    host.evalInPage = (expression) =>
      new Promise((resolve, reject) => {
        // biome-ignore lint/complexity/useLiteralKeys: see the comment above
        inspected["eval"](expression, (result: unknown, error?: chrome.devtools.inspectedWindow.EvaluationExceptionInfo) => {
          if (error && (error.isException || error.isError)) reject(new Error(error.value ?? error.description ?? "evaluation failed"));
          else resolve(result);
        });
      });
  }
  applyTheme(document.documentElement, devtools?.panels.themeName);
  // themeName is fixed when DevTools starts; a later change of DevTools' theme setting
  // arrives through setThemeChangeHandler (Chromium 99+) or onThemeChanged (Firefox), so an
  // open panel follows it at once.
  const follow = (theme: string) => applyTheme(document.documentElement, theme);
  const panels = devtools?.panels as
    | (typeof chrome.devtools.panels & { onThemeChanged?: { addListener(cb: (theme: string) => void): void } })
    | undefined;
  if (panels?.setThemeChangeHandler) panels.setThemeChangeHandler(follow);
  else panels?.onThemeChanged?.addListener(follow);
  const root = document.getElementById("app");
  if (!root) return;
  render(
    <PanelApp
      transport={transport}
      tabId={tabId}
      host={host}
      onPick={(id) => history.replaceState(null, "", `?tabId=${id}`)}
    />,
    root,
  );
}

main();
