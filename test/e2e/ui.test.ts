/**
 * The standalone panel (panel.html?tabId=N, and panel.html with its tab picker) in real
 * Chromium with the built extension, on a tab with mixed traffic (the playground's "Run all")
 * plus hostile and very long header values: origins blocked first, the detail of a blocked
 * request, filters, hostile values rendered as text only, long values not breaking the layout,
 * accessible names, a narrow (docked DevTools-like) width, light and dark themes
 * (prefers-color-scheme), live updates, Export HAR, reconnection after the worker is stopped.
 * Screenshots: docs/screenshots/panel-light.png, panel-dark.png; test-output/panel-*.png.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import { startPlayground, type Playground } from "../../demo/playground";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { readUntil } from "../support/poll";
import { specUrl, startTestServers, type TestServers } from "../support/server";
import { controlsOf } from "./ui/a11y";
import { downloadsInto, harFiles, harFilesAfter } from "./ui/downloads";
import { fetchFromPage, runPlayground } from "./ui/traffic";

const OUT = resolve(__dirname, "../../test-output");
const SHOTS = resolve(__dirname, "../../docs/screenshots");

let servers: TestServers;
let playground: Playground;
let h: ExtHarness;
let page: Page;
let tabId: number;
let panel: Page;

/** Values a hostile server can send: markup, an invisible character, 5,000 characters. */
const HOSTILE_ACAO = '<img src=x onerror="window.__pwned=1">';
const HOSTILE_HEADER = "<script>window.__pwned=2</script>";
const SOFT_HYPHEN_VALUE = "evil\u00ADvalue";
const LONG_VALUE = `long-${"a".repeat(5000)}`;
let hostileUrl: string;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  mkdirSync(SHOTS, { recursive: true });
  [servers, playground] = await Promise.all([startTestServers(), startPlayground()]);
  h = await launchChromiumWithExtension();
  ({ page, tabId } = await runPlayground(h, playground));
  hostileUrl = specUrl(
    servers.apiOrigin,
    {
      actual: {
        headers: [
          ["Access-Control-Allow-Origin", HOSTILE_ACAO],
          ["X-Evil", HOSTILE_HEADER],
          ["X-Invisible", SOFT_HYPHEN_VALUE],
          ["X-Long", LONG_VALUE],
        ],
      },
    },
    "hostile",
  );
  expect((await fetchFromPage(page, hostileUrl)).ok).toBe(false);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === hostileUrl && e.diagnosis.verdict === "blocked"));
  panel = await h.browser.newPage();
  await panel.setViewport({ width: 1280, height: 720 });
  await panel.goto(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`, { waitUntil: "load" });
}, 120000);

afterAll(async () => {
  await h?.close();
  await Promise.all([servers?.close(), playground?.close()]);
});

const text = (p: Page, selector: string) => p.$eval(selector, (el) => el.textContent ?? "");
const rowTexts = (p: Page, label: string) =>
  p.$$eval(`[role="listbox"][aria-label^="${label}"] [role="option"]`, (els) => els.map((e) => e.textContent ?? ""));

async function openExchange(p: Page, originRow: number, includes: string): Promise<void> {
  await p.click(`#origin-${originRow}`);
  const rows = await rowTexts(p, "Exchanges");
  const i = rows.findIndex((r) => r.includes(includes));
  if (i < 0) throw new Error(`no exchange row with ${includes}: ${rows.join(" | ")}`);
  await p.click(`#exchange-${i}`);
  await p.waitForSelector('[aria-label="Exchange detail"]');
}

test("origins blocked first; the detail of a blocked request; light and dark screenshots", async () => {
  await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 4);
  const origins = await panel.$$eval('[aria-label="Target origins"] [role="option"] .origin-name', (els) => els.map((e) => e.textContent));
  // the playground's API (7 blocked), then the test server's API (1 blocked: the hostile answer)
  expect(origins.slice(0, 3)).toEqual(["All origins", playground.apiOrigin, servers.apiOrigin]);
  expect(await text(panel, "#origin-1")).toContain("7 blocked");

  await openExchange(panel, 1, "/search");
  expect(await text(panel, '[aria-label="Browser message"]')).toContain("has been blocked by CORS policy");
  expect(await text(panel, '[aria-label="Evidence"]')).toContain("x-api-key");
  const fix = await text(panel, '[aria-label="Fix"]');
  expect(fix).toContain("Access-Control-Allow-Headers: x-api-key");
  // blocked at the preflight, which never shows whether the page sends credentials
  expect(fix).toContain("Both must also send, if the page sends credentials");
  expect(fix).toContain("Access-Control-Allow-Credentials: true");
  // a standalone page cannot run code in the inspected page: no Re-test button there
  expect(await panel.$("::-p-aria(Re-test)")).toBeNull();
  // no focus ring in the README pictures
  await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());

  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
  await panel.waitForFunction(() => document.documentElement.dataset.theme === "light");
  await panel.screenshot({ path: join(SHOTS, "panel-light.png") });
  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await panel.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  expect(await panel.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe("rgb(32, 33, 36)");
  await panel.screenshot({ path: join(SHOTS, "panel-dark.png") });
  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
});

test("filters: blocked only, warnings, same-origin, resource type", async () => {
  await panel.click("#origin-0");
  const all = (await rowTexts(panel, "Exchanges")).length;
  await panel.click("::-p-text(Blocked only)");
  const blocked = await rowTexts(panel, "Exchanges");
  expect(blocked.length).toBe(8);
  expect(blocked.every((r) => r.startsWith("\u2715"))).toBe(true);
  await panel.click("::-p-text(Blocked only)");
  await panel.click("::-p-text(Warnings)");
  const warned = await rowTexts(panel, "Exchanges");
  expect(warned.map((r) => /\/(profile|account|config)/.exec(r)?.[1]).sort()).toEqual(["account", "config", "profile"]);
  await panel.click("::-p-text(Warnings)");
  // same-origin requests (the page, its script) are hidden by default
  await panel.click("::-p-text(Hide same-origin)");
  const withSame = await rowTexts(panel, "Exchanges");
  expect(withSame.some((r) => r.includes("/playground.js"))).toBe(true);
  await panel.select('select[aria-label="Resource type"]', "script");
  expect((await rowTexts(panel, "Exchanges")).map((r) => r.includes("/playground.js"))).toEqual([true]);
  await panel.select('select[aria-label="Resource type"]', "");
  await panel.click("::-p-text(Hide same-origin)");
  expect((await rowTexts(panel, "Exchanges")).length).toBe(all);
  expect(await text(panel, ".state-line")).toContain(`${all} of`);
});

test("hostile header values and URLs render as text only; long values do not break the layout", async () => {
  await openExchange(panel, 2, "/r/hostile");
  const detail = '[aria-label="Exchange detail"]';
  // the markup is shown literally, nothing of it became an element or ran
  expect(await text(panel, '[aria-label="Evidence"]')).toContain(HOSTILE_ACAO);
  expect(await text(panel, '[aria-label="Response headers"]')).toContain(HOSTILE_HEADER);
  expect(await panel.$$eval(`${detail} img, ${detail} script`, (els) => els.length)).toBe(0);
  expect(await panel.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
  // the invisible soft hyphen is made visible
  expect(await text(panel, '[aria-label="Response headers"]')).toContain("evil\u27E8U+00AD\u27E9value");
  // the 5,000-character value is cut with a "show all" toggle, and nothing overflows sideways
  const headers = await text(panel, '[aria-label="Response headers"]');
  expect(headers).not.toContain(LONG_VALUE);
  expect(headers).toMatch(/show all \([\d,]+ more characters\)/);
  const overflow = () =>
    panel.evaluate(() => {
      const col = document.querySelector(".detail-col") as HTMLElement;
      return { page: document.documentElement.scrollWidth - innerWidth, detail: col.scrollWidth - col.clientWidth };
    });
  expect(await overflow()).toEqual({ page: 0, detail: 0 });
  await panel.click('[aria-label="Response headers"] .show-all');
  expect(await text(panel, '[aria-label="Response headers"]')).toContain(LONG_VALUE);
  expect(await overflow()).toEqual({ page: 0, detail: 0 });
  await panel.screenshot({ path: join(OUT, "panel-hostile.png") });
});

test("every control of the panel has an accessible name", async () => {
  await openExchange(panel, 1, "/items/1");
  const found = await controlsOf(panel);
  expect(found.length).toBeGreaterThan(20);
  expect(found.filter((c) => c.name === "")).toEqual([]);
  const names = found.map((c) => `${c.role}:${c.name}`);
  for (const expected of ["searchbox:Search URL and headers", "listbox:Target origins", "combobox:Resource type", "button:Export HAR", "tab:nginx"]) {
    expect(names).toContain(expected);
  }
});

test("options page: every control named, light and dark", async () => {
  const options = h.extensionPage;
  // a background tab is not painted: screenshots of it wait forever
  await options.bringToFront();
  await options.setViewport({ width: 760, height: 560 });
  const found = await controlsOf(options);
  expect(found.filter((c) => c.name === "")).toEqual([]);
  expect(found.map((c) => `${c.role}:${c.name}`)).toEqual(
    expect.arrayContaining(["checkbox:Pause capture everywhere", "spinbutton:Exchanges per tab", "textbox:Site to exclude", "button:Add site"]),
  );
  // one setting per line
  const tops = await options.$$eval("fieldset label.check", (els) => els.map((e) => e.getBoundingClientRect().top));
  expect(new Set(tops).size).toBe(tops.length);
  await options.screenshot({ path: join(OUT, "options-light.png") });
  await options.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "dark" }]);
  await options.waitForFunction(() => document.documentElement.dataset.theme === "dark");
  await options.screenshot({ path: join(OUT, "options-dark.png") });
  await options.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
  await panel.bringToFront();
});

test("narrow width (DevTools docked at the side): one column of lists, a toolbar of two rows down to 400 px, nothing overflows", async () => {
  const narrow = await h.browser.newPage();
  await narrow.setViewport({ width: 560, height: 720 });
  await narrow.goto(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`, { waitUntil: "load" });
  await narrow.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 4);
  await openExchange(narrow, 1, "/search");
  expect(await narrow.evaluate(() => document.documentElement.scrollWidth - innerWidth)).toBe(0);
  // the exchange rows keep their reason readable (the clock column gives way)
  expect(await narrow.$eval(".vrow .time", (el) => getComputedStyle(el).display)).toBe("none");
  await narrow.screenshot({ path: join(OUT, "panel-narrow.png") });
  // the toolbar keeps to two rows of controls down to 400 px; folded groups open as menus
  // whose every control lies inside the page
  for (const width of [560, 400]) {
    await narrow.setViewport({ width, height: 720 });
    await narrow.waitForFunction((w) => innerWidth === w, {}, width);
    // the groups fold on the media query's change event, a render later than the resize
    await narrow.waitForFunction((w) => document.querySelectorAll(".fold.folded").length === (w < 520 ? 2 : 1), {}, width);
    const layout = await toolbarLayout(narrow);
    expect({ width, outside: layout.outside }).toEqual({ width, outside: [] });
    expect(layout.rows).toBeLessThanOrEqual(2);
    // the main action stays one click away at every width (other tools click it by its name)
    const exportHar = await narrow.evaluate(() => {
      const b = [...document.querySelectorAll("button")].find((x) => x.textContent?.trim() === "Export HAR");
      const r = b?.getBoundingClientRect();
      return b && r ? { shown: b.getClientRects().length > 0, inside: r.left >= 0 && r.right <= innerWidth } : null;
    });
    expect({ width, exportHar }).toEqual({ width, exportHar: { shown: true, inside: true } });
    for (const toggle of await narrow.$$(".fold-toggle")) {
      await toggle.click();
      const menu = await narrow.evaluate((el) => {
        const body = document.getElementById(el.getAttribute("aria-controls") ?? "") as HTMLElement;
        const controls = [...body.querySelectorAll("button, label, select")];
        return {
          expanded: el.getAttribute("aria-expanded"),
          hidden: controls.filter((c) => c.getClientRects().length === 0).map((c) => c.textContent),
          outside: controls.filter((c) => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; }).map((c) => c.textContent),
        };
      }, toggle);
      expect({ width, ...menu }).toEqual({ width, expanded: "true", hidden: [], outside: [] });
      await narrow.keyboard.press("Escape");
      expect(await narrow.evaluate((el) => el.getAttribute("aria-expanded"), toggle)).toBe("false");
    }
  }
  await narrow.screenshot({ path: join(OUT, "panel-narrow-400.png") });
  await narrow.close();
});

/** Rows of toolbar controls (by their vertical centre) and the controls not wholly inside the page. */
function toolbarLayout(p: Page): Promise<{ rows: number; outside: string[] }> {
  return p.evaluate(() => {
    const row = document.querySelector(".toolbar-row:not(.state-line)") as HTMLElement;
    const controls = [...row.querySelectorAll("button, label, select, input:not(label input)")].filter((c) => c.getClientRects().length > 0);
    const centres: number[] = [];
    for (const c of controls) {
      const r = c.getBoundingClientRect();
      const centre = r.top + r.height / 2;
      if (!centres.some((y) => Math.abs(y - centre) < r.height / 2)) centres.push(centre);
    }
    const outside = controls.filter((c) => { const r = c.getBoundingClientRect(); return r.left < 0 || r.right > innerWidth; });
    return { rows: centres.length, outside: outside.map((c) => c.textContent ?? c.tagName) };
  });
}

test("without ?tabId the page offers a picker of the tabs with captured traffic", async () => {
  const picker = await h.browser.newPage();
  await picker.setViewport({ width: 900, height: 500 });
  await picker.goto(`chrome-extension://${h.extensionId}/panel.html`, { waitUntil: "load" });
  await picker.waitForSelector('[aria-label="Tabs with captured traffic"] button');
  const tabs = await picker.$$eval('[aria-label="Tabs with captured traffic"] button', (els) => els.map((e) => e.textContent ?? ""));
  // only the playground tab: the extension's own pages (this picker, options) are left out
  expect(tabs).toHaveLength(1);
  const mine = 0;
  expect(tabs[mine]).toContain("CORS playground");
  expect(tabs[mine]).toContain(playground.pageUrl);
  expect(tabs[mine]).toContain("8 blocked");
  await picker.screenshot({ path: join(OUT, "panel-picker.png") });
  const buttons = await picker.$$('[aria-label="Tabs with captured traffic"] button');
  await buttons[mine]?.click();
  await picker.waitForSelector(".panel");
  expect(await picker.evaluate(() => location.search)).toBe(`?tabId=${tabId}`);
  await picker.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 4);
  await picker.close();
});

test("a new exchange appears live", async () => {
  await panel.click("#origin-0");
  const url = specUrl(servers.apiOrigin, { actual: { headers: [["Access-Control-Allow-Origin", "$origin"]] } }, "live-one");
  await fetchFromPage(page, url);
  await panel.waitForFunction(
    () => (document.querySelector('[role="listbox"][aria-label^="Exchanges"]')?.textContent ?? "").includes("/r/live-one"),
    { timeout: 5000 },
  );
});

test("the detail's timeline (preflight, redirect) and the target origin's synthesized policy", async () => {
  await openExchange(panel, 1, "/items/1");
  const steps = () => panel.$$eval('[aria-label="Timeline"] li', (els) => els.map((e) => [...e.children].map((c) => (c.textContent ?? "").trim()).filter((t) => t !== "").join(" ")));
  const put = await steps();
  expect(put[0]).toMatch(/^preflight OPTIONS .*\/items\/1 204/);
  expect(put.at(-1)).toContain("failed: net::ERR_FAILED");
  await openExchange(panel, 1, "/moved");
  const moved = await steps();
  expect(moved[0]).toMatch(/^redirect GET .*\/moved 302 .*→ redirect/);
  expect(moved[1]).toMatch(/^request GET .*\/landing 200/);

  await panel.click(`::-p-text(Policy for ${playground.apiOrigin})`);
  await panel.waitForSelector('[aria-label="Policy for origin"] pre');
  const policy = await text(panel, '[aria-label="Policy for origin"]');
  expect(policy).toContain(`Access-Control-Allow-Origin: ${playground.pageOrigin}`);
  expect(policy).toMatch(/Access-Control-Allow-Methods: [^\n]*PUT/);
  expect(policy).toMatch(/Access-Control-Allow-Methods: [^\n]*DELETE/);
  expect(policy).toMatch(/Access-Control-Allow-Headers: [^\n]*x-api-key/i);
  expect(policy).toContain("Access-Control-Allow-Credentials: true");
  expect(policy).toContain("The server's current policy lacks");
  expect(policy).toContain(`Access-Control-Allow-Origin is * but 1 credentialed request from ${playground.pageOrigin} needs the exact origin`);
  expect(policy).toContain("Access-Control-Allow-Headers lacks x-api-key");
  await panel.click("#origin-0"); // the tests after this one look at all origins
});

test("Export HAR downloads the file at once", async () => {
  const dir = join(OUT, "downloads");
  await downloadsInto(await panel.createCDPSession(), dir);
  const button = await panel.waitForSelector("::-p-aria(Export HAR)");
  await button?.click();
  const files = await harFilesAfter(dir);
  expect(files[0]).toMatch(/^cors-lens-127\.0\.0\.1_\d+-\d{8}-\d{6}\.har$/);
  const har = JSON.parse(readFileSync(join(dir, files[0] as string), "utf8"));
  expect(har.log._corsLens.tabId).toBe(tabId);
  expect(har.log.entries.length).toBeGreaterThanOrEqual(14);
});

test("Copy diagnosis and Copy as curl: the selected exchange, secrets redacted; 'include secrets' keeps them for one export; Import HAR shows that file", async () => {
  // a request carrying secrets: an Authorization header and a token in its query
  const secretUrl = `${specUrl(
    servers.apiOrigin,
    { preflight: { status: 204, headers: [["Access-Control-Allow-Origin", "$origin"], ["Access-Control-Allow-Headers", "authorization"]] }, actual: {} },
    "with-secrets",
  )}&access_token=QUERYSECRET42`;
  const result = await page.evaluate((u) => fetch(u, { headers: { Authorization: "Bearer HEADERSECRET42" } }).then(() => "ok", () => "failed"), secretUrl);
  expect(result).toBe("failed");
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === secretUrl && e.diagnosis.verdict === "blocked"));
  await h.browser.defaultBrowserContext().overridePermissions(`chrome-extension://${h.extensionId}`, ["clipboard-read", "clipboard-write", "clipboard-sanitized-write"]);
  await panel.bringToFront();
  await panel.waitForFunction(() => (document.querySelector('[role="listbox"][aria-label^="Exchanges"]')?.textContent ?? "").includes("with-secrets"), { timeout: 5000 });
  await openExchange(panel, 0, "with-secrets");
  const copied = async (label: string) => {
    await panel.click(`::-p-text(${label})`);
    await panel.waitForFunction((l) => document.querySelector('[aria-label="Exchange detail"] [role="status"]')?.textContent === `${l} copied`, { timeout: 5000 }, label === "Copy diagnosis" ? "Diagnosis" : "curl command");
    return panel.evaluate(() => navigator.clipboard.readText());
  };
  const markdown = await copied("Copy diagnosis");
  expect(markdown).toContain("acao-missing");
  expect(markdown).toContain("/r/with-secrets");
  expect(markdown).toContain("access_token=[redacted]");
  expect(markdown).not.toContain("QUERYSECRET42");
  expect(markdown).not.toContain("HEADERSECRET42");
  const curl = await copied("Copy as curl");
  expect(curl).toMatch(/^curl /m);
  expect(curl).toContain("Authorization: [redacted]");
  expect(curl).toContain("/r/with-secrets");
  expect(curl).not.toContain("QUERYSECRET42");
  expect(curl).not.toContain("HEADERSECRET42");

  // Export HAR: redacted by default; with "include secrets" ticked, that one export keeps them
  const dir = join(OUT, "downloads-secrets");
  await downloadsInto(await panel.createCDPSession(), dir);
  const exported = async (): Promise<string> => {
    const known = harFiles(dir).length;
    await (await panel.waitForSelector("::-p-aria(Export HAR)"))?.click();
    const files = await harFilesAfter(dir, known);
    if (files.length <= known) throw new Error("no HAR downloaded");
    return join(dir, files.at(-1) as string);
  };
  const redacted = readFileSync(await exported(), "utf8");
  expect(redacted).toContain("with-secrets");
  expect(redacted).not.toContain("QUERYSECRET42");
  expect(redacted).not.toContain("HEADERSECRET42");
  // the checkbox sits in the "JSON, import" menu when the toolbar is folded; at this width it shows
  await panel.click("::-p-text(include secrets)");
  await new Promise((r) => setTimeout(r, 1100)); // a new file name (to the second)
  const withSecrets = await exported();
  const raw = readFileSync(withSecrets, "utf8");
  expect(raw).toContain("QUERYSECRET42");
  expect(raw).toContain("Bearer HEADERSECRET42");

  // Import HAR: the exported file comes back as a log of its own, with the same verdicts
  const input = await panel.waitForSelector('input[type="file"]');
  await (input as unknown as { uploadFile(path: string): Promise<void> }).uploadFile(withSecrets);
  await panel.waitForSelector(".imported", { timeout: 5000 });
  expect(await text(panel, ".imported")).toBe(`Imported: ${withSecrets.split("/").at(-1)}`);
  await openExchange(panel, 0, "with-secrets");
  expect(await text(panel, '[aria-label="Exchange detail"]')).toContain("acao-missing");
  // back to the live log
  await panel.click("::-p-text(Close import)");
  await panel.waitForFunction(() => document.querySelector(".imported") === null, { timeout: 5000 });
}, 60000);

test("reconnects after the worker is stopped", async () => {
  await h.killWorker();
  await h.worker();
  const url = specUrl(servers.apiOrigin, { actual: { headers: [["Access-Control-Allow-Origin", "$origin"]] } }, "after-restart");
  await fetchFromPage(page, url);
  // first the worker's log (capture across the restart), then the panel (its reconnection)
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === url && e.diagnosis.verdict === "allowed"));
  await panel
    .waitForFunction(() => (document.querySelector('[role="listbox"][aria-label^="Exchanges"]')?.textContent ?? "").includes("after-restart"), {
      timeout: 10000,
    })
    .catch(async (error: unknown) => {
      throw new Error(`the panel did not show it (connection: "${await text(panel, ".conn")}"): ${String(error)}`);
    });
  expect(await text(panel, ".conn")).toBe("live");
});

async function badgeOf(id: number): Promise<string> {
  const worker = await h.worker();
  return (await worker.evaluate(`chrome.action.getBadgeText({ tabId: ${id} })`)) as string;
}

test("Preserve log: a navigation keeps the log and the open pages name the new page; unchecked, the next navigation clears it", async () => {
  const popup = await h.browser.newPage();
  await popup.goto(`chrome-extension://${h.extensionId}/popup.html?tabId=${tabId}`, { waitUntil: "load" });
  const pageUrlShown = (u: string) => popup.waitForFunction((want) => document.querySelector(".page-url")?.textContent === want, { timeout: 5000 }, u);
  await pageUrlShown(page.url());
  await panel.bringToFront();
  await panel.click("::-p-text(Preserve log)");
  const preserving = await h.request({ type: "getSettings" });
  expect(preserving.preserveLog).toBe(true);
  const kept = (await h.request({ type: "getLog", tabId })).entries.length;
  expect(kept).toBeGreaterThan(10);

  const second = `${playground.pageUrl}?second`;
  await page.goto(second, { waitUntil: "load" });
  const afterNavigation = specUrl(servers.apiOrigin, { actual: { headers: [["Access-Control-Allow-Origin", "$origin"]] } }, "after-navigation");
  await fetchFromPage(page, afterNavigation);
  const log = await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === afterNavigation && e.exchange.outcome.state !== "pending"));
  // the earlier page's exchanges stay (the hostile one among them), the new page's join them
  expect(log.some((e) => e.exchange.url === hostileUrl)).toBe(true);
  expect(log.length).toBeGreaterThan(kept);
  expect((await h.request({ type: "getLog", tabId })).pageUrl).toBe(second);
  // the popup, open all along, now names the new page (a live message, no reload)
  await pageUrlShown(second);
  // the badge still counts the kept log's blocked exchanges (the browser clears a tab's badge
  // when it navigates)
  const blocked = log.filter((e) => e.diagnosis.verdict === "blocked").length;
  expect(await readUntil(() => badgeOf(tabId), (t) => t === String(blocked), 3000)).toBe(String(blocked));
  await panel.waitForFunction(
    () => {
      const list = document.querySelector('[role="listbox"][aria-label^="Exchanges"]')?.textContent ?? "";
      return list.includes("after-navigation") && list.includes("hostile");
    },
    { timeout: 5000 },
  );

  await panel.bringToFront();
  await panel.click("::-p-text(Preserve log)");
  expect((await h.request({ type: "getSettings" })).preserveLog).toBe(false);
  await page.goto(playground.pageUrl, { waitUntil: "load" });
  const cleared = await h.waitForExchanges(tabId, (list) => !list.some((e) => e.exchange.url === hostileUrl));
  expect(cleared.every((e) => e.exchange.url.startsWith(playground.pageOrigin))).toBe(true);
  await pageUrlShown(playground.pageUrl);
  await popup.close();
});

test("options take effect in the worker: pause, a site excluded, the per-tab limit (the panel says what was dropped)", async () => {
  const options = await h.browser.newPage();
  await options.goto(`chrome-extension://${h.extensionId}/options.html`, { waitUntil: "load" });
  await options.waitForSelector("::-p-text(Pause capture everywhere)");
  const ACAO_ANY: [string, string] = ["Access-Control-Allow-Origin", "*"];
  const urlOn = (origin: string, name: string) => specUrl(origin, { actual: { headers: [ACAO_ANY] } }, name);
  const settingsNow = () => h.request({ type: "getSettings" });
  const logUrls = async () => (await h.request({ type: "getLog", tabId })).entries.map((e) => e.exchange.url);

  // pause: nothing is captured until it is unticked
  await options.click("::-p-text(Pause capture everywhere)");
  expect((await readUntil(settingsNow, (s) => s.paused, 3000)).paused).toBe(true);
  const whilePaused = urlOn(servers.thirdOrigin, "while-paused");
  expect((await fetchFromPage(page, whilePaused)).ok).toBe(true);
  await options.click("::-p-text(Pause capture everywhere)");
  expect((await readUntil(settingsNow, (s) => !s.paused, 3000)).paused).toBe(false);
  const afterPause = urlOn(servers.thirdOrigin, "after-pause");
  await fetchFromPage(page, afterPause);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === afterPause));
  expect(await logUrls()).not.toContain(whilePaused);

  // a site excluded (typed as a URL, kept as its host): requests to it are not captured, others are
  await options.type('[aria-label="Site to exclude"]', "http://LOCALHOST/some/path");
  await options.click("::-p-text(Add site)");
  expect((await readUntil(settingsNow, (s) => s.disabledSites.length > 0, 3000)).disabledSites).toEqual(["localhost"]);
  expect(await text(options, '[aria-label="Sites where capture is off"]')).toContain("localhost");
  const excluded = urlOn(servers.apiOrigin, "excluded-site");
  const included = urlOn(servers.thirdOrigin, "included-site");
  expect((await fetchFromPage(page, excluded)).ok).toBe(true);
  await fetchFromPage(page, included);
  await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === included));
  expect(await logUrls()).not.toContain(excluded);
  await options.click('[aria-label="Remove localhost"]');
  expect((await readUntil(settingsNow, (s) => s.disabledSites.length === 0, 3000)).disabledSites).toEqual([]);

  // the per-tab limit: 10 exchanges kept, the rest counted as dropped, and the panel says so
  const limit = '::-p-aria(Exchanges per tab)';
  await options.click(limit, { count: 3 });
  await options.type(limit, "10");
  await options.keyboard.press("Tab");
  expect((await readUntil(settingsNow, (s) => s.maxExchangesPerTab === 10, 3000)).maxExchangesPerTab).toBe(10);
  for (let i = 0; i < 12; i++) await fetchFromPage(page, urlOn(servers.thirdOrigin, `over-limit-${i}`));
  const last = urlOn(servers.thirdOrigin, "over-limit-11");
  const kept = await h.waitForExchanges(tabId, (list) => list.some((e) => e.exchange.url === last && e.exchange.outcome.state !== "pending"));
  expect(kept).toHaveLength(10);
  const { dropped } = await h.request({ type: "getLog", tabId });
  expect(dropped).toBeGreaterThanOrEqual(2);
  await panel.bringToFront();
  await panel.waitForFunction((n) => (document.querySelector(".state-line")?.textContent ?? "").includes(`${n} older dropped`), { timeout: 5000 }, dropped);

  await h.request({ type: "setSettings", settings: { maxExchangesPerTab: 2000 } });
  await options.close();
});
