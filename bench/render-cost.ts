/**
 * Where the panel's first render of N exchanges goes (`npx tsx bench/render-cost.ts [entries]
 * [extension folder]`, after `node build.mjs`): fills a tab's log (replay.ts), opens the
 * standalone panel once, then reopens it while the page and the worker are recorded with the
 * CDP profiler, and prints the page's milestones (panel.js loaded, port connected, rows
 * arrived, first row, every row) and both sides' busy time and top functions.
 * A tool for finding causes, not part of `npm run bench`.
 */
import { launchChromiumWithExtension } from "../test/support/chromium";
import { startTestServers } from "../test/support/server";
import { isExtensionWorker, printProfile, startProfiling, stopProfiling } from "./cdp-profile";
import { fillTabLog } from "./replay";
import { sleep } from "./stats";

const INSTRUMENT = `(() => {
  const b = (window.__rc = { connectAt: null, rowsAt: null, firstRowAt: null, allAt: null, frameAt: null });
  const runtime = chrome.runtime;
  const connect = runtime.connect.bind(runtime);
  runtime.connect = (...args) => {
    if (b.connectAt === null) b.connectAt = performance.now();
    const port = connect(...args);
    const add = port.onMessage.addListener.bind(port.onMessage);
    port.onMessage.addListener = (fn) => add((msg, p) => {
      if (msg && msg.type === "rows" && b.rowsAt === null) { b.rowsAt = performance.now(); b.rowsChars = typeof msg.log.rows === "string" ? msg.log.rows.length : JSON.stringify(msg.log.rows).length; b.sample = JSON.stringify(msg.log.rows).slice(0, 300); }
      return fn(msg, p);
    });
    return port;
  };
  const wanted = new URLSearchParams(location.search).get("expect");
  const observer = new MutationObserver(() => {
    if (b.allAt !== null || !document.getElementById("exchange-0")) return;
    if (b.firstRowAt === null) b.firstRowAt = performance.now();
    if (!(document.body.textContent || "").includes(wanted + " of " + wanted + " exchanges shown")) return;
    b.allAt = performance.now();
    observer.disconnect();
    requestAnimationFrame(() => setTimeout(() => { b.frameAt = performance.now(); }, 0));
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})()`;

export async function main(): Promise<void> {
  const entries = Number(process.argv[2] ?? 10000);
  const servers = await startTestServers();
  const h = await launchChromiumWithExtension(process.argv[3] ? { extensionPath: process.argv[3] } : {});
  try {
    await h.request({ type: "setSettings", settings: { maxExchangesPerTab: entries, maxBytesPerTab: 1024 * 1024 * 1024 } });
    const page = await h.newPage(`${servers.pageOrigin}/page?title=rc`);
    const tabId = await h.tabIdOf(page);
    console.log(`held ${await fillTabLog(h, servers, page, tabId, entries)}`);
    await sleep(1000);
    const target = h.browser.targets().find(isExtensionWorker);
    if (!target) throw new Error("no worker target");
    const ws = await target.createCDPSession();
    const panel = await h.browser.newPage();
    await panel.evaluateOnNewDocument(INSTRUMENT);
    const url = `chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}&expect=${entries}`;
    for (let round = 0; round < 2; round++) {
      if (round > 0) await panel.goto("about:blank");
      await sleep(1500);
      const ps = round === 0 ? null : await panel.createCDPSession();
      await startProfiling(ws);
      if (ps) await startProfiling(ps);
      await panel.goto(url, { waitUntil: "load" });
      await panel.waitForFunction("window.__rc && window.__rc.frameAt !== null", { timeout: 20000, polling: 50 }).catch(async (e) => {
        console.log(await panel.evaluate("JSON.stringify(window.__rc) + document.body.textContent.slice(0, 300)"));
        throw e;
      });
      const t = (await panel.evaluate(`(() => {
        const r = performance.getEntriesByType("resource").find((e) => e.name.endsWith("panel.js"));
        const n = performance.getEntriesByType("navigation")[0];
        return { ...window.__rc, jsEnd: r ? r.responseEnd : null, domInteractive: n ? n.domInteractive : null };
      })()`)) as Record<string, number | null>;
      console.log(`round ${round} (${round === 0 ? "first page to open; the worker made the rows ahead, the log being still" : "again"}): ${Object.entries(t).map(([k, v]) => `${k} ${typeof v === "number" ? v.toFixed(0) : v}`).join(", ")}`);
      printProfile("  worker", await stopProfiling(ws), 14);
      if (ps) printProfile("  page", await stopProfiling(ps), 14);
      await sleep(4000);
    }
  } finally {
    await h.close();
    await servers.close();
  }
}

if (process.argv[1]?.endsWith("render-cost.ts")) await main();
