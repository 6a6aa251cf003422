/**
 * Traffic for the UI tests in real Chromium: the CORS playground's "Run all" (mixed traffic
 * with readable URLs: blocked, allowed, warnings, preflights, redirects, an opaque origin)
 * and a small stateful API whose answer the test flips (for Re-test and the live timing).
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Page } from "puppeteer";
import { SITUATIONS } from "../../../demo/situations";
import type { Playground } from "../../../demo/playground";
import type { DiagnosedExchange } from "../../../src/cors/model";
import type { ExtHarness } from "../../support/chromium";

export interface MixedTraffic {
  page: Page;
  tabId: number;
  entries: DiagnosedExchange[];
}

/** Opens the playground in a new tab, clicks "Run all" and waits until the worker has every
 * situation's exchange diagnosed. */
export async function runPlayground(h: ExtHarness, playground: Playground): Promise<MixedTraffic> {
  const page = await h.newPage(playground.pageUrl);
  const tabId = await h.tabIdOf(page);
  await page.click("#run-all");
  await page.waitForSelector("body[data-all-done]", { timeout: 20000 });
  const crossOrigin = (e: DiagnosedExchange) => !e.exchange.url.startsWith(playground.pageOrigin);
  const entries = await h.waitForExchanges(
    tabId,
    (list) => list.filter((e) => crossOrigin(e) && e.diagnosis.verdict !== "pending").length >= SITUATIONS.length,
    15000,
  );
  return { page, tabId, entries };
}

/** An API on 127.0.0.1 whose every path answers 200 "flip", with or without
 * Access-Control-Allow-Origin: the test flips it to show a server change. */
export interface FlipServer {
  origin: string;
  url(path: string): string;
  /** true: the answer allows any origin; false: no CORS header (blocked) */
  setAllowed(allowed: boolean): void;
  /** the requests received, "METHOD /path" */
  seen: string[];
  close(): Promise<void>;
}

export async function startFlipServer(): Promise<FlipServer> {
  let allowed = false;
  const seen: string[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    req.resume();
    seen.push(`${req.method} ${req.url}`);
    const headers: [string, string][] = [["Content-Type", "text/plain"], ["Cache-Control", "no-store"]];
    if (allowed) headers.push(["Access-Control-Allow-Origin", "*"]);
    res.writeHead(200, headers.flat());
    res.end("flip");
  });
  server.keepAliveTimeout = 1000;
  const port = await new Promise<number>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
  const origin = `http://127.0.0.1:${port}`;
  return {
    origin,
    url: (path) => `${origin}${path}`,
    setAllowed(value) {
      allowed = value;
    },
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Fetches `url` from the page; resolves with the wall-clock time the body was complete (the
 * moment webRequest reports the exchange completed) or when it failed. */
export function fetchFromPage(page: Page, url: string): Promise<{ ok: boolean; doneAt: number }> {
  // sent as text: the TS loader may wrap functions with helpers the page does not have
  return page.evaluate(`fetch(${JSON.stringify(url)}, { cache: "no-store" }).then(
    (r) => r.text().then(() => ({ ok: true, doneAt: Date.now() })),
    () => ({ ok: false, doneAt: Date.now() }),
  )`) as Promise<{ ok: boolean; doneAt: number }>;
}
