/**
 * The page theme as a data-theme attribute on <html>: DevTools' theme when inside DevTools
 * ("dark" / "default"), otherwise the system's prefers-color-scheme, followed live.
 */
export function applyTheme(root: HTMLElement, devtoolsTheme?: string): void {
  if (devtoolsTheme !== undefined) {
    root.dataset.theme = devtoolsTheme === "dark" ? "dark" : "light";
    return;
  }
  const query = root.ownerDocument.defaultView?.matchMedia?.("(prefers-color-scheme: dark)");
  const set = () => {
    root.dataset.theme = query?.matches ? "dark" : "light";
  };
  set();
  query?.addEventListener?.("change", set);
}
