/**
 * Does a storage.session write that the worker issued just before it was stopped land?
 * (`npx tsx bench/stop-write.ts [rounds]`, after `node build.mjs`.) The worker issues one
 * set() and is stopped (Puppeteer's close(), as the kill test does) 0–20 ms later; the next
 * worker reads the key back. Tells apart the two ways a stop can lose a captured event: an
 * issued write the browser drops with the stopping worker, or an event the worker never ran
 * (bench/dispatch-latency.ts traces those). A tool for finding causes, not part of
 * `npm run bench`.
 */
import { join } from "node:path";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { repoRoot } from "../test/support/paths";

const DELAYS_MS = [0, 2, 5, 10, 20];

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 8);
  const h = await launchChromiumWithExtension({ extensionPath: join(repoRoot(), "dist/chrome") });
  const landed = new Map<number, { landed: number; tried: number }>(DELAYS_MS.map((d) => [d, { landed: 0, tried: 0 }]));
  try {
    for (let round = 0; round < rounds; round++) {
      for (const delay of DELAYS_MS) {
        const key = `stop-write-probe:${round}:${delay}`;
        // set() is issued, not awaited: the stop comes `delay` ms after evaluate() returned
        await (await h.worker(true)).evaluate((k: string) => {
          void chrome.storage.session.set({ [k]: 1 });
        }, key);
        if (delay > 0) await new Promise((r) => setTimeout(r, delay));
        await h.killWorker();
        await h.request({ type: "getSettings" }); // wakes the next worker
        const value = await (await h.worker(true)).evaluate(async (k: string) => (await chrome.storage.session.get(k))[k], key);
        const figure = landed.get(delay) as { landed: number; tried: number };
        figure.tried++;
        if (value === 1) figure.landed++;
        await (await h.worker(true)).evaluate((k: string) => chrome.storage.session.remove(k), key);
      }
    }
  } finally {
    await h.close();
  }
  for (const [delay, f] of landed) console.log(`stopped ${delay} ms after set() was issued: ${f.landed} of ${f.tried} writes landed`);
}

await main();
