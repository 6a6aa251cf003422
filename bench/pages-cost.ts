/**
 * What open pages cost the service worker (`npx tsx bench/pages-cost.ts [entries] [extension
 * folder]`, after `node build.mjs`; default 2,000 entries and dist/chrome): a tab's log is filled
 * with real events replayed through the worker's listeners (replay.ts), then the worker is
 * recorded with Chrome's sampling profiler (CDP Profiler) while
 * 1. the standalone panel opens on that tab and loads (every row listed, and with the current
 *    build every full entry pulled: the root's data-details reads "N/N");
 * 2. with the panel and the popup open, the worker is stopped (Puppeteer's close(), as the
 *    kill test does); the pages reconnect, which starts a new worker, recorded from the moment
 *    its target appears until both pages show the log again.
 * Prints the worker's busy time (every sample but idle) and its longest busy stretch — while
 * the worker is busy, webRequest events wait, and they are lost if it is stopped then — and the
 * functions with the most self time. A tool for finding causes, not part of `npm run bench`.
 */
import type { CDPSession, Page, Target } from "puppeteer";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { startTestServers } from "../test/support/server";
import { isExtensionWorker, printProfile, startProfiling, stopProfiling } from "./cdp-profile";
import { fillTabLog } from "./replay";
import { sleep } from "./stats";

async function profile(target: Target): Promise<CDPSession> {
  const session = await target.createCDPSession();
  await startProfiling(session);
  return session;
}

/** The page lists every exchange and (current build) holds every full entry. */
async function waitLoaded(page: Page, n: number, what: "panel" | "popup"): Promise<void> {
  if (what === "panel") {
    await page.waitForFunction(
      (count: number) => {
        const text = document.body.textContent ?? "";
        const root = document.querySelector(".panel");
        const details = root?.getAttribute("data-details");
        return text.includes(`${count} of ${count} exchanges shown`) && text.includes("live") && (details === null || details === undefined || details === `${count}/${count}`);
      },
      { timeout: 60000, polling: 50 },
      n,
    );
  } else {
    await page.waitForFunction(() => !(document.body.textContent ?? "").includes("Connecting"), { timeout: 120000, polling: 50 });
  }
}

export async function main(): Promise<void> {
  const entries = Number(process.argv[2] ?? 2000);
  const extensionPath = process.argv[3];
  const servers = await startTestServers();
  const h = await launchChromiumWithExtension(extensionPath ? { extensionPath } : {});
  try {
    await h.request({ type: "setSettings", settings: { maxExchangesPerTab: entries, maxBytesPerTab: 1024 * 1024 * 1024 } });
    const page = await h.newPage(`${servers.pageOrigin}/page?title=pages`);
    const tabId = await h.tabIdOf(page);
    const held = await fillTabLog(h, servers, page, tabId, entries);
    console.log(`tab ${tabId} holds ${held} exchanges`);
    await sleep(1000);

    const target = h.browser.targets().find(isExtensionWorker);
    if (!target) throw new Error("no worker target");
    let session = await profile(target);
    const panel = await h.browser.newPage();
    const t0 = Date.now();
    await panel.goto(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`, { waitUntil: "load" });
    await waitLoaded(panel, held, "panel");
    const opened = Date.now() - t0;
    await sleep(300);
    printProfile(`worker while the panel opens (loaded in ${opened} ms)`, await stopProfiling(session), 12);

    const popup = await h.browser.newPage();
    await popup.goto(`chrome-extension://${h.extensionId}/popup.html?tabId=${tabId}`, { waitUntil: "load" });
    await waitLoaded(popup, held, "popup");
    await sleep(500);

    const t1 = Date.now();
    await h.killWorker();
    // the old target is gone; the pages' reconnect starts the next worker
    session = await profile(await h.browser.waitForTarget(isExtensionWorker, { timeout: 30000 }));
    // the pages notice the stop and reconnect within ~100 ms; the window is at least 4 s
    await sleep(300);
    try {
      await waitLoaded(panel, held, "panel");
      await waitLoaded(popup, held, "popup");
    } catch (error) {
      const line = await panel.evaluate(() => document.querySelector(".state-line")?.textContent ?? "");
      const details = await panel.evaluate(() => document.querySelector(".panel")?.getAttribute("data-details") ?? "");
      console.log(`the panel did not show the log again: "${line}", details ${details}; worker targets: ${h.browser.targets().filter(isExtensionWorker).length}`);
      throw error;
    }
    await sleep(Math.max(300, 4000 - (Date.now() - t1)));
    printProfile(`worker while the panel and popup reconnect after a worker stop (recorded ${Date.now() - t1} ms from the stop)`, await stopProfiling(session), 12);
  } finally {
    await h.close();
    await servers.close();
  }
}

if (process.argv[1]?.endsWith("pages-cost.ts")) await main();
