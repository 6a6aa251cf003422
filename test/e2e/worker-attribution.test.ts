/**
 * Requests made by a page's service worker reach webRequest with tabId -1. CORS Lens files
 * them under the tabs whose page has the worker's origin (marked "from worker"), so a PWA's
 * CORS failures are not invisible. Real Chromium, real service worker.
 */
import type { Page } from "puppeteer";
import { type ExtHarness, launchChromiumWithExtension } from "../support/chromium";
import { specUrl, startTestServers, type TestServers } from "../support/server";

let harness: ExtHarness;
let servers: TestServers;
let page: Page;
let tabId: number;

beforeAll(async () => {
  servers = await startTestServers();
  harness = await launchChromiumWithExtension();
  page = await harness.newPage(`${servers.pageOrigin}/page?title=pwa`);
  tabId = await harness.tabIdOf(page);
});

afterAll(async () => {
  await harness?.close();
  await servers?.close();
});

test("a service worker's blocked cross-origin fetch is attributed to the page's tab", async () => {
  const blocked = specUrl(servers.apiOrigin, { actual: { status: 200, body: "no cors headers" } }, "from-sw-blocked");
  const allowed = specUrl(servers.apiOrigin, { actual: { status: 200, headers: [["Access-Control-Allow-Origin", "*"]], body: "ok" } }, "from-sw-ok");
  // The worker script is served by the page's own origin (a route spec with a JS body).
  const code = `self.addEventListener("activate", (event) => event.waitUntil(Promise.all([
    fetch(${JSON.stringify(blocked)}).then(() => "read", (e) => String(e)),
    fetch(${JSON.stringify(allowed)}).then(() => "read", (e) => String(e)),
  ])));`;
  const script = specUrl(servers.pageOrigin, { actual: { status: 200, headers: [["Content-Type", "text/javascript"]], body: code } }, "sw.js");
  await page.evaluate(async (url) => {
    const registration = await navigator.serviceWorker.register(url, { scope: "/r/" });
    const worker = registration.installing ?? registration.waiting ?? registration.active;
    if (worker && worker.state !== "activated") {
      await new Promise<void>((resolve) => worker.addEventListener("statechange", () => worker.state === "activated" && resolve()));
    }
  }, script);

  const entries = await harness.waitForExchanges(
    tabId,
    (es) => [blocked, allowed].every((u) => es.some((e) => e.exchange.url === u && e.exchange.outcome.state !== "pending")),
  );
  const byUrl = (u: string) => entries.find((e) => e.exchange.url === u);
  expect(byUrl(blocked)?.exchange.fromWorker).toBe(true);
  expect(byUrl(blocked)?.exchange.tabId).toBe(tabId);
  expect(byUrl(blocked)?.diagnosis.verdict).toBe("blocked");
  expect(byUrl(blocked)?.diagnosis.failure?.id).toBe("acao-missing");
  expect(byUrl(allowed)?.exchange.fromWorker).toBe(true);
  expect(byUrl(allowed)?.diagnosis.verdict).toBe("allowed");
});
