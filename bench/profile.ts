/**
 * CPU profile of CORS Lens's service worker during one burst of the browsing benchmark
 * (`npx tsx bench/profile.ts [requests] [extension folder]`): builds an unminified copy of the
 * extension (or takes the folder given, or "floor": bench/floor-extension) into a
 * temporary folder (readable function names), records the worker with Chrome's sampling
 * profiler through Puppeteer (CDP Profiler domain), prints the functions with the most self
 * time and writes the profile to test-output/profiles/worker-<date>.cpuprofile (open it in DevTools'
 * Performance panel). A tool for finding causes, not part of `npm run bench`.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { repoRoot } from "../test/support/paths";
import { startTestServers } from "../test/support/server";
import { isExtensionWorker, printProfile, startProfiling, stopProfiling } from "./cdp-profile";
import { cpuByKind } from "./proc-cpu";
import { sleep } from "./stats";
import { burstExpression, requestMix } from "./traffic";
import { bundleWorker } from "./worker-bundle";

/** dist/chrome with an unminified background.js */
export async function unminifiedExtension(): Promise<string> {
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-profile-"));
  cpSync(resolve(root, "dist/chrome"), dir, { recursive: true });
  await bundleWorker(root, dir, { minify: false, version: "profile" });
  return dir;
}

/** The floor extension in a temporary folder, with the empty options.html the harness opens. */
function floorCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-profile-floor-"));
  cpSync(resolve(repoRoot(), "bench/floor-extension"), dir, { recursive: true });
  writeFileSync(join(dir, "options.html"), "<!doctype html><title>floor</title>");
  return dir;
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
    const target = h.browser.targets().find(isExtensionWorker);
    if (!target) throw new Error("no worker target");
    const session = await target.createCDPSession();
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
          for (const [k, v] of Object.entries(items)) {
            w.keys++;
            const chars = typeof v === "string" ? v.length : 0;
            w.chars += chars;
            if (journal) w.journalChars += chars;
            // by key kind (e: entries, t: tab metadata, the assembler's state…): keys and characters
            const slash = k.lastIndexOf("/");
            const kind = (w.byKind ??= {})[k.split(":")[0] + (slash > 0 ? k.slice(slash, slash + 2) : "")] ??= [0, 0];
            kind[0]++;
            kind[1] += chars;
          }
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
    if (profiling) await startProfiling(session);
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
    const profile = await stopProfiling(session);
    const writes = await session.send("Runtime.evaluate", { expression: "JSON.stringify(globalThis.__profileWrites)", returnByValue: true });
    console.log(`storage.session during the burst: ${writes.result.value}`);
    if (process.env.DUMP) {
      const all = await session.send("Runtime.evaluate", { expression: "chrome.storage.session.get(null).then((a) => JSON.stringify(a))", awaitPromise: true, returnByValue: true });
      writeFileSync(process.env.DUMP, String(all.result.value));
    }
    console.log(`burst of ${requests}: ${burst.ms.toFixed(0)} ms in the page`);
    printProfile("worker", profile, 30);
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
