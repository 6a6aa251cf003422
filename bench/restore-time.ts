/**
 * How long a restarted worker takes to be ready (`npx tsx bench/restore-time.ts <extension
 * folder>…`): the log is filled to the storage bound (copies of one recorded 500-fetch burst
 * replayed into two tabs, see replay.ts), then the worker is stopped and woken by a message, and
 * the time until that message is answered (the worker answers once its restore is over) is
 * measured: with the log compacted (after a quiet second), and with a journal to replay (stopped
 * right after a burst of 500 requests). Events that arrive meanwhile are journaled at once and
 * applied after: the time is what a page waits, not a window of loss. A tool, not part of
 * `npm run bench`.
 */
import { launchChromiumWithExtension } from "../test/support/chromium";
import { startTestServers } from "../test/support/server";
import { installReplay, recordTemplate, replay } from "./replay";
import { sleep } from "./stats";

async function main(): Promise<void> {
  const dirs = process.argv.slice(2);
  const servers = await startTestServers();
  try {
    for (const dir of dirs) {
      const h = await launchChromiumWithExtension({ extensionPath: dir });
      try {
        const page = await h.newPage(`${servers.pageOrigin}/page?title=restore`);
        const tabId = await h.tabIdOf(page);
        const template = await recordTemplate(h, servers, page, tabId, 500);
        await installReplay(await h.worker(), template);
        let copies = 0;
        for (; copies < 8; copies++) await replay(await h.worker(), copies, 1, tabId);
        // a second tab: past one tab's bound of exchanges, up to the storage bound of all tabs
        const other = await h.newPage(`${servers.pageOrigin}/page?title=restore-2`);
        const otherId = await h.tabIdOf(other);
        for (let i = 0; i < 4; i++) await replay(await h.worker(), copies++, 1, otherId);
        await sleep(1500);
        const bytes = (await (await h.worker()).evaluate("chrome.storage.session.getBytesInUse(null)")) as number;
        const restart = async (): Promise<number> => {
          await h.killWorker();
          const t0 = performance.now();
          await h.request({ type: "getSettings" });
          return performance.now() - t0;
        };
        const quiet: number[] = [];
        for (let i = 0; i < 3; i++) {
          quiet.push(await restart());
          await sleep(1500);
        }
        const afterBurst: number[] = [];
        for (let i = 0; i < 3; i++) {
          await installReplay(await h.worker(), template);
          await replay(await h.worker(), copies++, 1, tabId);
          afterBurst.push(await restart());
          await sleep(1500);
        }
        const log = await h.request({ type: "getLog", tabId });
        const otherLog = await h.request({ type: "getLog", tabId: otherId });
        const fmt = (list: number[]) => list.map((ms) => `${ms.toFixed(0)} ms`).join(", ");
        console.log(`${dir}: ${log.entries.length} + ${otherLog.entries.length} exchanges (${log.dropped + otherLog.dropped} dropped), storage ${(bytes / 1048576).toFixed(1)} MB; ready after a restart: compacted ${fmt(quiet)}; right after a burst ${fmt(afterBurst)}`);
      } finally {
        await h.close();
      }
    }
  } finally {
    await servers.close();
  }
}

await main();
