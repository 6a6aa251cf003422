/** The toolbar popup: summarises the active tab, or ?tabId=N when opened in a tab (tests). */
import { render } from "preact";
import { createRuntimeTransport } from "../platform/transport";
import { applyTheme } from "../ui/common/theme";
import { PopupApp } from "../ui/popup/Popup";
import "../ui/styles/popup.css";

export function main(): void {
  const raw = new URLSearchParams(location.search).get("tabId");
  const n = raw === null ? Number.NaN : Number(raw);
  const tabId = Number.isInteger(n) && n >= 0 ? n : null;
  applyTheme(document.documentElement);
  const root = document.getElementById("app");
  if (root) render(<PopupApp transport={createRuntimeTransport()} tabId={tabId} />, root);
}

main();
