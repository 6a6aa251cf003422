/**
 * Firefox with the built extension, driven by Puppeteer over WebDriver BiDi
 * (see ../shared/reference/platform.md). Mirrors the Chromium harness where Firefox allows:
 * - the add-on is installed with browser.installExtension(dist/firefox);
 * - its moz-extension:// UUID is pinned by a preference so the test can open its pages, which
 *   needs Firefox started with --remote-allow-system-access;
 * - protocol requests are sent from a kept-open extension page (options.html).
 * Quirk seen here: navigations to moz-extension:// pages never report "load" to Puppeteer
 * over BiDi, so extension pages are opened without waiting and polled for readiness.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer";
import { findBrowser } from "../../tools/browsers";
import { repoRoot } from "./paths";
import type { CaptureEvent } from "../../src/capture/events";
import type { DiagnosedExchange } from "../../src/cors/model";
import type { RequestMessage, RequestType, ResponseOf } from "../../src/protocol";

export const DIST_FIREFOX = resolve(repoRoot(), "dist/firefox");
export const GECKO_ID = "cors-lens@cors-lens.dev";
/** fixed so tests know the moz-extension:// host in advance */
export const FIREFOX_UUID = "6f1c1f0e-7c2b-4d9a-9a3e-0c0de5c0de00";

export interface FirefoxHarness {
  browser: Browser;
  baseUrl: string;
  extensionPage: Page;
  newPage(url: string): Promise<Page>;
  /** opens an extension page (e.g. "panel.html?tabId=3") in a new tab and waits until it is ready */
  openExtensionPage(path: string): Promise<Page>;
  tabIdOf(page: Page): Promise<number>;
  request<K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>>;
  waitForExchanges(tabId: number, predicate: (entries: DiagnosedExchange[]) => boolean, timeoutMs?: number): Promise<DiagnosedExchange[]>;
  startRecording(): Promise<void>;
  takeRecording(): Promise<CaptureEvent[]>;
  close(): Promise<void>;
}

declare const browser: typeof chrome;

/** The recorder the background exposes (src/platform/recorder.ts), reached through the background page. */
type RecorderHost = { __corsLensRecorder: { start(): void; take(): unknown[] } };

async function waitReady(page: Page, url: string): Promise<void> {
  const deadline = Date.now() + 15000;
  for (;;) {
    const state = await page
      .evaluate(() => [location.href, document.readyState] as const)
      .catch(() => ["", "loading"] as const);
    if (state[0].startsWith(url.split("?")[0] as string) && state[1] === "complete") return;
    if (Date.now() > deadline) throw new Error(`extension page ${url} did not load (at ${state[0]}, ${state[1]})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface FirefoxLaunchOptions {
  /** save every download into this folder without asking (Export HAR / Export JSON write JSON) */
  downloadDir?: string;
}

/** Preferences that make Firefox save downloads into `dir` at once: no dialog, no panel. */
function downloadPrefs(dir: string): Record<string, unknown> {
  return {
    "browser.download.folderList": 2,
    "browser.download.dir": dir,
    "browser.download.useDownloadDir": true,
    "browser.download.always_ask_before_handling_new_types": false,
    // the exports are Blobs typed application/json (src/ui/common/download.ts)
    "browser.helperApps.neverAsk.saveToDisk": "application/json",
  };
}

export async function launchFirefoxWithExtension(extensionPath = DIST_FIREFOX, options: FirefoxLaunchOptions = {}): Promise<FirefoxHarness> {
  if (!existsSync(resolve(extensionPath, "manifest.json"))) {
    throw new Error(`${extensionPath} has no manifest.json: run \`node build.mjs\` first.`);
  }
  const ff = await puppeteer.launch({
    browser: "firefox",
    executablePath: findBrowser("firefox"),
    headless: true,
    args: ["--remote-allow-system-access"],
    extraPrefsFirefox: {
      "extensions.webextensions.uuids": JSON.stringify({ [GECKO_ID]: FIREFOX_UUID }),
      // keep the event page alive while tests poke it
      "extensions.background.idle.timeout": 300000,
      ...(options.downloadDir === undefined ? {} : downloadPrefs(options.downloadDir)),
    },
  });
  try {
    await ff.installExtension(extensionPath);
    const baseUrl = `moz-extension://${FIREFOX_UUID}`;
    const openExtensionPage = async (path: string): Promise<Page> => {
      const page = await ff.newPage();
      const url = `${baseUrl}/${path}`;
      await page.goto(url, { waitUntil: "domcontentloaded", timeout: 2000 }).catch(() => undefined);
      await waitReady(page, url);
      return page;
    };
    const extensionPage = await openExtensionPage("options.html");
    const harness: FirefoxHarness = {
      browser: ff,
      baseUrl,
      extensionPage,
      openExtensionPage,
      async newPage(url) {
        const page = await ff.newPage();
        await page.goto(url, { waitUntil: "domcontentloaded" });
        return page;
      },
      async tabIdOf(page) {
        const marker = `cors-lens-tab-${Date.now()}-${Math.random().toString(36).slice(2)}`;
        await page.evaluate((m) => {
          document.title = m;
        }, marker);
        const deadline = Date.now() + 5000;
        for (;;) {
          const id = await extensionPage.evaluate(async (m) => {
            const tabs = await browser.tabs.query({});
            return tabs.find((t) => t.title === m)?.id ?? null;
          }, marker);
          if (id !== null) return id;
          if (Date.now() > deadline) throw new Error("tab not found by title marker");
          await new Promise((r) => setTimeout(r, 25));
        }
      },
      async request(message) {
        return extensionPage.evaluate((m) => browser.runtime.sendMessage(m), message as unknown as Record<string, unknown>) as Promise<
          ResponseOf<(typeof message)["type"]>
        >;
      },
      async waitForExchanges(tabId, predicate, timeoutMs = 10000) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          const { entries } = await harness.request({ type: "getLog", tabId });
          if (predicate(entries)) return entries;
          if (Date.now() > deadline) {
            const summary = entries.map((e) => `${e.exchange.method} ${e.exchange.url} ${e.exchange.outcome.state}`).join("\n  ");
            throw new Error(`waitForExchanges timed out after ${timeoutMs} ms with ${entries.length} entries:\n  ${summary}`);
          }
          await new Promise((r) => setTimeout(r, 50));
        }
      },
      async startRecording() {
        await extensionPage.evaluate(async () => {
          const bg = (await browser.runtime.getBackgroundPage()) as unknown as RecorderHost;
          bg.__corsLensRecorder.start();
        });
      },
      async takeRecording() {
        return extensionPage.evaluate(async () => {
          const bg = (await browser.runtime.getBackgroundPage()) as unknown as RecorderHost;
          return JSON.parse(JSON.stringify(bg.__corsLensRecorder.take()));
        }) as Promise<CaptureEvent[]>;
      },
      async close() {
        await ff.close();
      },
    };
    return harness;
  } catch (error) {
    await ff.close();
    throw error;
  }
}
