/**
 * Records the raw CaptureEvent streams of real Chromium for the scenarios of
 * test/support/scenarios.ts, with the built extension (dist/chrome), into
 * test/fixtures/events/chromium/<scenario>.json (an array of CaptureEvent, pretty JSON,
 * timestamps as the browser reported them).
 *
 *   npm run record-fixtures            (builds first)
 *   npx tsx tools/record-fixtures.ts   (uses the current dist/chrome)
 *
 * Events come from the worker's debug recorder (src/platform/recorder.ts), read through
 * Puppeteer's worker.evaluate. Only the scenario tab's events are kept (the page load itself
 * is not part of a scenario).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { repoRoot } from "../test/support/paths";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { fixtureScenarios, runInPage } from "../test/support/scenarios";
import { startTestServers } from "../test/support/server";

const OUT = resolve(repoRoot(), "test/fixtures/events/chromium");

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  mkdirSync(OUT, { recursive: true });
  const servers = await startTestServers();
  const harness = await launchChromiumWithExtension();
  try {
    for (const scenario of fixtureScenarios(servers)) {
      if (only.length > 0 && !only.includes(scenario.name)) continue;
      // A fresh tab per scenario: no cached preflight or connection is shared between them.
      const page = await harness.newPage(`${servers.pageOrigin}/page?title=${scenario.name}`);
      const tabId = await harness.tabIdOf(page);
      await harness.startRecording();
      const results = await runInPage(page, scenario.requests, scenario.concurrent);
      await new Promise((r) => setTimeout(r, 300));
      const events = (await harness.takeRecording()).filter((e) => e.tabId === tabId && !e.url.endsWith("/favicon.ico"));
      writeFileSync(join(OUT, `${scenario.name}.json`), `${JSON.stringify(events, null, 2)}\n`);
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
