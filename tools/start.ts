/**
 * `npm start`: build the extension, start the CORS playground on three local origins, and
 * launch Chromium with CORS Lens loaded on it.
 * - With a display (and not CI): a normal window, DevTools open on the CORS tab; runs until
 *   Ctrl-C or until the window is closed.
 * - Without one (a server, CI=true, or --headless): clicks "Run all" in the playground, saves
 *   the page and panel screenshots and the exported HAR under demo-output/, prints a
 *   per-origin summary of the diagnoses, and exits 0.
 * Either way it says what it did and where the files are, and Ctrl-C closes the browser (and
 * its temporary profile) and the servers before exiting.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import type { Page } from "puppeteer";
import { type Playground, startPlayground } from "../demo/playground";
import { methodOf, mismatch, type Observed, SITUATIONS, type Situation } from "../demo/situations";
import type { DiagnosedExchange } from "../src/cors/model";
import { type ExtHarness, launchChromiumWithExtension } from "../test/support/chromium";
import { showCorsPanel } from "../test/support/devtools";
import { findBrowser } from "./browsers";

const USAGE = `usage: npm start [-- [--headless] [--port <n>]]

Builds CORS Lens, starts the CORS playground on three local origins and opens Chromium with
the extension loaded on it. With a display: a window with DevTools on the CORS tab (Ctrl-C
quits). Without one, with CI=true or with --headless: clicks through the playground, writes
demo-output/ (panel.png, playground.png, the exported HAR), prints a summary and exits.
  --port <n>  the page on port n, the API on n+1, the CDN on n+2 (default: free ports)
Chromium comes from CHROME_PATH (default: /usr/bin/chromium, then the usual places).`;

const root = join(import.meta.dirname, "..");
const outDir = join(root, "demo-output");
const say = (line: string) => process.stdout.write(`[cors-lens] ${line}\n`);
const shown = (path: string) => relative(process.cwd(), path) || ".";

// ---- stopping: every resource registers its cleanup; Ctrl-C runs them, newest first ----

const cleanups: { what: string; run: () => Promise<unknown> }[] = [];
let stopping: Promise<never> | null = null;
let interactive = false;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return Promise.race([promise, new Promise<undefined>((resolve) => { globalThis.setTimeout(resolve, ms); })]);
}

function stop(code: number): Promise<never> {
  stopping ??= (async () => {
    for (const cleanup of cleanups.reverse()) {
      await withTimeout(cleanup.run(), 10000).catch((error: unknown) => say(`could not close ${cleanup.what}: ${String(error)}`));
    }
    process.exit(code);
  })();
  return stopping;
}

let firstSignalAt = 0;
function onSignal(signal: NodeJS.Signals): void {
  const now = Date.now();
  if (firstSignalAt !== 0) {
    // Under `npm start` one Ctrl-C arrives more than once within milliseconds (the terminal
    // signals the whole process group, and npm and tsx forward it too): ignore those copies.
    // A second Ctrl-C from an impatient human exits at once; Puppeteer's exit hook still
    // kills the browser then.
    if (now - firstSignalAt < 1000) return;
    say(`${signal} again: exiting at once.`);
    process.exit(130);
  }
  firstSignalAt = now;
  say(`${signal}: closing the browser and the playground servers …`);
  // Quitting an interactive session with Ctrl-C is the normal way to end it.
  void stop(interactive ? 0 : signal === "SIGINT" ? 130 : 143);
}
const SIGNALS: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
for (const signal of SIGNALS) process.on(signal, onSignal);

/**
 * Stops what is left of the browser and removes its profile for good. Killing the main process
 * alone was not enough (CI, a loaded machine): its helpers (renderers, GPU, utility processes)
 * outlived it for a moment and wrote into the profile again after it was removed. They share
 * the browser's process group (Puppeteer starts the browser as a group leader), so the whole
 * group is stopped; then the profile is removed until it stays removed.
 */
async function removeProfile(pid: number | undefined, profile: string): Promise<void> {
  if (pid !== undefined) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // the group is gone already (the graceful close finished)
    }
  }
  for (let attempt = 0; attempt < 20; attempt++) {
    rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    await new Promise((resolve) => globalThis.setTimeout(resolve, 100));
    if (!existsSync(profile)) return;
  }
  throw new Error(`${profile} came back after being removed 20 times`);
}

/** Puppeteer's own signal handlers SIGKILL Chromium and exit at once, which leaves its
 * temporary profile behind in /tmp; ours close it properly. (Its exit hook, which kills the
 * browser if the process ends any other way, stays.) */
function keepOnlyOurSignalHandlers(): void {
  for (const signal of SIGNALS) {
    for (const listener of process.listeners(signal)) if (listener !== onSignal) process.off(signal, listener);
  }
}

// ---- the mode ----

function headlessReason(argv: string[]): string | null {
  if (argv.includes("--headless")) return "--headless";
  const ci = process.env.CI;
  if (ci !== undefined && ci !== "" && ci !== "0" && ci !== "false") return `CI=${ci}`;
  if (process.platform === "linux" && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return "no display (DISPLAY is not set)";
  return null;
}

// ---- the summary ----

function situationOf(entry: DiagnosedExchange, playground: Playground): Situation | undefined {
  const origins = { api: playground.apiOrigin, cdn: playground.cdnOrigin };
  return SITUATIONS.find((s) => `${origins[s.target]}${s.path}` === entry.exchange.url && methodOf(s) === entry.exchange.method);
}

const observed = (e: DiagnosedExchange): Observed => ({
  verdict: e.diagnosis.verdict,
  failureId: e.diagnosis.failure?.id,
  warnings: e.diagnosis.warnings.map((w) => w.id),
});

function summarise(entries: DiagnosedExchange[], playground: Playground): string {
  const byOrigin = new Map<string, DiagnosedExchange[]>();
  for (const e of entries) {
    if (e.exchange.trafficClass !== "cross-origin") continue;
    const origin = new URL(e.exchange.url).origin;
    byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), e]);
  }
  const lines: string[] = [];
  let matched = 0;
  for (const [origin, list] of byOrigin) {
    const count = (v: string) => list.filter((e) => e.diagnosis.verdict === v).length;
    const warned = list.filter((e) => e.diagnosis.warnings.length > 0).length;
    lines.push(`${origin}: ${count("blocked")} blocked, ${count("allowed")} allowed, ${warned} with warnings`);
    for (const e of list) {
      const d = e.diagnosis;
      const what = [d.failure?.id, ...d.warnings.map((w) => w.id)].filter(Boolean).join(", ") || "ok";
      const situation = situationOf(e, playground);
      const ok = situation !== undefined && mismatch(situation, observed(e)) === null;
      if (ok) matched++;
      const mark = situation === undefined ? " " : ok ? "\u2713" : "\u2717";
      lines.push(`  ${mark} ${d.verdict.padEnd(8)} ${e.exchange.method.padEnd(6)} ${new URL(e.exchange.url).pathname.padEnd(22)} ${what}`);
    }
  }
  lines.push("");
  lines.push(`\u2713 = as the playground expects: ${matched} of ${SITUATIONS.length} situations.`);
  return lines.join("\n");
}

// ---- the headless run ----

async function waitForHar(dir: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const name = readdirSync(dir).find((f) => f.endsWith(".har"));
    if (name) {
      const path = join(dir, name);
      try {
        JSON.parse(readFileSync(path, "utf8"));
        return path;
      } catch {
        // still being written
      }
    }
    if (Date.now() > deadline) throw new Error(`the exported HAR did not arrive in ${shown(dir)} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function openPanel(harness: ExtHarness, tabId: number): Promise<Page> {
  const panel = await harness.browser.newPage();
  await panel.setViewport({ width: 1400, height: 900 });
  await panel.emulateMediaFeatures([{ name: "prefers-color-scheme", value: "light" }]);
  await panel.goto(`chrome-extension://${harness.extensionId}/panel.html?tabId=${tabId}`, { waitUntil: "load" });
  // Origins are listed blocked first: #origin-1 is the API. Open its first exchange (a blocked
  // one) so that the screenshot shows a diagnosis and its fix.
  await panel.waitForSelector("#origin-1", { timeout: 10000 });
  await panel.click("#origin-1");
  await panel.waitForSelector("#exchange-0", { timeout: 10000 });
  await panel.click("#exchange-0");
  await panel.waitForSelector('[aria-label="Exchange detail"]', { timeout: 10000 });
  return panel;
}

async function runHeadless(harness: ExtHarness, playground: Playground): Promise<void> {
  const page = await harness.newPage(playground.pageUrl);
  await page.setViewport({ width: 1200, height: 720 });
  const tabId = await harness.tabIdOf(page);
  say(`clicking "Run all" in the playground (${SITUATIONS.length} situations) …`);
  await page.click("#run-all");
  await page.waitForSelector("body[data-all-done]", { timeout: 60000 });
  const entries = await harness.waitForExchanges(
    tabId,
    (es) => es.filter((e) => e.exchange.trafficClass === "cross-origin" && e.exchange.outcome.state !== "pending").length >= SITUATIONS.length,
    20000,
  );

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const pageShot = join(outDir, "playground.png");
  await page.screenshot({ path: pageShot, fullPage: true });
  const panel = await openPanel(harness, tabId);
  const panelShot = join(outDir, "panel.png");
  await panel.screenshot({ path: panelShot });
  // The HAR comes from the panel's own "Export HAR" button, as a user would get it.
  const cdp = await panel.createCDPSession();
  await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: outDir });
  const exportButton = await panel.waitForSelector("::-p-aria(Export HAR)", { timeout: 5000 });
  if (!exportButton) throw new Error('the panel has no "Export HAR" button');
  await exportButton.click();
  const har = await waitForHar(outDir, 10000);

  process.stdout.write(`\nCORS Lens's diagnoses, by target origin (page ${playground.pageOrigin}):\n${summarise(entries, playground)}\n\n`);
  say(`wrote ${shown(panelShot)}       the CORS panel, first blocked request open`);
  say(`wrote ${shown(pageShot)}  the playground page after "Run all"`);
  say(`wrote ${shown(har)}  the panel's "Export HAR" (open it with \`npx cors-lens analyze\`)`);
}

// ---- the interactive run ----

async function runInteractive(harness: ExtHarness, playground: Playground): Promise<void> {
  const page = await harness.newPage(playground.pageUrl);
  // Keep one tab: close the start-up blank tab and the harness's extension page (and their DevTools).
  for (const other of await harness.browser.pages()) if (other !== page) await other.close().catch(() => undefined);
  // Puppeteer emulates an 800×600 viewport by default; a person's window should just fit the window.
  await page.setViewport(null);
  await page.bringToFront();
  try {
    const { devtools } = await showCorsPanel(harness.browser, page);
    // Attaching to DevTools applied the same 800×600 emulation to it: let it fill its window.
    await devtools.setViewport(null);
    say("Chromium is open on the playground with DevTools on the CORS tab.");
  } catch (error) {
    say(`Chromium is open on the playground; DevTools did not switch to the CORS tab by itself (${String(error)}): pick "CORS" in DevTools.`);
  }
  say('Click the buttons (or "Run all") and watch the CORS tab. Ctrl-C here, or closing the window, quits.');
  interactive = true;
  harness.browser.on("disconnected", () => {
    if (stopping) return;
    say("the browser window was closed.");
    void stop(0);
  });
}

/** findBrowser, with how to install Chromium added when it names no way to get one. */
function locateChromium(): string {
  try {
    return findBrowser("chromium", say);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/apt-get/.test(message)) throw error;
    throw new Error(
      `${message}\nTo install Chromium: Debian/Ubuntu \`sudo apt-get install chromium\`, Fedora \`sudo dnf install chromium\`, ` +
        "macOS `brew install --cask chromium`; or set CHROME_PATH to a Chrome, Chromium or Edge binary.",
    );
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const portAt = argv.indexOf("--port");
  const port = portAt < 0 ? 0 : Number(argv[portAt + 1]);
  if (!Number.isInteger(port) || port < 0 || port > 65533) throw new Error(`--port needs a port number (got ${argv[portAt + 1] ?? "nothing"})\n${USAGE}`);
  const unknown = argv.filter((a, i) => a !== "--headless" && !(portAt >= 0 && (i === portAt || i === portAt + 1)));
  if (unknown.length > 0) throw new Error(`unknown argument ${unknown.join(" ")}\n${USAGE}`);

  // Find the browser first: a missing one is the likeliest problem on a fresh machine.
  const chromium = locateChromium();
  const reason = headlessReason(argv);
  say(`Chromium: ${chromium}${process.env.CHROME_PATH ? " (CHROME_PATH)" : ""}`);
  say(`building the extension (node build.mjs) → ${shown(join(root, "dist/chrome"))}`);
  execFileSync(process.execPath, [join(root, "build.mjs")], { stdio: ["ignore", "ignore", "inherit"], cwd: root });

  const playground = await startPlayground(port === 0 ? {} : { page: port, api: port + 1, cdn: port + 2 }).catch((error: unknown) => {
    throw new Error(`${String(error instanceof Error ? error.message : error)}: --port ${port} needs ports ${port}–${port + 2} free; pick another, or leave --port out and free ports are chosen`);
  });
  cleanups.push({ what: "the playground servers", run: () => playground.close() });
  say(`CORS playground: page ${playground.pageUrl}  API ${playground.apiOrigin}  CDN ${playground.cdnOrigin}`);

  const harness = await launchChromiumWithExtension({ devtools: reason === null, headless: reason !== null });
  keepOnlyOurSignalHandlers();
  cleanups.push({ what: "Chromium", run: () => harness.close() });
  const browserProcess = harness.browser.process();
  const profile = browserProcess?.spawnargs.find((a) => a.startsWith("--user-data-dir="))?.slice("--user-data-dir=".length);
  const version = (await harness.browser.version()).replace(/^(Headless)?Chrome\//, "Chromium ");
  say(`launched ${version} (${reason === null ? "window" : `headless: ${reason}`}, pid ${browserProcess?.pid ?? "?"}) with CORS Lens ${harness.extensionId}`);
  if (profile) {
    say(`temporary browser profile ${profile} (removed on exit)`);
    // Runs right after the Chromium cleanup (cleanups run in reverse order). On a loaded
    // machine a graceful close can outlast its timeout and leave the profile behind: make
    // sure the browser is gone, then remove the profile ourselves.
    cleanups.splice(cleanups.length - 1, 0, { what: "the browser profile", run: () => removeProfile(browserProcess?.pid, profile) });
  }

  if (reason !== null) {
    await runHeadless(harness, playground);
    say("closing Chromium and the playground. Done; run it with a display for an interactive window.");
    await stop(0);
  }
  await runInteractive(harness, playground);
}

main().catch(async (error: unknown) => {
  // After Ctrl-C, the run in progress fails because its browser is closing: not news.
  if (stopping) return;
  process.stderr.write(`[cors-lens] ${error instanceof Error ? error.message : String(error)}\n`);
  await stop(1);
});
