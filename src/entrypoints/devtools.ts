/**
 * The DevTools page: adds the "CORS" panel. The inspected tab id also travels in the panel's
 * URL, so the panel works the same where its own devtools.inspectedWindow is missing.
 */
export function main(): void {
  const tabId = chrome.devtools.inspectedWindow.tabId;
  chrome.devtools.panels.create("CORS", "icons/icon-32.png", `panel.html?tabId=${tabId}&devtools=1`, () => undefined);
}

main();
