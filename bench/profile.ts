/**
 * CPU profile of CORS Lens's service worker during one burst of the browsing benchmark
 * (`npx tsx bench/profile.ts [requests] [extension folder]`): builds an unminified copy of the
 * extension (or takes the folder given, or "floor": bench/floor-extension) into a
 * temporary folder (readable function names), records the worker with Chrome's sampling
 * profiler through Puppeteer (CDP Profiler domain), prints the functions with the most self
 * time and writes the profile to test-output/profiles/worker-<date>.cpuprofile (open it in DevTools'
 * Performance panel). A tool for finding causes, not part of `npm run bench`.
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as esbuild from "esbuild";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { repoRoot } from "../test/support/paths";
import { startTestServers } from "../test/support/server";
import { sleep } from "./stats";
import { burstExpression, requestMix } from "./traffic";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** dist/chrome with an unminified background.js */
export async function unminifiedExtension(): Promise<string> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-profile-"));
  cpSync(resolve(root, "dist/chrome"), dir, { recursive: true });
  await esbuild.build({
    entryPoints: { background: resolve(root, "src/entrypoints/background.ts") },
    outdir: dir,
    bundle: true,
    minify: false,
    format: "iife",
    target: ["chrome120"],
    define: { __BROWSER__: JSON.stringify("chromium"), __VERSION__: JSON.stringify("profile") },
    logLevel: "warning",
  });
  return dir;
}

/** The floor extension in a temporary folder, with the empty options.html the harness opens. */
function floorCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-profile-floor-"));
  cpSync(resolve(repoRoot(), "bench/floor-extension"), dir, { recursive: true });
  writeFileSync(join(dir, "options.html"), "<!doctype html><title>floor</title>");
  return dir;
}

/** CPU time (ms, user + system) of each of the browser's processes by kind: the browser
 * process (where storage.session lives), the extension's renderer (its service worker), the
 * other renderers (the page), the network service, the rest. Linux /proc; empty elsewhere. */
function cpuByKind(rootPid: number | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  if (rootPid === undefined) return out;
  try {
    const procs = new Map<number, { ppid: number; ms: number; kind: string }>();
    for (const name of readdirSync("/proc")) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, "utf8");
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        const args = readFileSync(`/proc/${name}/cmdline`, "utf8");
        const type = /--type=([\w-]+)/.exec(args)?.[1] ?? "browser";
        const sub = /--utility-sub-type=([\w.]+)/.exec(args)?.[1];
        const kind = args.includes("--extension-process") ? "extension" : sub ? sub.replace(/\.mojom\./, ".") : type;
        procs.set(Number(name), { ppid: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * 10, kind });
      } catch {
        // ended meanwhile
      }
    }
    const queue = [rootPid];
    while (queue.length > 0) {
      const pid = queue.pop() as number;
      const p = procs.get(pid);
      if (p) out[p.kind] = (out[p.kind] ?? 0) + p.ms;
      for (const [child, c] of procs) if (c.ppid === pid) queue.push(child);
    }
  } catch {
    // no /proc
  }
  return out;
}

/** Self time per function (ms), largest first. */
export function selfTimes(profile: CpuProfile): { name: string; ms: number }[] {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const totals = new Map<string, number>();
  for (let i = 0; i < profile.samples.length; i++) {
    const node = byId.get(profile.samples[i] as number);
    if (!node) continue;
    const f = node.callFrame;
    const where = f.url ? `${f.url.split("/").pop()}:${f.lineNumber + 1}` : "";
    const name = `${f.functionName || "(anonymous)"} ${where}`.trim();
    totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  }
  return [...totals.entries()].map(([name, ms]) => ({ name, ms })).sort((a, b) => b.ms - a.ms);
}

export async function main(): Promise<void> {
  const requests = Number(process.argv[2] ?? 500);
  // a folder, or "floor" for the benchmark's floor extension (its worker's cost is what every
  // capture pays: the event dispatch itself)
  const prebuilt = process.argv[3] === "floor" ? floorCopy() : process.argv[3];
  const servers = await startTestServers();
  const dir = prebuilt ?? (await unminifiedExtension());
  const h = await launchChromiumWithExtension({ extensionPath: dir });
  try {
    const page = await h.newPage(`${servers.pageOrigin}/page?title=profile`);
    const target = h.browser.targets().find((t) => t.type() === "service_worker" && t.url().startsWith("chrome-extension://"));
    if (!target) throw new Error("no worker target");
    const session = await target.createCDPSession();
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 200 });
    // warm up once (JIT, storage), then profile one burst
    await page.evaluate(burstExpression(requestMix(servers), requests, "warm"));
    await page.reload({ waitUntil: "load" });
    await sleep(500);
    // count the worker's storage.session calls and the characters of their string values
    await session.send("Runtime.evaluate", {
      expression: `(() => {
        if (!globalThis.chrome?.storage) return; // the floor extension has no storage
        const area = chrome.storage.session, set = area.set.bind(area), w = (globalThis.__profileWrites = { calls: 0, keys: 0, chars: 0, journalCalls: 0, journalChars: 0, ms: 0 });
        area.set = (items) => {
          w.calls++;
          const journal = Object.keys(items).every((k) => k.startsWith("j:"));
          if (journal) w.journalCalls++;
          for (const v of Object.values(items)) { w.keys++; if (typeof v === "string") { w.chars += v.length; if (journal) w.journalChars += v.length; } }
          const t0 = performance.now();
          const p = set(items);
          w.ms += performance.now() - t0;
          if (journal) w.journalMs = (w.journalMs ?? 0) + performance.now() - t0;
          return p;
        };
      })()`,
    });
    // PROFILE=0: no sampling profiler, for the CPU figures only (the profiler costs CPU itself)
    const profiling = process.env.PROFILE !== "0";
    if (profiling) await session.send("Profiler.start");
    const pid = h.browser.process()?.pid;
    const cpuBefore = cpuByKind(pid);
    const burst = (await page.evaluate(burstExpression(requestMix(servers), requests, "profiled"))) as { ms: number };
    await sleep(1000);
    const cpuAfter = cpuByKind(pid);
    const cpu = Object.entries(cpuAfter).map(([kind, ms]) => `${kind} ${ms - (cpuBefore[kind] ?? 0)}`);
    console.log(`CPU ms during the burst and 1 s after, by process: ${cpu.join(", ")}`);
    if (!profiling) {
      const writes = await session.send("Runtime.evaluate", { expression: "JSON.stringify(globalThis.__profileWrites)", returnByValue: true });
      console.log(`storage.session during the burst: ${writes.result.value}; page ${burst.ms.toFixed(0)} ms`);
      return;
    }
    const { profile } = (await session.send("Profiler.stop")) as unknown as { profile: CpuProfile };
    const writes = await session.send("Runtime.evaluate", { expression: "JSON.stringify(globalThis.__profileWrites)", returnByValue: true });
    console.log(`storage.session during the burst: ${writes.result.value}`);
    const total = profile.timeDeltas.reduce((a, b) => a + b, 0) / 1000;
    const idle = selfTimes(profile).find((t) => t.name.startsWith("(idle)"))?.ms ?? 0;
    console.log(`burst of ${requests}: ${burst.ms.toFixed(0)} ms in the page; worker profile ${total.toFixed(0)} ms, busy ${(total - idle).toFixed(0)} ms`);
    for (const { name, ms } of selfTimes(profile).slice(0, 30)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
    const out = resolve(repoRoot(), "test-output/profiles");
    mkdirSync(out, { recursive: true });
    const file = join(out, `worker-${new Date().toISOString().replace(/[:.]/g, "-")}.cpuprofile`);
    writeFileSync(file, JSON.stringify(profile));
    console.log(`profile written to ${file}`);
  } finally {
    await h.close();
    await servers.close();
    if (!prebuilt) rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1]?.endsWith("profile.ts")) await main();
