/**
 * Shows CORS Lens's panel inside a real DevTools window (browser launched with
 * `devtools: true`). This reaches into DevTools' own modules (e2e-recipe.md): it is
 * DevTools-internal API, kept in this one helper so a Chromium update touches one place.
 */
import type { Browser, Frame, Page, Target } from "puppeteer";

export interface DevToolsPanel {
  /** the DevTools window (screenshot it to see the panel as users do) */
  devtools: Page;
  /** the extension panel's frame inside DevTools */
  panel: Frame;
}

/** Finds the DevTools window of `page`'s tab: the newest devtools:// target once the page exists. */
async function devtoolsTargetFor(browser: Browser): Promise<Target> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const targets = browser.targets().filter((t) => t.url().startsWith("devtools://devtools/bundled/devtools_app.html"));
    const last = targets[targets.length - 1];
    if (last) return last;
    if (Date.now() > deadline) throw new Error("no DevTools window appeared (launch with devtools: true)");
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function showCorsPanel(browser: Browser, _page: Page): Promise<DevToolsPanel> {
  const target = await devtoolsTargetFor(browser);
  const devtools = await target.asPage();
  // The extension's panel registers asynchronously after DevTools loads: poll for its tab.
  const deadline = Date.now() + 20000;
  for (;;) {
    const shown = await devtools.evaluate(async () => {
      type InspectorView = { tabbedPane: { tabIds(): Iterable<string> }; showPanel(id: string): Promise<void> };
      const UI = (await import(/* DevTools-internal */ "./ui/legacy/legacy.js" as string)) as {
        InspectorView: { InspectorView: { instance(): InspectorView } };
      };
      const view = UI.InspectorView.InspectorView.instance();
      const id = [...view.tabbedPane.tabIds()].find((i: string) => i.startsWith("chrome-extension://"));
      if (!id) return false;
      await view.showPanel(id);
      return true;
    });
    if (shown) break;
    if (Date.now() > deadline) throw new Error("the CORS panel never registered in DevTools");
    await new Promise((r) => setTimeout(r, 200));
  }
  const frameDeadline = Date.now() + 15000;
  for (;;) {
    const panel = devtools.frames().find((f) => /^chrome-extension:\/\/[^/]+\/panel\.html/.test(f.url()));
    if (panel) {
      await panel.waitForSelector("#app, body", { timeout: 10000 });
      return { devtools, panel };
    }
    if (Date.now() > frameDeadline) throw new Error("the CORS panel frame did not load");
    await new Promise((r) => setTimeout(r, 100));
  }
}
