/**
 * What an open panel or popup costs the page it inspects: the benchmark's burst of fetches
 * (traffic.ts) with nothing open, with the panel open (panel.html?tabId=N, as the DevTools
 * panel loads it) and with the popup open, alternating in every round; prints the page's time
 * for the burst and the CPU of the browser's processes (proc-cpu.ts), medians over the rounds.
 *
 *   npx tsx bench/pages-open.ts [rounds=5] [requests=500] [extension dir…]
 *
 * With several extension directories (copies of dist/chrome built from different commits),
 * each gets its own browser, one after the other, so two builds can be compared in one run.
 * Not part of `npm run bench`: it answers a question the budgets do not ask (they measure the
 * capture with no page open), and it takes a minute per build.
 */
import type { Page } from "puppeteer";
import { DIST_CHROME, launchChromiumWithExtension } from "../test/support/chromium";
import { startTestServers } from "../test/support/server";
import { cpuByKind } from "./proc-cpu";
import { median, sleep } from "./stats";
import { burstExpression, requestMix } from "./traffic";

const KINDS = ["browser", "extension", "renderer", "network.NetworkService"] as const;
type Arm = "none" | "panel" | "popup";

interface Sample {
  pageMs: number;
  cpu: Record<string, number>;
}

async function measure(dir: string, rounds: number, requests: number): Promise<Record<Arm, Sample[]>> {
  const servers = await startTestServers();
  const h = await launchChromiumWithExtension({ extensionPath: dir });
  const samples: Record<Arm, Sample[]> = { none: [], panel: [], popup: [] };
  try {
    const page = await h.newPage(`${servers.pageOrigin}/page?title=pages-open`);
    const tabId = await h.tabIdOf(page);
    const pid = h.browser.process()?.pid;
    const burst = async (label: string): Promise<Sample> => {
      // a navigation clears the tab's log: every burst starts from the same log
      await page.reload({ waitUntil: "load" });
      await sleep(1500);
      const before = cpuByKind(pid);
      const { ms } = (await page.evaluate(burstExpression(requestMix(servers), requests, label))) as { ms: number };
      await sleep(1000);
      const after = cpuByKind(pid);
      const cpu: Record<string, number> = {};
      for (const kind of KINDS) cpu[kind] = (after[kind] ?? 0) - (before[kind] ?? 0);
      return { pageMs: ms, cpu };
    };
    await burst("warm");
    for (let round = 0; round < rounds; round++) {
      for (const arm of ["none", "panel", "popup"] as const) {
        let opened: Page | null = null;
        if (arm !== "none") {
          opened = await h.newPage(`chrome-extension://${h.extensionId}/${arm}.html?tabId=${tabId}`);
          await page.bringToFront();
          await sleep(500);
        }
        samples[arm].push(await burst(`${arm}-${round}`));
        await opened?.close();
      }
    }
  } finally {
    await h.close();
    await servers.close();
  }
  return samples;
}

function report(dir: string, samples: Record<Arm, Sample[]>): void {
  const base = median(samples.none.map((s) => s.pageMs));
  console.log(`\n${dir} (${samples.none.length} rounds; medians)`);
  console.log(`  ${"open".padEnd(6)} ${"page ms".padStart(8)} ${"× none".padStart(7)}  ${KINDS.map((k) => ` ${k.split(".")[0]} CPU ms`.padStart(18)).join("")}`);
  for (const arm of ["none", "panel", "popup"] as const) {
    const page = median(samples[arm].map((s) => s.pageMs));
    const cpu = KINDS.map((k) => String(median(samples[arm].map((s) => s.cpu[k] ?? 0))).padStart(18)).join("");
    console.log(`  ${arm.padEnd(6)} ${page.toFixed(0).padStart(8)} ${(page / base).toFixed(3).padStart(7)}  ${cpu}`);
  }
}

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 5);
  const requests = Number(process.argv[3] ?? 500);
  const dirs = process.argv.slice(4);
  for (const dir of dirs.length > 0 ? dirs : [DIST_CHROME]) report(dir, await measure(dir, rounds, requests));
}

if (process.argv[1]?.endsWith("pages-open.ts")) await main();
