/**
 * `npm start`: build the extension, start the CORS playground on three local origins, and
 * launch Chromium with CORS Lens loaded on it.
 * - With a display (and not CI): a normal window, DevTools open on the CORS tab; runs until Ctrl-C.
 * - Without one (a server, CI, or --headless): clicks through the playground, saves the panel
 *   screenshot and the exported HAR under demo-output/, prints a per-origin summary, exits 0.
 * Either way it says what it did and where the files are, and Ctrl-C leaves no browser or
 * server behind.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { startPlayground } from "../demo/playground";
import { SITUATIONS } from "../demo/situations";
import type { DiagnosedExchange } from "../src/cors/model";
import { launchChromiumWithExtension, type ExtHarness } from "../test/support/chromium";
import { showCorsPanel } from "../test/support/devtools";

const root = join(import.meta.dirname, "..");
const outDir = join(root, "demo-output");
const headless = process.argv.includes("--headless") || !process.env.DISPLAY || process.env.CI === "true";
const say = (line: string) => process.stdout.write(`[cors-lens] ${line}\n`);

const cleanups: (() => Promise<unknown>)[] = [];
let stopping = false;
async function stop(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  }
  process.exit(code);
}
process.on("SIGINT", () => {
  say("Ctrl-C: closing the browser and the playground servers.");
  void stop(0);
});
process.on("SIGTERM", () => void stop(0));

function summarise(entries: DiagnosedExchange[]): string {
  const byOrigin = new Map<string, DiagnosedExchange[]>();
  for (const e of entries) {
    if (e.exchange.trafficClass !== "cross-origin") continue;
    const origin = new URL(e.exchange.url).origin;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), e]);
  }
  const lines: string[] = [];
  for (const [origin, list] of byOrigin) {
    const blocked = list.filter((e) => e.diagnosis.verdict === "blocked").length;
    const allowed = list.filter((e) => e.diagnosis.verdict === "allowed").length;
    const warned = list.filter((e) => e.diagnosis.warnings.length > 0).length;
    lines.push(`${origin}: ${blocked} blocked, ${allowed} allowed, ${warned} with warnings`);
    for (const e of list) {
      const d = e.diagnosis;
      const what = d.failure ? d.failure.id : d.warnings.map((w) => w.id).join(", ") || "ok";
      lines.push(`  ${d.verdict.padEnd(8)} ${e.exchange.method.padEnd(6)} ${new URL(e.exchange.url).pathname.padEnd(16)} ${what}`);
    }
  }
  return lines.join("\n");
}

async function waitForDownload(dir: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const done = readdirSync(dir).find((f) => f.endsWith(".har"));
    if (done) return join(dir, done);
    if (Date.now() > deadline) throw new Error("the HAR download did not arrive");
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function runHeadless(harness: ExtHarness, pageUrl: string): Promise<void> {
  const page = await harness.newPage(pageUrl);
  const tabId = await harness.tabIdOf(page);
  say(`clicking through ${SITUATIONS.length} situations …`);
  await page.click("#run-all");
  await page.waitForSelector("body[data-all-done]", { timeout: 60000 });
  const entries = await harness.waitForExchanges(
    tabId,
    (es) => es.filter((e) => e.exchange.trafficClass === "cross-origin" && e.exchange.outcome.state !== "pending").length >= SITUATIONS.length,
    20000,
  );

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const panel = await harness.newPage(`chrome-extension://${harness.extensionId}/panel.html?tabId=${tabId}`);
  await panel.setViewport({ width: 1400, height: 860 });
  await panel.waitForSelector("[data-testid=exchange-row]", { timeout: 10000 });
  // Open the first blocked exchange so the screenshot shows a diagnosis.
  await panel.click("[data-testid=exchange-row][data-verdict=blocked]").catch(() => undefined);
  await new Promise((r) => setTimeout(r, 300));
  const screenshot = join(outDir, "panel.png");
  await panel.screenshot({ path: screenshot });
  const cdp = await panel.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: outDir });
  const [exportButton] = await panel.$$("::-p-aria(Export HAR)");
  if (!exportButton) throw new Error('the panel has no "Export HAR" button');
  await exportButton.click();
  const har = await waitForDownload(outDir, 10000);
  say(`panel screenshot: ${screenshot}`);
  say(`exported HAR:     ${har}`);
  process.stdout.write(`\n${summarise(entries)}\n\n`);
}

async function main(): Promise<void> {
  say("building the extension (node build.mjs) …");
  execFileSync(process.execPath, [join(root, "build.mjs")], { stdio: ["ignore", "ignore", "inherit"], cwd: root });
  if (!existsSync(join(root, "dist/chrome/manifest.json"))) throw new Error("build produced no dist/chrome");
  const playground = await startPlayground();
  cleanups.push(() => playground.close());
  say(`CORS playground: ${playground.pageUrl} (API ${playground.apiOrigin}, other ${playground.otherOrigin})`);
  const harness = await launchChromiumWithExtension({ devtools: !headless, headless });
  cleanups.push(() => harness.close());
  if (headless) {
    await runHeadless(harness, playground.pageUrl);
    say("done (headless). Run with a display for an interactive window.");
    await stop(0);
  }
  const page = await harness.newPage(playground.pageUrl);
  await showCorsPanel(harness.browser, page).catch((error) => say(`could not switch DevTools to the CORS tab (${String(error)}); pick it by hand.`));
  say("Chromium is open with DevTools on the CORS tab. Click the playground's buttons; Ctrl-C to quit.");
  harness.browser.on("disconnected", () => void stop(0));
}

main().catch(async (error) => {
  process.stderr.write(`[cors-lens] ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
});
