/**
 * The CPU time CORS Lens's service worker spends on one burst of the browsing benchmark,
 * without the page and the network (`npx tsx bench/worker-cost.ts <extension folder>… [--runs=N]`):
 * the event stream of one real 500-fetch burst is recorded once, then replayed through each
 * build's own listener code (the REPLAY_GLOBAL dispatcher) with the recorded spacing, each event
 * in its own task as real events come, and the extension process's CPU time (Linux /proc) is read
 * before and after (plus 1 s for what the burst left: storage calls, compaction). On a shared
 * 2-core machine page times swing by ±30%; this figure moves much less, so it shows what a
 * change of the worker saved. A tool for finding causes, not part of `npm run bench`.
 */
import { writeFileSync } from "node:fs";
import type { WebWorker } from "puppeteer";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { startTestServers } from "../test/support/server";
import { isExtensionWorker, selfTimes, startProfiling, stopProfiling } from "./cdp-profile";
import { cpuByKind } from "./proc-cpu";
import { recordTemplate, type Template } from "./replay";
import { sleep } from "./stats";

/** CPU ms (user + system) of the extension's renderer process (the one running its worker). */
const extensionCpuMs = (rootPid: number): number => cpuByKind(rootPid).extension ?? 0;

const PACED = `async (events, nonce) => {
  const dispatch = globalThis.__corsLensReplay;
  const t0 = events[0].timeStamp;
  const start = performance.now();
  const channel = new MessageChannel();
  const waiting = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  const nextTask = () => new Promise((resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });
  const base = Date.now();
  for (const e of events) {
    const due = e.timeStamp - t0 - (performance.now() - start);
    if (due > 1) await new Promise((r) => setTimeout(r, due));
    dispatch(e.kind, { ...e, requestId: nonce + e.requestId, url: e.url + "&r=" + nonce, timeStamp: base + (e.timeStamp - t0) });
    await nextTask();
  }
  return performance.now() - start;
}`;

async function measure(worker: WebWorker, pid: number, template: Template, nonce: string): Promise<{ cpuMs: number; wallMs: number }> {
  const before = extensionCpuMs(pid);
  const wallMs = (await worker.evaluate(`(${PACED})(${JSON.stringify(template.events)}, ${JSON.stringify(nonce)})`)) as number;
  await sleep(1000);
  return { cpuMs: extensionCpuMs(pid) - before, wallMs };
}

export async function main(): Promise<void> {
  const runs = Number(process.argv.find((a) => a.startsWith("--runs="))?.slice(7) ?? 3);
  const dirs = process.argv.slice(2).filter((a) => !a.startsWith("--"));
  const servers = await startTestServers();
  try {
    // the template: one real burst, recorded by the first build
    const first = await launchChromiumWithExtension({ extensionPath: dirs[0] });
    let template: Template;
    try {
      const page = await first.newPage(`${servers.pageOrigin}/page?title=template`);
      template = await recordTemplate(first, servers, page, await first.tabIdOf(page), 500);
      template.events.sort((a, b) => a.timeStamp - b.timeStamp);
    } finally {
      await first.close();
    }
    const results = new Map<string, number[]>(dirs.map((d) => [d, []]));
    const harnesses = await Promise.all(dirs.map((d) => launchChromiumWithExtension({ extensionPath: d })));
    try {
      for (let r = 0; r < runs + 1; r++) {
        for (const [i, _dir] of dirs.entries()) {
          const h = harnesses[(i + r) % dirs.length] as (typeof harnesses)[number];
          const d = dirs[(i + r) % dirs.length] as string;
          const { cpuMs, wallMs } = await measure(await h.worker(), h.browser.process()?.pid as number, template, `x${r}-`);
          console.log(`${r === 0 ? "warm-up" : `run ${r}`}: ${d}: extension process ${cpuMs} ms CPU (replay ${wallMs.toFixed(0)} ms)`);
          if (r > 0) results.get(d)?.push(cpuMs);
        }
      }
      if (process.argv.includes("--profile")) {
        // one more run of the last build under the sampling profiler (function names are
        // minified unless that folder holds an unminified build)
        const h = harnesses[harnesses.length - 1] as (typeof harnesses)[number];
        const target = h.browser.targets().find(isExtensionWorker);
        const session = await target?.createCDPSession();
        if (session) {
          await startProfiling(session);
          await measure(await h.worker(), h.browser.process()?.pid as number, template, "profiled-");
          const profile = await stopProfiling(session);
          for (const { name, ms } of selfTimes(profile).slice(0, 40)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
          writeFileSync("test-output/worker-cost.cpuprofile", JSON.stringify(profile));
        }
      }
    } finally {
      for (const h of harnesses) await h.close();
    }
    for (const [d, list] of results) {
      const sorted = [...list].sort((a, b) => a - b);
      console.log(`${d}: median ${sorted[Math.floor(sorted.length / 2)]} ms CPU per burst of ${template.events.length} events (${list.join(", ")})`);
    }
  } finally {
    await servers.close();
  }
}

if (process.argv[1]?.endsWith("worker-cost.ts")) await main();
