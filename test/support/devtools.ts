/**
 * Shows CORS Lens's panel inside a real DevTools window. This reaches into DevTools' own
 * modules (e2e-recipe.md): it is DevTools-internal API, kept in this one file so a Chromium
 * update touches one place. Verified on Chromium 156:
 * - `page.openDevTools()` (CDP Target.openDevTools) opens DevTools for exactly that tab, or
 *   returns the window a `devtools: true` launch already opened for it;
 * - DevTools creates its InspectorView seconds after load: `InspectorView.instance()` called
 *   earlier throws ("Unable to create settings"), so poll `maybeGetInspectorViewInstance()`;
 * - extension panels appear in the tabbed pane as `chrome-extension://<id><title>`;
 * - `chrome.devtools.panels.themeName` is fixed when DevTools starts: changing the theme
 *   setting later reaches an open panel only through `panels.setThemeChangeHandler`, and a
 *   DevTools window opened afterwards reports the new theme.
 */
import type { Browser, Frame, Page } from "puppeteer";

export interface DevToolsPanel {
  /** the DevTools window (screenshot it to see the panel as users do) */
  devtools: Page;
  /** the extension panel's frame inside DevTools */
  panel: Frame;
  /** the title of the panel's tab in DevTools' tab strip */
  tabTitle: string;
  /** the tab the panel inspects, as the panel's URL says (panel.html?tabId=N) */
  inspectedTabId: number;
}

export interface ShowOptions {
  /** undock DevTools so its window is the whole viewport (headless tests); default false,
   * so an interactive window stays as the user has it */
  undock?: boolean;
  /** viewport of the DevTools window (with undock: its whole size) */
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}

/** DevTools' theme setting ("systemPreferred" is its default). */
export type DevToolsTheme = "default" | "dark" | "systemPreferred";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The extension id, from its service worker target. */
function extensionIdOf(browser: Browser): string {
  const worker = browser.targets().find((t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"));
  if (!worker) throw new Error("the extension's service worker is not running");
  return new URL(worker.url()).host;
}

/** Waits until the panel frame has kept its size for 300 ms: undocking and resizing DevTools
 * lay it out again, and a click aimed before that lands beside its target. */
async function settled(panel: Frame, deadline: number): Promise<void> {
  let last = "";
  let since = Date.now();
  for (;;) {
    const size = await panel.evaluate(() => `${innerWidth}x${innerHeight}`);
    if (size !== last) {
      last = size;
      since = Date.now();
    } else if (Date.now() - since >= 300) return;
    if (Date.now() > deadline) throw new Error(`the CORS panel frame never settled (last size ${last})`);
    await sleep(50);
  }
}

/**
 * Opens (or finds) the DevTools window of `page`, waits for the extension's panel to register
 * and shows it. Returns the DevTools page and the panel frame.
 */
export async function showCorsPanel(browser: Browser, page: Page, options: ShowOptions = {}): Promise<DevToolsPanel> {
  const timeoutMs = options.timeoutMs ?? 60000;
  const deadline = Date.now() + timeoutMs;
  const extensionId = extensionIdOf(browser);
  const devtools = await page.openDevTools();
  if (options.viewport) await devtools.setViewport(options.viewport);
  const prefix = `chrome-extension://${extensionId}`;
  let tabTitle: string | null = null;
  let lastError = "";
  while (tabTitle === null) {
    // The code below runs inside DevTools; it is sent as text because the test's TS loader
    // may wrap functions with helpers that do not exist there.
    const result: unknown = await devtools
      .evaluate(
        `(async (prefix, undock) => {
          const UI = await import("./ui/legacy/legacy.js");
          const view = UI.InspectorView.InspectorView.maybeGetInspectorViewInstance();
          if (!view) return null;
          const id = [...view.tabbedPane.tabIds()].find((i) => i.startsWith(prefix));
          if (!id) return null;
          if (undock) UI.DockController.DockController.instance().setDockSide("undocked");
          await view.showPanel(id);
          return view.tabbedPane.tabsById.get(id)?.title ?? id.slice(prefix.length);
        })(${JSON.stringify(prefix)}, ${options.undock === true})`,
      )
      .catch((error: unknown) => {
        lastError = String(error);
        return null;
      });
    if (typeof result === "string") tabTitle = result;
    else if (Date.now() > deadline) throw new Error(`the CORS panel never registered in DevTools ${lastError}`);
    else await sleep(100);
  }
  if (options.viewport) await devtools.setViewport(options.viewport);
  // the user is looking at DevTools: give its window the focus, so keys reach the panel
  await devtools.bringToFront();
  const framePattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}/panel\\.html\\?tabId=(\\d+)`);
  for (;;) {
    const panel = devtools.frames().find((f) => framePattern.test(f.url()));
    if (panel) {
      await panel.waitForSelector(".panel, .picker", { timeout: Math.max(1000, deadline - Date.now()) });
      await settled(panel, deadline);
      const inspectedTabId = Number(framePattern.exec(panel.url())?.[1]);
      return { devtools, panel, tabTitle, inspectedTabId };
    }
    if (Date.now() > deadline) throw new Error("the CORS panel frame did not load");
    await sleep(50);
  }
}

/** Sets DevTools' theme setting (Settings → Preferences → Theme), as the user would. It is
 * stored in the browser profile, so DevTools windows opened later start with it. */
export async function setDevToolsTheme(devtools: Page, theme: DevToolsTheme): Promise<void> {
  await devtools.evaluate(
    `(async (theme) => {
      const Common = await import("./core/common/common.js");
      Common.Settings.Settings.instance().moduleSetting("ui-theme").set(theme);
    })(${JSON.stringify(theme)})`,
  );
}

/** Whether DevTools' bottom drawer (the console drawer that Escape toggles) is open. */
export async function isDrawerVisible(devtools: Page): Promise<boolean> {
  return (await devtools.evaluate(
    `(async () => {
      const UI = await import("./ui/legacy/legacy.js");
      return UI.InspectorView.InspectorView.instance().drawerVisible();
    })()`,
  )) as boolean;
}

/** Waits until the drawer is open (or closed). */
export async function waitForDrawer(devtools: Page, visible: boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await isDrawerVisible(devtools)) !== visible) {
    if (Date.now() > deadline) throw new Error(`DevTools' drawer did not ${visible ? "open" : "close"}`);
    await sleep(50);
  }
}

/** Closes DevTools' drawer if it is open. */
export async function closeDrawer(devtools: Page): Promise<void> {
  await devtools.evaluate(
    `(async () => {
      const UI = await import("./ui/legacy/legacy.js");
      UI.InspectorView.InspectorView.instance().closeDrawer();
    })()`,
  );
}
