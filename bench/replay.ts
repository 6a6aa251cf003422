/**
 * Replaying recorded webRequest details through CORS Lens's own listener code in the real
 * service worker (the REPLAY_GLOBAL dispatcher of src/platform/listeners.ts): the way the
 * memory and panel benchmarks produce 100,000 or 10,000 requests, because Chromium on this
 * 2-core machine makes only ~100–300 real cross-origin fetches a second.
 *
 * A template is the event stream of one real burst (recorded by the worker's debug recorder);
 * copy c of it gets its own request ids, a `copy=c` URL parameter (so preflights still pair
 * with their requests by URL) and current timestamps. Events are dispatched in groups (100 by
 * default, 2,000 for the memory run), each group in its own task (MessageChannel, no timer
 * clamping), so storage writes, port messages and garbage collection interleave with them.
 * Real traffic gives every event its own task, hence more (smaller) storage writes: the replay
 * measures what the worker keeps, not what each event costs (the browsing part does that).
 */
import type { Page, WebWorker } from "puppeteer";
import type { CaptureEvent } from "../src/capture/events";
import type { ExtHarness } from "../test/support/chromium";
import type { TestServers } from "../test/support/server";
import { sleep } from "./stats";
import { burstExpression, requestMix } from "./traffic";

export interface Template {
  events: CaptureEvent[];
  /** fetches in the recorded burst */
  fetches: number;
}

/** Records the events of one real burst of `fetches` (the benchmark's request mix) in `page`. */
export async function recordTemplate(h: ExtHarness, servers: TestServers, page: Page, tabId: number, fetches: number): Promise<Template> {
  await h.startRecording();
  await page.evaluate(burstExpression(requestMix(servers), fetches, `template${Date.now()}`));
  await sleep(500);
  const events = (await h.takeRecording()).filter((e) => e.tabId === tabId && e.url.startsWith("http") && e.type !== "main_frame");
  if (events.length < fetches) throw new Error(`recorded ${events.length} events for ${fetches} fetches`);
  return { events, fetches };
}

const INSTALL = `(events) => {
  const ids = events.map((e) => Number(e.requestId)).filter((n) => Number.isFinite(n));
  const firstId = Math.min(...ids);
  const span = Math.max(...ids) - firstId + 1;
  const t0 = Math.min(...events.map((e) => e.timeStamp));
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  const nextTask = () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });
  const mark = (url, c) => url + (url.includes("?") ? "&" : "?") + "copy=" + c;
  globalThis.__benchReplay = async (fromCopy, copies, perTask, tabId) => {
    const dispatch = globalThis.__corsLensReplay;
    if (typeof dispatch !== "function") throw new Error("the worker has no __corsLensReplay");
    let n = 0;
    for (let c = fromCopy; c < fromCopy + copies; c++) {
      const base = Date.now();
      for (const e of events) {
        const d = { ...e, tabId: tabId ?? e.tabId, requestId: String(1e9 + c * span + (Number(e.requestId) - firstId)), url: mark(e.url, c), timeStamp: base + (e.timeStamp - t0) };
        if (e.redirectUrl) d.redirectUrl = mark(e.redirectUrl, c);
        dispatch(e.kind, d);
        if (++n % perTask === 0) await nextTask();
      }
    }
    await nextTask();
    return n;
  };
  return events.length;
}`;

export async function installReplay(worker: WebWorker, template: Template): Promise<void> {
  await worker.evaluate(`(${INSTALL})(${JSON.stringify(template.events)})`);
}

/** Replays copies [fromCopy, fromCopy + copies) of the template (into tab `tabId` when given);
 * resolves when all were handled. */
export async function replay(worker: WebWorker, fromCopy: number, copies: number, tabId: number | null = null, perTask = 100): Promise<number> {
  return (await worker.evaluate(`globalThis.__benchReplay(${fromCopy}, ${copies}, ${perTask}, ${tabId === null ? "null" : tabId})`)) as number;
}

/** Fills a tab's log with about `exchanges` exchanges: one real burst of `templateFetches`
 * recorded in `page`, the page loaded again (a navigation clears its log), then copies of the
 * burst replayed through the worker. Returns how many the log holds (its bounds may keep fewer). */
export async function fillTabLog(h: ExtHarness, servers: TestServers, page: Page, tabId: number, exchanges: number, templateFetches = 200): Promise<number> {
  const template = await recordTemplate(h, servers, page, tabId, templateFetches);
  await page.goto(page.url(), { waitUntil: "load" });
  await sleep(300);
  const worker = await h.worker();
  await installReplay(worker, template);
  await replay(worker, 0, Math.ceil(exchanges / template.fetches), tabId);
  return (await h.request({ type: "getLog", tabId })).entries.length;
}
