/**
 * Browsing overhead: one page fires 500 cross-origin fetches at once (half preflighted, one in
 * five failing, see traffic.ts) in three browsers launched alike — no extension, the floor
 * extension (empty listeners with extraHeaders, bench/floor-extension) and CORS Lens — in
 * rounds that alternate the order (every permutation in turn). Each round gives paired ratios
 * Lens/floor and Lens/none; the figures are their medians with a 95% interval.
 *
 * The time is the page's own: from the first fetch to the last body read (performance.now()
 * in the page). Between rounds each browser navigates the tab again, which also clears CORS
 * Lens's log for it, and everybody waits the same settle time.
 *
 * Also measured: the CPU time all the browser's processes spent on the burst and the settle
 * time after it (Linux /proc), as ratios the same way. Page time on a shared 2-core machine
 * moves with whatever else runs; CPU time much less, so it shows what a change saved when the
 * page times are too noisy to.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import puppeteer, { type Browser, type Page } from "puppeteer";
import { CHROMIUM_ARGS, findBrowser } from "../tools/browsers";
import { repoRoot } from "../test/support/paths";
import type { TestServers } from "../test/support/server";
import { IDLE_WAIT_MS } from "../src/platform/write-queue";
import { fromSummary, type Row } from "./report";
import { pairedRatios, permutations, sleep, summarize } from "./stats";
import { type BurstResult, burstExpression, FAILING_PER_20, requestMix } from "./traffic";

export interface BrowsingOptions {
  rounds: number;
  warmup: number;
  requests: number;
  /** the CORS Lens build to load (a copy of dist/chrome) */
  extensionPath: string;
  /** other builds measured in the same rounds (e.g. the build before a change), name → folder */
  compare?: Record<string, string>;
  /** fresh browsers every this many measured rounds (default RELAUNCH_EVERY; 0: never) */
  relaunchEvery?: number;
  log?: (line: string) => void;
}

/**
 * A browser instance carries a bias of its own: two browsers running the same build in the
 * same rounds measured 1.084× and 1.122× against the floor (paired median 1.002; docs/performance-history.md,
 * session of 2026-11-27). Fresh browsers every few rounds spread that over several instances of each
 * variant instead of leaving the whole figure to one.
 */
export const RELAUNCH_EVERY = 5;

type Variant = string;

interface Instance {
  variant: Variant;
  browser: Browser;
  page: Page;
}

/** The floor extension copied to a temporary folder, as the brief of the benchmark asks: the
 * browser loads an unpacked copy, never the source folder. */
function floorCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-floor-"));
  cpSync(resolve(repoRoot(), "bench/floor-extension"), dir, { recursive: true });
  return dir;
}

async function launch(variant: Variant, extensionPath: string | null): Promise<Instance> {
  const browser = await puppeteer.launch({
    executablePath: findBrowser("chromium"),
    headless: true,
    pipe: true,
    args: CHROMIUM_ARGS,
    ...(extensionPath ? { enableExtensions: [extensionPath] } : {}),
  });
  if (extensionPath) {
    // the listeners exist once the worker ran: wait for it before measuring anything
    await browser.waitForTarget((t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"), { timeout: 30000 });
  }
  const [first] = await browser.pages();
  const page = first ?? (await browser.newPage());
  return { variant, browser, page };
}

/** CPU time (user + system, ms) of a process and all its descendants; null without /proc. */
function treeCpuMs(rootPid: number | undefined): number | null {
  if (rootPid === undefined) return null;
  try {
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const text = readFileSync(`/proc/${name}/stat`, "utf8");
        // fields after the command name (which may hold spaces) in parentheses
        const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
        stats.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
      } catch {
        // the process ended meanwhile
      }
    }
    let ticks = 0;
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      ticks += stats.get(pid)?.ticks ?? 0;
      for (const [child, s] of stats) if (s.ppid === pid) queue.push(child);
    }
    return ticks * 10; // USER_HZ is 100 on Linux
  } catch {
    return null;
  }
}

async function round(instance: Instance, pageUrl: string, expression: string): Promise<BurstResult & { cpuMs: number | null }> {
  await instance.page.goto(pageUrl, { waitUntil: "load" });
  await sleep(150);
  const pid = instance.browser.process()?.pid;
  const cpuBefore = treeCpuMs(pid);
  const result = (await instance.page.evaluate(expression)) as BurstResult;
  // let the extension's worker finish what the burst gave it before another browser runs (and
  // count its CPU): CORS Lens removes the keys of dropped entries once its writes have
  // paused for IDLE_WAIT_MS (src/platform/write-queue.ts)
  await sleep(300 + IDLE_WAIT_MS);
  const cpuAfter = treeCpuMs(pid);
  return { ...result, cpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore };
}

export async function benchBrowsing(servers: TestServers, options: BrowsingOptions): Promise<{ rows: Row[]; raw: Record<Variant, number[]> }> {
  const log = options.log ?? (() => undefined);
  const templates = requestMix(servers);
  const floorDir = floorCopy();
  const instances: Instance[] = [];
  const relaunchEvery = options.relaunchEvery ?? RELAUNCH_EVERY;
  const expectedFailed = Math.round((options.requests * FAILING_PER_20) / 20);
  /** one burst in `instance`; throws when it did not fail exactly the failing templates (it measured something else) */
  const burst = async (instance: Instance, tag: string) => {
    const pageUrl = `${servers.pageOrigin}/page?title=bench-${instance.variant}`;
    const result = await round(instance, pageUrl, burstExpression(templates, options.requests, `${instance.variant}${tag}`));
    if (Math.abs(result.failed - expectedFailed) > 1) {
      throw new Error(`${instance.variant}: ${result.failed} of ${options.requests} fetches failed, expected ${expectedFailed}`);
    }
    return result;
  };
  const launchAll = async () => {
    instances.push(await launch("none", null));
    instances.push(await launch("floor", floorDir));
    instances.push(await launch("lens", options.extensionPath));
    for (const [name, path] of Object.entries(options.compare ?? {})) instances.push(await launch(name, path));
  };
  // with more than three variants, rotate (permutations would take too many rounds to cycle)
  const ordersOf = (list: Instance[]) =>
    list.length <= 3 ? permutations(list) : list.map((_, r) => list.map((__, i) => list[(i + r) % list.length] as Instance));
  try {
    await launchAll();
    let orders = ordersOf(instances);
    const times: Record<Variant, number[]> = Object.fromEntries(instances.map((i) => [i.variant, []]));
    const cpu: Record<Variant, number[]> = Object.fromEntries(instances.map((i) => [i.variant, []]));
    for (let r = 0; r < options.warmup + options.rounds; r++) {
      const measured = r - options.warmup;
      if (relaunchEvery > 0 && measured > 0 && measured % relaunchEvery === 0) {
        for (const i of instances.splice(0)) await i.browser.close();
        await launchAll();
        orders = ordersOf(instances);
        for (const instance of instances) await burst(instance, `relaunch${r}`); // its warm-up
        log(`  browsing: fresh browsers (every ${relaunchEvery} rounds)`);
      }
      const order = orders[r % orders.length] as Instance[];
      const inRound: string[] = [];
      for (const instance of order) {
        const result = await burst(instance, String(r));
        if (r >= options.warmup) {
          times[instance.variant]?.push(result.ms);
          if (result.cpuMs !== null) cpu[instance.variant]?.push(result.cpuMs);
        }
        inRound.push(`${instance.variant} ${result.ms.toFixed(0)} ms${result.cpuMs === null ? "" : ` (cpu ${result.cpuMs} ms)`}`);
      }
      log(`  browsing ${r < options.warmup ? "warm-up" : `round ${r - options.warmup + 1}/${options.rounds}`}: ${inRound.join(", ")}`);
    }
    const part = "browsing";
    const n = options.requests;
    const of = (v: Variant) => times[v] ?? [];
    const rows: Row[] = [
      fromSummary(part, `${n} fetches: CORS Lens / floor (empty extraHeaders listeners)`, "×", summarize(pairedRatios(of("lens"), of("floor"))), {
        budget: "≤ 1.05",
      }),
      fromSummary(part, `${n} fetches: CORS Lens / no extension`, "×", summarize(pairedRatios(of("lens"), of("none")))),
      fromSummary(part, `${n} fetches: floor / no extension`, "×", summarize(pairedRatios(of("floor"), of("none")))),
      fromSummary(part, `${n} fetches, no extension (absolute)`, "ms", summarize(of("none"))),
      ...Object.keys(options.compare ?? {}).flatMap((name) => [
        fromSummary(part, `${n} fetches: ${name} / floor (comparison build)`, "×", summarize(pairedRatios(of(name), of("floor")))),
        // the two builds against each other, round by round: the floor's own noise left out
        fromSummary(part, `${n} fetches: CORS Lens / ${name}, paired in each round`, "×", summarize(pairedRatios(of("lens"), of(name)))),
      ]),
    ];
    const cpuOf = (v: Variant) => cpu[v] ?? [];
    if (cpuOf("lens").length === options.rounds && cpuOf("floor").length === options.rounds) {
      rows.push(
        fromSummary(part, `${n} fetches, browser CPU time: CORS Lens / floor`, "×", summarize(pairedRatios(cpuOf("lens"), cpuOf("floor")))),
        ...Object.keys(options.compare ?? {}).map((name) =>
          fromSummary(part, `${n} fetches, browser CPU time: ${name} / floor (comparison build)`, "×", summarize(pairedRatios(cpuOf(name), cpuOf("floor")))),
        ),
      );
    }
    const lensRatio = rows[0] as Row;
    lensRatio.met = lensRatio.value <= 1.05;
    return { rows, raw: { ...times, ...Object.fromEntries(Object.entries(cpu).map(([v, list]) => [`${v} cpu ms`, list])) } };
  } finally {
    for (const instance of instances) await instance.browser.close().catch(() => undefined);
    rmSync(floorDir, { recursive: true, force: true });
  }
}
