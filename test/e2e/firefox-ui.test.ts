/**
 * The extension's pages in real Firefox (firefox-esr over WebDriver BiDi, dist/firefox): after
 * some cross-origin traffic in a page, moz-extension://<uuid>/panel.html?tabId=N and
 * popup.html?tabId=N open, render that tab's exchanges with Firefox's verdicts and messages,
 * the toolbar badge counts the blocked ones, and the panel's "Export HAR" button saves the
 * tab's log as a valid HAR (Firefox is told to save downloads into a temporary folder).
 * Screenshots: test-output/firefox-panel.png and test-output/firefox-popup.png.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import { validateCorsLensHar } from "../../src/export/validate-corslens";
import { type FirefoxHarness, launchFirefoxWithExtension } from "../support/firefox";
import { readUntil } from "../support/poll";
import { specUrl, startTestServers, type TestServers } from "../support/server";
import { harValidator } from "../unit/export/har-schema";

jest.setTimeout(120000);

const OUT = resolve(__dirname, "../../test-output");
const ACAO: [string, string] = ["Access-Control-Allow-Origin", "$origin"];
let servers: TestServers;
let h: FirefoxHarness;
let page: Page;
let tabId: number;
let downloads: string;

declare const browser: typeof chrome;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  servers = await startTestServers();
  downloads = mkdtempSync(join(tmpdir(), "cors-lens-firefox-downloads-"));
  h = await launchFirefoxWithExtension(undefined, { downloadDir: downloads });
  page = await h.newPage(`${servers.pageOrigin}/page?title=firefox-ui`);
  tabId = await h.tabIdOf(page);
  const urls = {
    ok: specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, "ok"),
    missing: specUrl(servers.apiOrigin, { actual: {} }, "no-acao"),
    header: specUrl(servers.apiOrigin, { preflight: { status: 204, headers: [ACAO, ["Access-Control-Allow-Methods", "PUT"]] }, actual: { headers: [ACAO] } }, "needs-header"),
    third: specUrl(servers.thirdOrigin, { actual: { headers: [ACAO] } }, "third"),
  };
  const seen = await page.evaluate(async (u) => {
    const run = (p: Promise<Response>) => p.then(() => "ok", () => "failed");
    return [await run(fetch(u.ok)), await run(fetch(u.missing)), await run(fetch(u.header, { method: "PUT", headers: { "X-Api-Key": "k" } })), await run(fetch(u.third))];
  }, urls);
  expect(seen).toEqual(["ok", "failed", "failed", "ok"]);
  await h.waitForExchanges(tabId, (entries) => entries.filter((e) => e.exchange.url.includes("/r/") && e.exchange.outcome.state !== "pending").length >= 4);
});

afterAll(async () => {
  await h?.close();
  await servers?.close();
  if (downloads) rmSync(downloads, { recursive: true, force: true });
});

const texts = (p: Page, selector: string) => p.$$eval(selector, (els) => els.map((e) => e.textContent ?? ""));

test("panel.html?tabId=N: origins blocked first, the blocked exchange explained with Firefox's message; screenshot", async () => {
  const panel = await h.openExtensionPage(`panel.html?tabId=${tabId}`);
  await panel.setViewport({ width: 1400, height: 820 });
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 2, { timeout: 10000 });
  const origins = await texts(panel, '[aria-label="Target origins"] [role="option"]');
  const api = origins.findIndex((o) => o.includes(servers.apiOrigin));
  expect(origins[api]).toContain("2 blocked");

  await panel.click(`#origin-${api}`);
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label^="Exchanges"] [role="option"]').length >= 3, { timeout: 5000 });
  const rows = await texts(panel, '[aria-label^="Exchanges"] [role="option"]');
  const blocked = rows.findIndex((r) => r.includes("no-acao"));
  expect(rows[blocked]).toContain("no Access-Control-Allow-Origin");
  expect(rows.some((r) => r.includes("needs-header"))).toBe(true);

  await panel.click(`#exchange-${blocked}`);
  await panel.waitForSelector('[aria-label="Exchange detail"]', { timeout: 5000 });
  // Firefox's own wording (the frame of cors-failures.md 2.0), not Chromium's.
  const message = (await texts(panel, '[aria-label="Browser message"]'))[0] ?? "";
  expect(message).toContain("Cross-Origin Request Blocked");
  expect(message).toContain("Access-Control-Allow-Origin\u2019 missing");
  expect((await texts(panel, '[aria-label="Fix"]'))[0]).toContain(`Access-Control-Allow-Origin: ${servers.pageOrigin}`);
  await panel.screenshot({ path: join(OUT, "firefox-panel.png") });
  // the copy buttons work in Firefox's extension pages too
  for (const [button, label] of [["Copy diagnosis", "Diagnosis"], ["Copy as curl", "curl command"]]) {
    await panel.click(`::-p-text(${button})`);
    const status = await readUntil(
      () => panel.$eval('[aria-label="Exchange detail"] [role="status"]', (el) => el.textContent ?? ""),
      (t) => t === `${label} copied` || t.startsWith("Could not"),
      3000,
    );
    expect(status).toBe(`${label} copied`);
  }
  await panel.close();
});

test("popup.html?tabId=N: counts by verdict and the failing origin; screenshot", async () => {
  const popup = await h.openExtensionPage(`popup.html?tabId=${tabId}`);
  await popup.setViewport({ width: 420, height: 480 });
  await popup.waitForFunction(() => (document.querySelector('[aria-label="Failing origins"]')?.textContent ?? "") !== "", { timeout: 10000 });
  const verdicts = (await texts(popup, '[aria-label="Cross-origin requests by verdict"] li')).map((t) => t.replace(/\s+/g, " ").trim());
  expect(verdicts).toEqual(expect.arrayContaining(["2 blocked", "2 allowed"]));
  expect((await texts(popup, '[aria-label="Failing origins"]'))[0]).toContain(servers.apiOrigin);
  await popup.screenshot({ path: join(OUT, "firefox-popup.png") });
  await popup.close();
});

test("the toolbar badge counts the tab's blocked requests", async () => {
  // the badge follows the log within BADGE_DELAY_MS (badge.ts)
  const badge = await readUntil(
    () => h.extensionPage.evaluate((id) => browser.action.getBadgeText({ tabId: id }), tabId),
    (text) => text === "2",
  );
  expect(badge).toBe("2");
});

/** The first finished file in `dir` ending in `suffix` (Firefox writes `<name>.part` first). */
function isWholeJson(path: string): boolean {
  try {
    JSON.parse(readFileSync(path, "utf8"));
    return true;
  } catch {
    return false;
  }
}

async function waitForDownload(dir: string, suffix: string, timeoutMs = 15000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const files = existsSync(dir) ? readdirSync(dir) : [];
    const done = files.find((f) => f.endsWith(suffix));
    // Firefox creates the file empty, writes a .part beside it and moves it over at the end:
    // done when no .part is left and the file holds a whole JSON document
    if (done !== undefined && !files.some((f) => f.endsWith(".part")) && isWholeJson(join(dir, done))) return join(dir, done);
    if (Date.now() > deadline) throw new Error(`no *${suffix} in ${dir} after ${timeoutMs} ms (found: ${files.join(", ") || "nothing"})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

type HarFile = {
  log: {
    _corsLens: { browser: string; tabId: number };
    entries: { request: { method: string; url: string }; _corsLens: { exchangeId: string; role: string; verdict?: string } }[];
  };
};

test("the panel's Export HAR button saves the tab's log: valid HAR, one request entry per captured exchange", async () => {
  const panel = await h.openExtensionPage(`panel.html?tabId=${tabId}`);
  await panel.setViewport({ width: 1400, height: 820 });
  await panel.waitForFunction(() => /\d+ of \d+ exchanges shown/.test(document.querySelector(".state-line")?.textContent ?? ""), { timeout: 10000 });
  const { entries } = await h.request({ type: "getLog", tabId });
  const button = await panel.waitForSelector("::-p-text(Export HAR)", { timeout: 5000 });
  await button?.click();
  const file = await waitForDownload(downloads, ".har");
  expect(file).toMatch(/cors-lens-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har$/);
  const har = JSON.parse(readFileSync(file, "utf8")) as HarFile;
  expect(harValidator()(har)).toEqual([]);
  expect(validateCorsLensHar(har)).toEqual([]);
  expect(har.log._corsLens).toMatchObject({ browser: "firefox", tabId });
  // everything captured for the tab, whatever the panel's filters: the same exchanges, the same verdicts
  const exported = har.log.entries
    .filter((e) => e._corsLens.role === "request")
    .map((e) => `${e._corsLens.exchangeId} ${e.request.method} ${e.request.url} ${e._corsLens.verdict}`)
    .sort();
  const captured = entries.map((e) => `${e.exchange.id} ${e.exchange.method} ${e.exchange.url} ${e.diagnosis.verdict}`).sort();
  expect(exported).toEqual(captured);
  expect(captured.filter((c) => c.includes("/r/"))).toHaveLength(4);
  await panel.close();
});

test("Preserve log: a navigation keeps the log, and the badge its count (Firefox clears a tab's badge when it navigates)", async () => {
  await h.request({ type: "setSettings", settings: { preserveLog: true } });
  const before = (await h.request({ type: "getLog", tabId })).entries.length;
  const second = `${servers.pageOrigin}/page?title=firefox-ui-second`;
  await page.goto(second, { waitUntil: "load" });
  const kept = await readUntil(
    () => h.request({ type: "getLog", tabId }),
    (log) => log.pageUrl === second,
  );
  expect(kept.pageUrl).toBe(second);
  expect(kept.entries.length).toBeGreaterThan(before); // the new page's own load joins the log
  expect(kept.entries.filter((e) => e.diagnosis.verdict === "blocked")).toHaveLength(2);
  const badge = await readUntil(
    () => h.extensionPage.evaluate((id) => browser.action.getBadgeText({ tabId: id }), tabId),
    (text) => text === "2",
    3000,
  );
  expect(badge).toBe("2");
  await h.request({ type: "setSettings", settings: { preserveLog: false } });
});
