/**
 * The CORS panel inside a real DevTools window, the way users meet it: DevTools opened on a
 * tab with mixed traffic (the playground's "Run all"), the "CORS" tab shown through DevTools'
 * own modules (test/support/devtools.ts). Clicks origin → exchange → the nginx fix tab;
 * `/` search and the keyboard; a new exchange appearing live (latency measured); reconnection
 * after the worker is stopped; Re-test from the inspected page after the server changed its
 * answer; DevTools' dark theme, live and at start-up. Screenshots: docs/screenshots/devtools.png
 * and test-output/devtools-*.png.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Frame, Page } from "puppeteer";
import { startPlayground, type Playground } from "../../demo/playground";
import type { DiagnosedExchange } from "../../src/cors/model";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { closeDrawer, type DevToolsPanel, isDrawerVisible, setDevToolsTheme, showCorsPanel, waitForDrawer } from "../support/devtools";
import { fetchFromPage, runPlayground, startFlipServer, type FlipServer } from "./ui/traffic";

const OUT = resolve(__dirname, "../../test-output");
const SHOTS = resolve(__dirname, "../../docs/screenshots");
const VIEWPORT = { width: 1280, height: 720 };

let playground: Playground;
let flip: FlipServer;
let h: ExtHarness;
let page: Page;
let tabId: number;
let dt: DevToolsPanel;
let panel: Frame;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(SHOTS, { recursive: true });
  [playground, flip] = await Promise.all([startPlayground(), startFlipServer()]);
  // No `devtools: true`: that opens a DevTools window for every tab (three here), each taking
  // seconds of CPU; page.openDevTools() (inside showCorsPanel) opens the one we inspect.
  h = await launchChromiumWithExtension();
  ({ page, tabId } = await runPlayground(h, playground));
  // the flipped API starts blocked: the request Re-test will repeat
  expect((await fetchFromPage(page, flip.url("/api/flip"))).ok).toBe(false);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url.endsWith("/api/flip") && e.diagnosis.verdict === "blocked"));
  dt = await showCorsPanel(h.browser, page, { undock: true, viewport: VIEWPORT });
  panel = dt.panel;
}, 120000);

afterAll(async () => {
  await h?.close();
  await Promise.all([playground?.close(), flip?.close()]);
});

/** Clicks until `until` appears, three tries at most. Seen once, in a CI run of the whole suite
 * (2026-11-26, b5b8988): after the click on an origin the panel did not show that origin's list
 * for 30 s; alone the test passed every time and the cause was not found. A retry is said in
 * the output, so that it is seen if it keeps happening. */
async function clickUntil(f: Frame, selector: string, until: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await f.click(selector);
    try {
      await f.waitForSelector(until, { timeout: attempt < 3 ? 5000 : 20000 });
      return;
    } catch (error) {
      if (attempt >= 3) throw error;
      process.stdout.write(`devtools-panel: ${until} did not appear 5 s after clicking ${selector}; clicking again\n`);
    }
  }
}

const listText = (f: Frame, label: string) => f.$eval(`[role="listbox"][aria-label^="${label}"]`, (el) => el.textContent ?? "");
const rowTexts = (f: Frame, label: string) =>
  f.$$eval(`[role="listbox"][aria-label^="${label}"] [role="option"]`, (els) => els.map((e) => e.textContent ?? ""));
const activeLabel = (f: Frame) =>
  f.evaluate(() => {
    const el = document.activeElement;
    return el ? (el.getAttribute("aria-label") ?? el.tagName) : null;
  });

test('registers as the "CORS" tab and shows the inspected tab\'s exchanges, in DevTools\' light theme', async () => {
  expect(dt.tabTitle).toBe("CORS");
  expect(dt.inspectedTabId).toBe(tabId);
  expect(await panel.evaluate(() => [chrome.devtools.panels.themeName, document.documentElement.dataset.theme])).toEqual(["default", "light"]);
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 4);
  const origins = await panel.$$eval('[aria-label="Target origins"] .origin-name', (els) => els.map((e) => e.textContent));
  // "All origins", then the most blocked origin (the API: 7), then the others
  expect(origins.slice(0, 2)).toEqual(["All origins", playground.apiOrigin]);
  expect(origins.slice(2).sort()).toEqual([playground.cdnOrigin, flip.origin].sort());
  // compact counts with the words for screen readers
  expect(await panel.$eval("#origin-1 .counts", (el) => el.textContent)).toBe("\u27157 blocked\u27134 allowed\u26A03 with warnings");
  const all = await rowTexts(panel, "Exchanges");
  expect(all.some((r) => r.includes("/missing-acao") && r.includes("no Access-Control-Allow-Origin"))).toBe(true);
  expect(await panel.$eval(".conn", (el) => el.textContent)).toBe("live");
});

test("click an origin, an exchange, the nginx fix tab: the snippet is shown", async () => {
  const origins = await rowTexts(panel, "Target origins");
  const apiRow = origins.findIndex((t) => t.startsWith(playground.apiOrigin));
  await clickUntil(panel, `#origin-${apiRow}`, `[role="listbox"][aria-label="Exchanges to ${playground.apiOrigin}"]`);
  const rows = await rowTexts(panel, "Exchanges");
  expect(rows.every((r) => !r.includes("/assets/"))).toBe(true); // the CDN's request is not the API's
  const row = rows.findIndex((r) => r.includes("/search"));
  expect(rows[row]).toContain("header not allowed");
  await panel.click(`#exchange-${row}`);
  await panel.waitForSelector('[aria-label="Exchange detail"]');
  expect(await panel.$eval(".detail-url", (el) => el.textContent)).toBe(`${playground.apiOrigin}/search`);
  expect(await panel.$eval('[aria-label="Browser message"]', (el) => el.textContent)).toContain(
    "Request header field x-api-key is not allowed by Access-Control-Allow-Headers in preflight response.",
  );
  const tabs = await panel.$$eval('[role="tab"]', (els) => els.map((e) => e.textContent));
  const nginx = tabs.indexOf("nginx");
  expect(nginx).toBeGreaterThan(0);
  await panel.click(`#fix-tab-${nginx}`);
  await panel.waitForFunction((i) => document.getElementById(`fix-tab-${i}`)?.getAttribute("aria-selected") === "true", {}, nginx);
  const snippet = await panel.$eval("#fix-panel pre.snippet", (el) => el.textContent ?? "");
  expect(snippet).toContain("add_header Access-Control-Allow-Headers");
  expect(snippet.toLowerCase()).toContain("x-api-key");
  // the snippet is on screen (scrolled into the detail column), not only in the DOM
  await panel.$eval("#fix-panel", (el) => el.scrollIntoView({ block: "center" }));
  expect(await panel.$eval("#fix-panel pre.snippet", (el) => {
    const r = el.getBoundingClientRect();
    return r.height > 20 && r.top < innerHeight && r.bottom > 0;
  })).toBe(true);
  await dt.devtools.screenshot({ path: join(OUT, "devtools-nginx.png") });
});

test("`/` focuses the search, typing filters, arrows and Enter navigate the lists", async () => {
  // Escape closes the open detail (and stays in the panel: no DevTools console drawer)
  expect(await panel.$('[aria-label="Exchange detail"]')).not.toBeNull();
  await panel.focus('[role="listbox"][aria-label^="Exchanges"]');
  expect(await isDrawerVisible(dt.devtools)).toBe(false);
  await dt.devtools.keyboard.press("Escape");
  await panel.waitForSelector('[aria-label="Exchange detail"]', { hidden: true });
  expect(await activeLabel(panel)).toBe(`Exchanges to ${playground.apiOrigin}`);
  expect(await isDrawerVisible(dt.devtools)).toBe(false);
  // with nothing left to close, Escape is DevTools' again: it opens the console drawer
  await dt.devtools.keyboard.press("Escape");
  // (had the first Escape also reached DevTools, this one would have closed the drawer)
  await waitForDrawer(dt.devtools, true);
  await closeDrawer(dt.devtools);
  // back to all origins; `/` from the list focuses the search box
  await panel.click("#origin-0");
  expect(await activeLabel(panel)).toBe("Target origins");
  await dt.devtools.keyboard.press("/");
  expect(await activeLabel(panel)).toBe("Search URL and headers");
  await dt.devtools.keyboard.type("items");
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label^="Exchanges"] [role="option"]').length === 1);
  expect(await listText(panel, "Exchanges")).toContain("/items/1");
  expect(await panel.$eval(".state-line", (el) => el.textContent)).toMatch(/^live1 of \d+ exchanges shown/);
  await dt.devtools.keyboard.press("Escape");
  await panel.waitForFunction(() => (document.querySelector(".search") as HTMLInputElement).value === "");
  expect((await rowTexts(panel, "Exchanges")).length).toBeGreaterThan(10);

  // origin list: ↓ moves the active row, Enter opens that origin and moves focus to its exchanges
  await panel.focus('[role="listbox"][aria-label="Target origins"]');
  await dt.devtools.keyboard.press("ArrowDown");
  expect(await panel.$eval('[aria-label="Target origins"]', (el) => el.getAttribute("aria-activedescendant"))).toBe("origin-1");
  await dt.devtools.keyboard.press("Enter");
  await panel.waitForSelector(`[role="listbox"][aria-label="Exchanges to ${playground.apiOrigin}"]`);
  expect(await activeLabel(panel)).toBe(`Exchanges to ${playground.apiOrigin}`);
  await dt.devtools.keyboard.press("ArrowDown");
  await dt.devtools.keyboard.press("ArrowDown");
  await dt.devtools.keyboard.press("Enter");
  const second = (await rowTexts(panel, "Exchanges"))[1] ?? "";
  await panel.waitForSelector('[aria-label="Exchange detail"]');
  const url = await panel.$eval(".detail-url", (el) => el.textContent ?? "");
  expect(second).toContain(new URL(url).pathname);
  expect(await panel.$eval("#exchange-1", (el) => el.getAttribute("aria-selected"))).toBe("true");
  // the fix tabs: ← → move between servers
  await panel.focus("#fix-tab-0");
  await dt.devtools.keyboard.press("ArrowRight");
  expect(await activeLabel(panel)).toBe("BUTTON");
  expect(await panel.$eval("#fix-tab-1", (el) => [el.getAttribute("aria-selected"), el === document.activeElement])).toEqual(["true", true]);
});

test("a new exchange appears in the open panel within 100 ms of completing", async () => {
  await panel.click("#origin-0");
  const latencies: number[] = [];
  for (let i = 0; i < 5; i++) {
    const marker = `/api/live-${i}`;
    // the panel notes when a row with the marker appears (same wall clock as the page)
    await panel.evaluate((m) => {
      const w = window as unknown as { __seen?: Promise<number> };
      w.__seen = new Promise((resolveSeen) => {
        const list = document.querySelector('[role="listbox"][aria-label^="Exchanges"]') as HTMLElement;
        // the row appears when the request starts (pending); the budget is for its verdict
        const done = () =>
          [...list.querySelectorAll('[role="option"]')].some(
            (r) => (r.textContent ?? "").includes(m) && r.querySelector(".mark")?.getAttribute("aria-label") !== "pending",
          );
        const observer = new MutationObserver(() => {
          if (done()) {
            observer.disconnect();
            resolveSeen(Date.now());
          }
        });
        observer.observe(list, { childList: true, subtree: true, characterData: true });
      });
    }, marker);
    await fetchFromPage(page, flip.url(marker));
    const seenAt = (await panel.evaluate(() => (window as unknown as { __seen: Promise<number> }).__seen)) as number;
    // "completing" is webRequest's own time stamp of the request's end, as the worker recorded it
    const finished = (e: DiagnosedExchange) => e.exchange.url.endsWith(marker) && e.exchange.outcome.state !== "pending";
    const outcome = (await h.waitForExchanges(tabId, (list) => list.some(finished))).find(finished)?.exchange.outcome;
    if (!outcome || outcome.state === "pending") throw new Error(`no finished exchange for ${marker}`);
    latencies.push(Math.round(seenAt - outcome.endTime));
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[2] ?? Number.NaN;
  console.log(`live latency in the DevTools panel (webRequest end → row with its verdict shown), ms: ${latencies.join(", ")}; median ${median}`);
  // generous bound against a loaded CI machine; the 100 ms budget is measured by the bench
  expect(median).toBeLessThan(1000);
});

test("reconnects by itself after the worker was stopped", async () => {
  await h.killWorker();
  await h.worker();
  await fetchFromPage(page, flip.url("/api/after-restart"));
  // first the worker's log (capture across the restart), then the panel (its reconnection)
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url.endsWith("/api/after-restart") && e.diagnosis.verdict !== "pending"));
  await panel
    .waitForFunction(() => (document.querySelector('[role="listbox"][aria-label^="Exchanges"]')?.textContent ?? "").includes("/api/after-restart"), {
      timeout: 10000,
    })
    .catch(async (error: unknown) => {
      throw new Error(`the panel did not show it (connection: "${await panel.$eval(".conn", (el) => el.textContent)}"): ${String(error)}`);
    });
  expect(await panel.$eval(".conn", (el) => el.textContent)).toBe("live");
});

test("Re-test repeats the request from the inspected page after a server change: old and new verdicts side by side", async () => {
  await panel.click("#origin-0");
  await panel.focus('[role="listbox"][aria-label="Target origins"]');
  await dt.devtools.keyboard.press("/");
  await dt.devtools.keyboard.type("api/flip");
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label^="Exchanges"] [role="option"]').length === 1);
  await panel.click("#exchange-0");
  await panel.waitForSelector('[aria-label="Exchange detail"] .badge.v-blocked');
  flip.setAllowed(true); // the server is fixed
  const requestsBefore = flip.seen.length;
  const retest = await panel.waitForSelector("::-p-aria(Re-test)");
  await retest?.click();
  await panel.waitForFunction(() => document.querySelector('[aria-label="Re-test result"] .compare-col:last-child .compare-val')?.textContent === "allowed", {
    timeout: 10000,
  });
  const [before, now] = await panel.$$eval('[aria-label="Re-test result"] .compare-col', (cols) =>
    cols.map((c) => ({ head: c.querySelector(".compare-head")?.textContent, verdict: c.querySelector(".compare-val")?.textContent })),
  );
  expect(before).toEqual({ head: "Before", verdict: "blocked" });
  expect(now).toEqual({ head: "Now", verdict: "allowed" });
  // the request really left the inspected page again (devtools.inspectedWindow.eval)
  expect(flip.seen.slice(requestsBefore)).toContain("GET /api/flip");
  await panel.$eval('[aria-label="Re-test result"]', (el) => el.scrollIntoView({ block: "start" }));
  await dt.devtools.screenshot({ path: join(OUT, "devtools-retest.png") });
  await dt.devtools.keyboard.press("Escape");
});

test("follows DevTools' dark theme: live in the open panel, and themeName is dark in a new DevTools window", async () => {
  // light screenshot for the README: the API's blocked preflight with its detail
  await panel.click("#origin-1");
  const rows = await rowTexts(panel, "Exchanges");
  await panel.click(`#exchange-${rows.findIndex((r) => r.includes("/items/1"))}`);
  await panel.waitForSelector('[aria-label="Exchange detail"]');
  await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur()); // no focus ring in the picture
  await dt.devtools.screenshot({ path: join(SHOTS, "devtools.png") });

  await setDevToolsTheme(dt.devtools, "dark");
  await panel.waitForFunction(() => document.documentElement.dataset.theme === "dark", { timeout: 5000 });
  // the panel's colours really changed (not only the attribute)
  expect(await panel.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(32, 33, 36)");

  await dt.devtools.close();
  dt = await showCorsPanel(h.browser, page, { undock: true, viewport: VIEWPORT });
  panel = dt.panel;
  expect(await panel.evaluate(() => [chrome.devtools.panels.themeName, document.documentElement.dataset.theme])).toEqual(["dark", "dark"]);
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 4);
  await panel.click("#origin-1");
  const again = await rowTexts(panel, "Exchanges");
  await panel.click(`#exchange-${again.findIndex((r) => r.includes("/items/1"))}`);
  await panel.waitForSelector('[aria-label="Exchange detail"]');
  await dt.devtools.screenshot({ path: join(OUT, "devtools-dark.png") });
  await setDevToolsTheme(dt.devtools, "systemPreferred");
});
