/**
 * Records the raw CaptureEvent streams of a real browser for the scenarios of
 * test/support/scenarios.ts, with the built extension, into
 * test/fixtures/events/<browser>/<scenario>.json (an array of CaptureEvent, pretty JSON,
 * timestamps as the browser reported them).
 *
 *   npm run record-fixtures                          (Chromium, dist/chrome; builds first)
 *   npm run record-fixtures -- --firefox             (firefox-esr over WebDriver BiDi, dist/firefox)
 *   npx tsx tools/record-fixtures.ts [--firefox] [scenario …]   (uses the current dist/)
 *
 * Events come from the background's debug recorder (src/platform/recorder.ts): read through
 * Puppeteer's worker.evaluate in Chromium, through the background page in Firefox. Only the
 * scenario tab's events are kept (the page load itself is not part of a scenario).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import type { CaptureEvent } from "../src/capture/events";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { launchFirefoxWithExtension } from "../test/support/firefox";
import { repoRoot } from "../test/support/paths";
import { fixtureScenarios, runInPage } from "../test/support/scenarios";
import { startTestServers } from "../test/support/server";

/** What this tool needs from either harness. */
interface Recording {
  newPage(url: string): Promise<Page>;
  tabIdOf(page: Page): Promise<number>;
  startRecording(): Promise<void>;
  takeRecording(): Promise<CaptureEvent[]>;
  close(): Promise<void>;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const firefox = args.includes("--firefox");
  const only = args.filter((a) => !a.startsWith("--"));
  const out = resolve(repoRoot(), "test/fixtures/events", firefox ? "firefox" : "chromium");
  mkdirSync(out, { recursive: true });
  const servers = await startTestServers();
  const harness: Recording = firefox ? await launchFirefoxWithExtension() : await launchChromiumWithExtension();
  try {
    for (const scenario of fixtureScenarios(servers)) {
      if (only.length > 0 && !only.includes(scenario.name)) continue;
      // A fresh tab per scenario: no cached preflight or connection is shared between them.
      const page = await harness.newPage(`${servers.pageOrigin}/page?title=${scenario.name}`);
      const tabId = await harness.tabIdOf(page);
      await harness.startRecording();
      const results = await runInPage(page, scenario.requests, scenario.concurrent);
      // Firefox delivers the last events (a preflight's own error) a little after the page settles.
      await new Promise((r) => setTimeout(r, firefox ? 600 : 300));
      const events = (await harness.takeRecording()).filter((e) => e.tabId === tabId && !e.url.endsWith("/favicon.ico"));
      writeFileSync(join(out, `${scenario.name}.json`), `${JSON.stringify(events, null, 2)}\n`);
      console.log(`${scenario.name.padEnd(28)} ${String(events.length).padStart(3)} events  page saw: ${results.map((r) => (r.ok ? `ok ${r.status ?? ""}` : r.error)).join(" | ")}`);
      await page.close();
    }
  } finally {
    await harness.close();
    await servers.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
