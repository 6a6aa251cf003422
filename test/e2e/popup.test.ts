/**
 * The toolbar popup and the action badge in real Chromium, on a tab with mixed traffic (the
 * playground's "Run all"): the badge shows the tab's blocked count in red and is cleared by a
 * navigation; the popup opened by chrome.action.openPopup() summarises the tab in under two
 * seconds (counts, failing origins with a reason, warnings, Export HAR, Clear, where the panel
 * is); popup.html?tabId=N in a normal tab shows the same. Screenshot: docs/screenshots/popup.png.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page, Target } from "puppeteer";
import { startPlayground, type Playground } from "../../demo/playground";
import type { DiagnosedExchange } from "../../src/cors/model";
import { BADGE_DELAY_MS } from "../../src/platform/badge";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { readUntil } from "../support/poll";
import { controlsOf } from "./ui/a11y";
import { downloadsInto, harFilesAfter } from "./ui/downloads";
import { fetchFromPage, runPlayground } from "./ui/traffic";

const OUT = resolve(__dirname, "../../test-output");
const SHOTS = resolve(__dirname, "../../docs/screenshots");

let playground: Playground;
let h: ExtHarness;
let page: Page;
let tabId: number;
let entries: DiagnosedExchange[];
/** popups still open: closed after each test, so a failed test cannot block the next openPopup() */
const openPopups: Page[] = [];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(SHOTS, { recursive: true });
  playground = await startPlayground();
  h = await launchChromiumWithExtension();
  ({ page, tabId, entries } = await runPlayground(h, playground));
}, 120000);

afterEach(async () => {
  for (const p of openPopups.splice(0)) if (!p.isClosed()) await p.close().catch(() => undefined);
});

afterAll(async () => {
  await h?.close();
  await playground?.close();
});

const crossOrigin = (list: DiagnosedExchange[]) => list.filter((e) => !e.exchange.url.startsWith(playground.pageOrigin));
const countOf = (list: DiagnosedExchange[], verdict: string) => crossOrigin(list).filter((e) => e.diagnosis.verdict === verdict).length;

/** The tab's badge once its text is `want` (the badge follows the log within BADGE_DELAY_MS,
 * badge.ts), or as it is after two seconds. */
function badge(id: number, want: string): Promise<{ text: string; color: number[]; textColor: number[] }> {
  return readUntil(() => badgeNow(id), (state) => state.text === want);
}

async function badgeNow(id: number): Promise<{ text: string; color: number[]; textColor: number[] }> {
  const worker = await h.worker();
  return (await worker.evaluate(
    `(async (tabId) => ({
      text: await chrome.action.getBadgeText({ tabId }),
      color: await chrome.action.getBadgeBackgroundColor({ tabId }),
      textColor: await chrome.action.getBadgeTextColor({ tabId }),
    }))(${id})`,
  )) as { text: string; color: number[]; textColor: number[] };
}

/** Opens the real popup (the toolbar button) over `page`; returns it and how long it took to
 * show the tab's counts. */
async function openPopup(over: Page): Promise<{ popup: Page; msToCounts: number }> {
  await over.bringToFront();
  const isPopup = (t: Target) => t.url().startsWith(`chrome-extension://${h.extensionId}/popup.html`);
  const appeared = h.browser.waitForTarget(isPopup, { timeout: 10000 });
  const worker = await h.worker();
  const started = Date.now();
  // openPopup() settles only once the popup is up: wait for the target and the call together
  const [target] = await Promise.all([appeared, worker.evaluate("chrome.action.openPopup()")]);
  const popup = await target.asPage();
  if (!popup) throw new Error("the popup target has no page");
  openPopups.push(popup);
  await popup.waitForSelector('[aria-label="Cross-origin requests by verdict"]', { timeout: 5000 });
  await popup.waitForFunction(() => document.querySelector(".v-blocked strong")?.textContent !== "0", { timeout: 5000 });
  return { popup, msToCounts: Date.now() - started };
}

const verdictCounts = (p: Page) =>
  p.$$eval('[aria-label="Cross-origin requests by verdict"] li', (els) => els.map((e) => (e.textContent ?? "").replace(/\s+/g, " ").trim()));

test("the badge shows the tab's blocked count in red", async () => {
  const blocked = entries.filter((e) => e.diagnosis.verdict === "blocked").length;
  expect(blocked).toBe(7); // the playground's 7 blocked situations
  const b = await badge(tabId, "7");
  expect(b).toEqual({ text: "7", color: [217, 48, 37, 255], textColor: [255, 255, 255, 255] });
});

test("the popup summarises the tab in under two seconds: counts, failing origins, buttons, the way to the panel", async () => {
  const { popup, msToCounts } = await openPopup(page);
  console.log(`popup: chrome.action.openPopup() → counts on screen in ${msToCounts} ms`);
  expect(msToCounts).toBeLessThan(2000);
  const list = await h.waitForExchanges(tabId, () => true);
  expect(await verdictCounts(popup)).toEqual([
    `${countOf(list, "blocked")} blocked`,
    `${countOf(list, "allowed")} allowed`,
    "0 network errors",
    `${crossOrigin(list).filter((e) => e.diagnosis.warnings.length > 0).length} with warnings`,
  ]);
  expect(await verdictCounts(popup)).toEqual(["7 blocked", "5 allowed", "0 network errors", "3 with warnings"]);
  const failing = await popup.$$eval('[aria-label="Failing origins"] li', (els) =>
    els.map((e) => [e.querySelector(".origin-name")?.textContent, e.querySelector(".reason")?.textContent]),
  );
  // all 7 go to the API (the redirect trap counts for the URL the page asked for): twice a
  // missing Access-Control-Allow-Origin, five other rules once each
  expect(failing).toEqual([[playground.apiOrigin, "7 failing: no Access-Control-Allow-Origin (2) and 5 other rules"]]);
  // one line each
  expect(await popup.$eval('[aria-label="Failing origins"] .reason', (el) => el.getBoundingClientRect().height < 20 && el.scrollWidth <= el.clientWidth)).toBe(true);
  expect(await popup.$eval(".page-url", (el) => el.textContent)).toBe(playground.pageUrl);
  const buttons = await popup.$$eval("button", (els) => els.map((e) => e.textContent));
  expect(buttons).toEqual(["Export HAR", "Clear"]);
  expect(await popup.$eval(".hint", (el) => el.textContent)).toContain("CORS tab");
  expect(await controlsOf(popup)).toEqual([
    { role: "button", name: "Export HAR" },
    { role: "button", name: "Clear" },
  ]);
  await popup.screenshot({ path: join(SHOTS, "popup.png") });
  await popup.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await popup.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await popup.screenshot({ path: join(OUT, "popup-dark.png") });
});

test("popup.html?tabId=N in a normal tab shows the same summary", async () => {
  const tab = await h.browser.newPage();
  await tab.setViewport({ width: 400, height: 420 });
  await tab.goto(`chrome-extension://${h.extensionId}/popup.html?tabId=${tabId}`, { waitUntil: "load" });
  await tab.waitForFunction(() => document.querySelector(".v-blocked strong")?.textContent === "7", { timeout: 5000 });
  expect(await verdictCounts(tab)).toEqual(["7 blocked", "5 allowed", "0 network errors", "3 with warnings"]);
  await tab.close();
});

test("Export HAR from the popup downloads the tab's log", async () => {
  const dir = join(OUT, "popup-downloads");
  await downloadsInto(await h.browser.target().createCDPSession(), dir);
  const { popup } = await openPopup(page);
  await popup.click("::-p-text(Export HAR)");
  const files = await harFilesAfter(dir);
  expect(files).toHaveLength(1);
  expect(files[0]).toMatch(/^cors-lens-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har$/);
  const har = JSON.parse(readFileSync(join(dir, files[0] as string), "utf8"));
  expect(har.log._corsLens.tabId).toBe(tabId);
  const urls: string[] = har.log.entries.map((e: { request: { url: string } }) => e.request.url);
  expect(urls).toContain(`${playground.apiOrigin}/missing-acao`);
});

test("Clear in the popup empties the tab's log and its badge", async () => {
  const { popup } = await openPopup(page);
  await popup.click("::-p-text(Clear)");
  await popup.waitForFunction(() => document.querySelector(".v-blocked strong")?.textContent === "0");
  expect(await popup.$eval("main", (el) => el.textContent)).toContain("No cross-origin request captured on this page yet.");
  await h.waitForExchanges(tabId, (list) => list.length === 0);
  expect((await badge(tabId, "")).text).toBe("");
});

test("a navigation clears the badge with the log; nothing is shown when nothing is blocked", async () => {
  await fetchFromPage(page, `${playground.apiOrigin}/missing-acao`);
  await fetchFromPage(page, `${playground.apiOrigin}/server-error`);
  await h.waitForExchanges(tabId, (list) => list.filter((e) => e.diagnosis.verdict === "blocked").length === 2);
  expect((await badge(tabId, "2")).text).toBe("2");
  await page.goto(playground.pageUrl, { waitUntil: "load" });
  await h.waitForExchanges(tabId, (list) => list.every((e) => e.exchange.url.startsWith(playground.pageOrigin)));
  expect((await badge(tabId, "")).text).toBe("");
  // allowed traffic alone leaves the badge empty
  await fetchFromPage(page, `${playground.cdnOrigin}/assets/settings.json`);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url.endsWith("/assets/settings.json") && e.diagnosis.verdict === "allowed"));
  await new Promise((r) => setTimeout(r, 3 * BADGE_DELAY_MS)); // a wrong count would be shown by now
  expect((await badgeNow(tabId)).text).toBe("");
});

test("a tab that loaded before the worker could see it: the popup still names its page", async () => {
  // The worker forgets the tab, as when the extension is installed, updated or reloaded on an
  // open page: its log emptied and the worker stopped. No navigation event tells the next worker
  // what page the tab shows; it asks the tabs API.
  const worker = await h.worker();
  await worker.evaluate("chrome.storage.session.clear()");
  await h.killWorker();
  await fetchFromPage(page, `${playground.apiOrigin}/missing-acao`);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.diagnosis.verdict === "blocked"));
  const { popup } = await openPopup(page);
  expect(await popup.$eval(".page-url", (el) => el.textContent)).toBe(playground.pageUrl);
  expect(await verdictCounts(popup)).toEqual(["1 blocked", "0 allowed", "0 network errors", "0 with warnings"]);
});
