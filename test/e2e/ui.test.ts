/**
 * The panel in real Chromium with the built extension: panel.html?tabId=N opened in a tab
 * shows the page's traffic grouped by origin, blocked first; the detail explains a blocked
 * request; a new request appears live; "Export HAR" downloads a file at once; the panel
 * reconnects after the worker is stopped. Screenshots (light and dark) go to test-output/.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { specUrl, startTestServers, type TestServers } from "../support/server";

jest.setTimeout(120000);

const OUT = resolve(__dirname, "../../test-output");
let servers: TestServers;
let h: ExtHarness;
let page: Page;
let tabId: number;
let panel: Page;

const ACAO: [string, string] = ["Access-Control-Allow-Origin", "$origin"];

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  servers = await startTestServers();
  h = await launchChromiumWithExtension();
  page = await h.newPage(`${servers.pageOrigin}/page?title=ui`);
  tabId = await h.tabIdOf(page);
  const urls = {
    ok: specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, "ok"),
    missing: specUrl(servers.apiOrigin, { actual: {} }, "no-acao"),
    header: specUrl(servers.apiOrigin, { preflight: { status: 204, headers: [ACAO, ["Access-Control-Allow-Methods", "PUT"]] }, actual: { headers: [ACAO] } }, "needs-header"),
    third: specUrl(servers.thirdOrigin, { actual: { headers: [ACAO] } }, "third"),
  };
  await page.evaluate(async (u) => {
    const run = (p: Promise<Response>) => p.then(() => "ok", () => "failed");
    await run(fetch(u.ok));
    await run(fetch(u.missing));
    await run(fetch(u.header, { method: "PUT", headers: { "X-Api-Key": "k" } }));
    await run(fetch(u.third));
  }, urls);
  await h.waitForExchanges(tabId, (entries) => entries.filter((e) => e.exchange.outcome.state !== "pending").length >= 4);
  panel = await h.browser.newPage();
  await panel.setViewport({ width: 1400, height: 820 });
  await panel.goto(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`, { waitUntil: "load" });
});

afterAll(async () => {
  await h?.close();
  await servers?.close();
});

const text = (p: Page, selector: string) => p.$eval(selector, (el) => el.textContent ?? "");

test("origins blocked first, exchange detail, screenshots in light and dark", async () => {
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 3);
  const origins = await panel.$$eval('[aria-label="Target origins"] [role="option"] .origin-name', (els) => els.map((e) => e.textContent));
  expect(origins[1]).toBe(servers.apiOrigin);
  expect(await text(panel, "#origin-1")).toContain("2 blocked");

  await panel.click("#origin-1");
  const rows = await panel.$$eval('[aria-label^="Exchanges"] [role="option"]', (els) => els.map((e) => e.textContent ?? ""));
  const blockedIndex = rows.findIndex((r) => r.includes("no-acao"));
  expect(rows[blockedIndex]).toContain("no Access-Control-Allow-Origin");
  await panel.click(`#exchange-${blockedIndex}`);
  await panel.waitForSelector('[aria-label="Exchange detail"]');
  expect(await text(panel, '[aria-label="Browser message"]')).toContain("has been blocked by CORS policy");
  expect(await text(panel, '[aria-label="Fix"]')).toContain(`Access-Control-Allow-Origin: ${servers.pageOrigin}`);

  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
  await panel.screenshot({ path: join(OUT, "panel-light.png") });
  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await panel.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await panel.screenshot({ path: join(OUT, "panel-dark.png") });
  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
});

test("a new exchange appears live", async () => {
  await panel.click("#origin-0");
  const before = await panel.$$eval('[aria-label^="Exchanges"] [role="option"]', (els) => els.length);
  const url = specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, "live-one");
  await page.evaluate((u) => fetch(u).then(() => undefined), url);
  await panel.waitForFunction(
    (n) => document.querySelectorAll('[aria-label^="Exchanges"] [role="option"]').length > n,
    { timeout: 5000 },
    before,
  );
  expect(await text(panel, '[aria-label^="Exchanges"][role="listbox"]')).toContain("live-one");
});

test("Export HAR downloads the file at once", async () => {
  const dir = join(OUT, "downloads");
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const cdp = await panel.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir });
  const button = await panel.waitForSelector("::-p-aria(Export HAR)");
  await button?.click();
  const deadline = Date.now() + 10000;
  let files: string[] = [];
  while (Date.now() < deadline) {
    files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".har")) : [];
    if (files.length > 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(files[0]).toMatch(/^cors-lens-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har$/);
  const har = JSON.parse(readFileSync(join(dir, files[0] as string), "utf8"));
  expect(har.log._corsLens.tabId).toBe(tabId);
  expect(har.log.entries.length).toBeGreaterThanOrEqual(5);
});

test("reconnects after the worker is stopped", async () => {
  await h.killWorker();
  await h.worker();
  const url = specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, "after-restart");
  await page.evaluate((u) => fetch(u).then(() => undefined), url);
  await panel.waitForFunction(
    () => (document.querySelector('[aria-label^="Exchanges"][role="listbox"]')?.textContent ?? "").includes("after-restart"),
    { timeout: 10000 },
  );
  expect(await text(panel, ".conn")).toBe("live");
});
