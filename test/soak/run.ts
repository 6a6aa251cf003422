/**
 * `npm run soak`: the long hardening checks, too slow for `npm test`, in real Chromium.
 *
 * 1. Per-tab bound under 50,000 real requests: one page makes 50,000 cross-origin fetches
 *    (16 at a time) with the default bound (2,000 exchanges). Figures: the worker's heap and
 *    storage.session size along the way (they must stay flat once the bound is reached), the
 *    dropped counter (exactly 50,000 − kept), the kept exchanges (exactly the last ones), and
 *    what the panel and the popup say.
 * 2. Browser restart with a persistent profile: settings (preserve log, bounds, redaction
 *    default) persist in storage.local; the session log is gone (storage.session), by design.
 *
 * Prints every figure, writes them to test-output/soak.json, exits 1 when a check fails.
 * Options: --requests N (default 50000), CORS_LENS_EXTENSION=<dir> for a private build copy.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import puppeteer, { type Browser, type CDPSession, type Page, type Target } from "puppeteer";
import { CHROMIUM_ARGS, findBrowser } from "../../tools/browsers";
import { DIST_CHROME, launchChromiumWithExtension } from "../support/chromium";
import { repoRoot } from "../support/paths";
import { startTestServers } from "../support/server";
import { DEFAULT_SETTINGS, type Settings } from "../../src/protocol";

const argValue = (name: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const REQUESTS = Number(argValue("--requests") ?? 50_000);
const EXTENSION = process.env.CORS_LENS_EXTENSION || DIST_CHROME;
const OUT = join(repoRoot(), "test-output");

const failures: string[] = [];
const figures: Record<string, unknown> = {};
function check(label: string, ok: boolean, detail: unknown): void {
  process.stdout.write(`${ok ? "ok  " : "FAIL"} ${label}: ${typeof detail === "string" ? detail : JSON.stringify(detail)}\n`);
  if (!ok) failures.push(label);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A minimal API origin: every request allowed, nothing logged (50,000 of them). */
async function startApi(): Promise<{ origin: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    res.writeHead(200, { "Access-Control-Allow-Origin": "*", "Content-Type": "text/plain", "Content-Length": "2" });
    res.end("ok");
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

async function heapMb(session: CDPSession): Promise<number> {
  await session.send("HeapProfiler.collectGarbage");
  const { usedSize } = await session.send("Runtime.getHeapUsage");
  return Math.round((usedSize / 1024 / 1024) * 10) / 10;
}

// ---- 1. per-tab bound under 50,000 requests ----------------------------------------------

async function soakBound(): Promise<void> {
  process.stdout.write(`\n== per-tab bound: ${REQUESTS.toLocaleString("en")} real cross-origin requests in one tab ==\n`);
  const servers = await startTestServers();
  const api = await startApi();
  const h = await launchChromiumWithExtension({ extensionPath: EXTENSION });
  try {
    const page = await h.newPage(`${servers.pageOrigin}/page?title=soak`);
    const tabId = await h.tabIdOf(page);
    await h.request({ type: "clearLog", tabId });
    const bound = (await h.request({ type: "getSettings" })).maxExchangesPerTab;
    const worker = await h.worker();
    const session = worker.client;
    const storageKb = async () => Math.round(((await worker.evaluate(() => chrome.storage.session.getBytesInUse(null))) as number) / 1024);
    const points: { requests: number; heapMb: number; storageKb: number; kept: number; dropped: number }[] = [];
    const sample = async (requests: number) => {
      const log = await h.request({ type: "getLog", tabId });
      points.push({ requests, heapMb: await heapMb(session), storageKb: await storageKb(), kept: log.entries.length, dropped: log.dropped });
      const p = points[points.length - 1];
      process.stdout.write(`  ${String(requests).padStart(6)} requests: heap ${p?.heapMb} MB, storage.session ${p?.storageKb} KB, kept ${p?.kept}, dropped ${p?.dropped}\n`);
    };
    await sample(0);
    const started = Date.now();
    const step = 5000;
    for (let from = 0; from < REQUESTS; from += step) {
      const to = Math.min(REQUESTS, from + step);
      await page.evaluate(
        `(async (api, from, to) => {
          let next = from;
          const loop = async () => { while (next < to) { const i = next++; try { await (await fetch(api + "/s" + i)).text(); } catch {} } };
          await Promise.all(Array.from({ length: 16 }, loop));
        })(${JSON.stringify(api.origin)}, ${from}, ${to})`,
      );
      // let the worker catch up before measuring (polled slowly: each answer is the whole log)
      const last = `${api.origin}/s${to - 1}`;
      for (let waited = 0; waited < 120; waited++) {
        const log = await h.request({ type: "getLog", tabId });
        if (log.entries.some((e) => e.exchange.url === last && e.exchange.outcome.state !== "pending")) break;
        await sleep(1000);
      }
      await sample(to);
    }
    const seconds = Math.round((Date.now() - started) / 1000);
    const log = await h.request({ type: "getLog", tabId });
    const kept = log.entries.length;
    const lastKept = log.entries.map((e) => Number(new URL(e.exchange.url).pathname.slice(2))).sort((a, b) => a - b);
    // from the first sample where the bound was reached to the end
    const afterBound = points.filter((p) => p.kept >= bound);
    const heapGrowth = (afterBound[afterBound.length - 1]?.heapMb ?? 0) - (afterBound[0]?.heapMb ?? 0);
    const storageGrowth = (afterBound[afterBound.length - 1]?.storageKb ?? 0) - (afterBound[0]?.storageKb ?? 0);
    figures.bound = { requests: REQUESTS, seconds, bound, kept, dropped: log.dropped, points };
    check("kept exactly the bound", kept === bound, { kept, bound });
    check("dropped counter exact", log.dropped === REQUESTS - kept, { dropped: log.dropped, expected: REQUESTS - kept });
    check("the kept ones are the last ones", lastKept[0] === REQUESTS - kept && lastKept[lastKept.length - 1] === REQUESTS - 1, { first: lastKept[0], last: lastKept[lastKept.length - 1] });
    const span = `${afterBound[0]?.requests} → ${afterBound[afterBound.length - 1]?.requests} requests`;
    check(`worker heap flat once the bound is reached (${span}, < 2 MB)`, afterBound.length > 1 && heapGrowth < 2, `${heapGrowth.toFixed(1)} MB`);
    check(`storage.session flat once the bound is reached (${span}, < 5%)`, afterBound.length > 1 && storageGrowth <= (afterBound[0]?.storageKb ?? 0) * 0.05, `${storageGrowth} KB`);
    check("worker heap under 50 MB", (points[points.length - 1]?.heapMb ?? 99) < 50, `${points[points.length - 1]?.heapMb} MB`);

    const panel = await h.newPage(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`);
    await panel
      .waitForFunction(
        (n, k) => {
          const text = document.querySelector(".state-line")?.textContent ?? "";
          return text.includes(`${n} older dropped`) && text.includes(`of ${k} exchanges shown`);
        },
        { timeout: 30000 },
        log.dropped,
        kept,
      )
      .catch(() => undefined);
    const panelSays = await panel.$eval(".state-line", (el) => el.textContent ?? "");
    check("the panel says how many were dropped", panelSays.includes(`${log.dropped} older dropped`) && panelSays.includes(`of ${kept} exchanges shown`), panelSays);
    const popup = await h.newPage(`chrome-extension://${h.extensionId}/popup.html?tabId=${tabId}`);
    await popup.waitForFunction(() => document.body.textContent?.includes("dropped"), { timeout: 30000 }).catch(() => undefined);
    const popupSays = await popup.evaluate(() => [...document.querySelectorAll("p")].map((p) => p.textContent).find((t) => t?.includes("dropped")) ?? "");
    check("the popup says so too", popupSays.includes(`${log.dropped} older exchanges dropped`), popupSays);
  } finally {
    await h.close();
    await api.close();
    await servers.close();
  }
}

// ---- 2. browser restart with a persistent profile --------------------------------------

async function launchWithProfile(userDataDir: string): Promise<{ browser: Browser; page: Page; send: (m: unknown) => Promise<unknown> }> {
  const browser = await puppeteer.launch({
    executablePath: findBrowser("chromium"),
    headless: true,
    pipe: true,
    userDataDir,
    enableExtensions: [EXTENSION],
    args: CHROMIUM_ARGS,
  });
  const worker: Target = await browser.waitForTarget((t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"), { timeout: 30000 });
  const page = await browser.newPage();
  await page.goto(`chrome-extension://${new URL(worker.url()).host}/options.html`, { waitUntil: "load" });
  const send = async (m: unknown) => {
    for (let i = 0; i < 20; i++) {
      const r = await page.evaluate((msg) => chrome.runtime.sendMessage(msg), m as Record<string, unknown>).catch(() => undefined);
      if (r !== undefined) return r;
      await sleep(100);
    }
    throw new Error(`no answer to ${JSON.stringify(m)}`);
  };
  return { browser, page, send };
}

async function soakRestart(): Promise<void> {
  process.stdout.write("\n== browser restart with a persistent profile ==\n");
  const profile = mkdtempSync(join(tmpdir(), "cors-lens-profile-"));
  const servers = await startTestServers();
  try {
    const chosen: Partial<Settings> = { preserveLog: true, maxExchangesPerTab: 1234, maxBytesPerTab: 3 * 1024 * 1024, redactByDefault: false };
    const first = await launchWithProfile(profile);
    await first.send({ type: "setSettings", settings: chosen });
    const tab = await first.browser.newPage();
    await tab.goto(`${servers.pageOrigin}/page?title=restart`, { waitUntil: "load" });
    await tab.evaluate((u) => fetch(u).catch(() => undefined), `${servers.apiOrigin}/r/x`);
    await sleep(500);
    const keys = () => first.page.evaluate(async () => Object.keys(await chrome.storage.session.get(null)));
    const before = ((await keys()) as string[]).filter((k) => k.startsWith("e:"));
    check("before the restart: the session log holds the traffic", before.length > 0, { entries: before.length });
    await first.browser.close();

    const second = await launchWithProfile(profile);
    const settings = (await second.send({ type: "getSettings" })) as Settings;
    const expected = { ...DEFAULT_SETTINGS, ...chosen };
    figures.restart = { chosen, after: settings };
    check("settings persist (storage.local)", JSON.stringify(settings) === JSON.stringify(expected), settings);
    const after = (await second.page.evaluate(async () => Object.entries(await chrome.storage.session.get(null)).map(([k, v]) => `${k} ${JSON.stringify(v).slice(0, 120)}`))) as string[];
    const old = after.filter((line) => before.some((k) => line.startsWith(`${k} `)) || line.includes("title=restart") || line.includes("/r/x"));
    check("the session log is gone after the restart (storage.session)", old.length === 0, { left: old, keysNow: after.length });
    const tabs = (await second.send({ type: "listTabs" })) as { tabs: { counts: { allowed: number; blocked: number } }[] };
    check("no tab shows old traffic", tabs.tabs.every((t) => t.counts.allowed + t.counts.blocked === 0), tabs.tabs.length);
    await second.browser.close();
  } finally {
    await servers.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const started = Date.now();
  await soakBound();
  await soakRestart();
  figures.totalSeconds = Math.round((Date.now() - started) / 1000);
  figures.failures = failures;
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "soak.json"), `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`\nsoak: ${failures.length === 0 ? "all checks passed" : `${failures.length} failed: ${failures.join("; ")}`} (${figures.totalSeconds} s, figures in test-output/soak.json)\n`);
  process.exitCode = failures.length === 0 ? 0 : 1;
}

main().catch((error) => {
  process.stderr.write(`soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
