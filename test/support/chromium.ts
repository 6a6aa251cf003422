/**
 * Launches real Chromium (headless) with the built extension (dist/chrome) and gives the
 * tests a small harness around it, following ../../../shared/reference/e2e-recipe.md.
 * Share one harness per test file (launch in beforeAll, close in afterAll).
 *
 * The log is read "through the protocol": `request()` sends a RequestMessage from a real
 * extension page (options.html, kept open in its own tab) with chrome.runtime.sendMessage,
 * exactly as the popup and the panel do.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import puppeteer, { type Browser, type Page, type Target, type WebWorker } from "puppeteer";
import { CHROMIUM_ARGS, findBrowser } from "../../tools/browsers";
import { repoRoot } from "./paths";
import type { DiagnosedExchange } from "../../src/cors/model";
import type { CaptureEvent } from "../../src/capture/events";
import type { RequestMessage, RequestType, ResponseOf } from "../../src/protocol";

export const DIST_CHROME = resolve(repoRoot(), "dist/chrome");

export interface ExtHarness {
  browser: Browser;
  extensionId: string;
  /** the extension page used for protocol requests (chrome-extension://<id>/options.html) */
  extensionPage: Page;
  /** the current worker; after killWorker() it wakes the worker and waits for the new one */
  /** the extension's service worker; `fresh`: look it up again instead of the handle kept
   * (a kept handle whose context was destroyed stays in the target list for a while) */
  worker(fresh?: boolean): Promise<WebWorker>;
  /** stops the service worker the way the recipe says (Puppeteer worker.close()), then waits
   * until its target is gone, at most `waitGoneMs` (default 5000) */
  killWorker(options?: { waitGoneMs?: number }): Promise<void>;
  /** opens a new tab at `url` and waits for its load event */
  newPage(url: string): Promise<Page>;
  /** the chrome.tabs id of a page opened in this browser */
  tabIdOf(page: Page): Promise<number>;
  /** a one-shot protocol request, sent from the extension page */
  request<K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>>;
  /** polls getLog until `predicate(entries)` holds; returns the entries (throws on timeout
   * with the last entries summarised) */
  waitForExchanges(
    tabId: number,
    predicate: (entries: DiagnosedExchange[]) => boolean,
    timeoutMs?: number,
  ): Promise<DiagnosedExchange[]>;
  /** the worker's debug recorder of raw CaptureEvents (see src/platform/recorder.ts) */
  startRecording(): Promise<void>;
  takeRecording(): Promise<CaptureEvent[]>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** open DevTools for every tab (for tests of the real DevTools panel) */
  devtools?: boolean;
  /** run headless (default); `npm start` with a display opens a normal window */
  headless?: boolean;
  /** the extension folder (default dist/chrome) */
  extensionPath?: string;
}

const isExtensionWorker = (t: Target) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://");

export async function launchChromiumWithExtension(opts: LaunchOptions = {}): Promise<ExtHarness> {
  const extensionPath = opts.extensionPath ?? DIST_CHROME;
  if (!existsSync(resolve(extensionPath, "manifest.json"))) {
    throw new Error(`${extensionPath} has no manifest.json: run \`node build.mjs\` first.`);
  }
  const browser = await puppeteer.launch({
    executablePath: findBrowser("chromium"),
    headless: opts.headless ?? true,
    pipe: true,
    devtools: opts.devtools ?? false,
    enableExtensions: [extensionPath],
    args: CHROMIUM_ARGS,
  });
  try {
    const workerTarget = await browser.waitForTarget(isExtensionWorker, { timeout: 30000 });
    const extensionId = new URL(workerTarget.url()).host;
    let current: WebWorker | null = await workerTarget.worker();
    let currentTarget: Target | null = workerTarget;

    const extensionPage = await browser.newPage();
    await extensionPage.goto(`chrome-extension://${extensionId}/options.html`, { waitUntil: "load" });

    const sendFromPage = <K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>> =>
      extensionPage.evaluate((m) => chrome.runtime.sendMessage(m), message as unknown as Record<string, unknown>) as Promise<
        ResponseOf<K>
      >;

    const worker = async (fresh = false): Promise<WebWorker> => {
      // The browser may have stopped an idle worker by itself: drop a stale handle.
      if (!fresh && current && currentTarget && browser.targets().includes(currentTarget)) return current;
      current = null;
      currentTarget = null;
      // the newest: a worker being replaced may still be listed before its successor
      const existing = browser.targets().filter(isExtensionWorker).at(-1);
      const waiting = existing ? Promise.resolve(existing) : browser.waitForTarget(isExtensionWorker, { timeout: 30000 });
      // Any extension event starts a stopped worker; a message is the cheapest one.
      if (!existing) void sendFromPage({ type: "getSettings" }).catch(() => undefined);
      const target = await waiting;
      const w = await target.worker();
      if (!w) throw new Error("the extension's service worker target has no worker");
      current = w;
      currentTarget = target;
      return w;
    };

    const harness: ExtHarness = {
      browser,
      extensionId,
      extensionPage,
      worker,
      async killWorker({ waitGoneMs = 5000 } = {}) {
        const w = await worker();
        const old = currentTarget;
        current = null;
        currentTarget = null;
        try {
          await w.close();
        } catch (error) {
          // Already gone (stopped by the browser between our look and the close): that is a kill too.
          if (!String(error).includes("No session") && !String(error).includes("Target closed")) throw error;
        }
        // Wait until the old target is gone so that worker() cannot pick it up again. (It is
        // gone within ~50 ms, except in the trap the kill test's watchdog handles, where the
        // restarted worker keeps the target: then the wait runs to its end.)
        const deadline = Date.now() + waitGoneMs;
        while (browser.targets().includes(old as Target) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 20));
        }
      },
      async newPage(url) {
        const page = await browser.newPage();
        await page.goto(url, { waitUntil: "load" });
        return page;
      },
      async tabIdOf(page) {
        // Give the tab a unique title, find it with chrome.tabs from the extension page.
        const marker = `cors-lens-tab-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        const previous = await page.evaluate((m) => {
          const old = document.title;
          document.title = m;
          return old;
        }, marker);
        try {
          const deadline = Date.now() + 5000;
          for (;;) {
            const id = await extensionPage.evaluate(async (m) => {
              const tabs = await chrome.tabs.query({});
              return tabs.find((t) => t.title === m)?.id ?? null;
            }, marker);
            if (id !== null) return id;
            if (Date.now() > deadline) throw new Error("tab not found by title marker");
            await new Promise((r) => setTimeout(r, 25));
          }
        } finally {
          await page.evaluate((t) => {
            document.title = t;
          }, previous);
        }
      },
      async request(message) {
        // The worker may be starting (after a kill): retry while nobody answers.
        let lastError: unknown;
        for (let attempt = 0; attempt < 5; attempt++) {
          try {
            const response = await sendFromPage(message);
            if (response !== undefined) return response;
            lastError = new Error(`no response to ${message.type}`);
          } catch (error) {
            lastError = error;
          }
          await new Promise((r) => setTimeout(r, 100));
        }
        throw lastError;
      },
      async waitForExchanges(tabId, predicate, timeoutMs = 10000) {
        const deadline = Date.now() + timeoutMs;
        let entries: DiagnosedExchange[] = [];
        for (;;) {
          entries = (await harness.request({ type: "getLog", tabId })).entries;
          if (predicate(entries)) return entries;
          if (Date.now() > deadline) {
            const summary = entries
              .map((e) => `${e.exchange.method} ${e.exchange.url} ${e.exchange.outcome.state} ${e.diagnosis.verdict}`)
              .join("\n  ");
            throw new Error(`waitForExchanges timed out after ${timeoutMs} ms with ${entries.length} entries:\n  ${summary}`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async startRecording() {
        const w = await worker();
        await w.evaluate(() => {
          const hook = (globalThis as { __corsLensRecorder?: { start(): void } }).__corsLensRecorder;
          if (!hook) throw new Error("the worker exposes no __corsLensRecorder");
          hook.start();
        });
      },
      async takeRecording() {
        const w = await worker();
        return w.evaluate(() => {
          const hook = (globalThis as { __corsLensRecorder?: { take(): unknown[] } }).__corsLensRecorder;
          if (!hook) throw new Error("the worker exposes no __corsLensRecorder");
          return hook.take();
        }) as Promise<CaptureEvent[]>;
      },
      async close() {
        await browser.close();
      },
    };
    return harness;
  } catch (error) {
    await browser.close();
    throw error;
  }
}
