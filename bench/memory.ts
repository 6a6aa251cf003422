/**
 * Memory: the service worker's JS heap (CDP Runtime.getHeapUsage on the worker target, after
 * HeapProfiler.collectGarbage) while 100,000 requests go through CORS Lens with the default
 * per-tab bounds, all in one tab. The requests are the recorded events of a real burst of the
 * benchmark's mix, replayed through the worker's own listener code (see replay.ts); "requests"
 * counts fetches, a preflighted fetch being one request with its OPTIONS.
 *
 * Two figures: the heap after 100,000 requests (budget < 50 MB) and its growth between 20,000
 * and 100,000 requests, long after the bound (2,000 exchanges) was reached: a bounded log must
 * not grow any more (budget: less than 5% or 1 MB, whichever is larger, which is GC noise).
 */
import type { CDPSession, WebWorker } from "puppeteer";
import type { ExtHarness } from "../test/support/chromium";
import type { TestServers } from "../test/support/server";
import { installReplay, recordTemplate, replay } from "./replay";
import type { Row } from "./report";
import { sleep } from "./stats";

export interface MemoryOptions {
  requests: number;
  templateFetches: number;
  log?: (line: string) => void;
}

export interface HeapPoint {
  requests: number;
  heapMb: number;
}

/**
 * Waits until the browser answered every extension API call the worker made so far: the replay
 * outruns the browser process, and each unanswered call holds a promise in the worker (a heap
 * snapshot showed thousands, all held by the bindings' global handles). The browser answers a
 * worker's calls in order, so an answer to a new call means the earlier ones are answered too.
 */
async function drained(worker: WebWorker): Promise<void> {
  await worker.evaluate("Promise.all([chrome.storage.session.getBytesInUse(null), chrome.action.getBadgeText({})])");
}

async function heapMb(session: CDPSession): Promise<number> {
  await session.send("HeapProfiler.collectGarbage");
  const { usedSize } = await session.send("Runtime.getHeapUsage");
  return usedSize / 1024 / 1024;
}

export async function benchMemory(h: ExtHarness, servers: TestServers, options: MemoryOptions): Promise<{ rows: Row[]; points: HeapPoint[] }> {
  const log = options.log ?? (() => undefined);
  const page = await h.newPage(`${servers.pageOrigin}/page?title=memory`);
  const tabId = await h.tabIdOf(page);
  const template = await recordTemplate(h, servers, page, tabId, options.templateFetches);
  // a fresh log for the tab (navigation clears it), then the baseline
  await page.goto(`${servers.pageOrigin}/page?title=memory`, { waitUntil: "load" });
  await sleep(300);
  const worker = await h.worker();
  const session = worker.client;
  await installReplay(worker, template);
  const points: HeapPoint[] = [{ requests: 0, heapMb: await heapMb(session) }];
  const checkpoints = [2_000, 5_000, 10_000, 20_000, 40_000, 60_000, 80_000].filter((n) => n < options.requests).concat(options.requests);
  let copies = 0;
  const started = performance.now();
  for (const at of checkpoints) {
    const target = Math.round(at / template.fetches);
    await replay(worker, copies, target - copies, tabId, 2000);
    copies = target;
    await drained(worker);
    const point = { requests: copies * template.fetches, heapMb: await heapMb(session) };
    points.push(point);
    log(`  memory: ${point.requests} requests, worker heap ${point.heapMb.toFixed(1)} MB (${((performance.now() - started) / 1000).toFixed(0)} s)`);
  }
  const tabLog = await h.request({ type: "getLog", tabId });
  const bytesInUse = (await worker.evaluate("chrome.storage.session.getBytesInUse(null)")) as number;
  await page.close();

  const last = points[points.length - 1] as HeapPoint;
  const at20k = points.find((p) => p.requests >= 20_000) ?? (points[1] as HeapPoint);
  const growth = last.heapMb - at20k.heapMb;
  const part = "memory";
  const n = last.requests.toLocaleString("en");
  const rows: Row[] = [
    { part, measure: `worker JS heap after ${n} requests (default bounds, one tab)`, unit: "MB", value: last.heapMb, budget: "< 50", met: last.heapMb < 50 },
    {
      part,
      measure: `heap growth from ${at20k.requests.toLocaleString("en")} to ${n} requests (bound reached at 2,000)`,
      unit: "MB",
      value: growth,
      budget: "stops growing",
      met: growth < Math.max(1, 0.05 * at20k.heapMb),
    },
    { part, measure: "worker JS heap before any request", unit: "MB", value: (points[0] as HeapPoint).heapMb },
    {
      part,
      measure: `log kept: ${tabLog.entries.length} exchanges, ${tabLog.dropped} dropped; storage.session in use`,
      unit: "MB",
      value: bytesInUse / 1024 / 1024,
    },
  ];
  return { rows, points };
}
