/**
 * Chrome's sampling profiler over CDP, shared by the cause-finding tools (profile.ts,
 * pages-cost.ts, render-cost.ts): start and stop a recording on a worker or page session, and
 * reduce the profile to busy time and the functions with the most self time.
 */
import type { CDPSession, Target } from "puppeteer";

export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}

/** The part of CDP's Profiler.Profile these tools read. */
export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** One sample every 200 µs: fine enough for the short handlers of a service worker. */
const SAMPLING_INTERVAL_US = 200;

export const isExtensionWorker = (t: Target): boolean => t.type() === "service_worker" && t.url().startsWith("chrome-extension://");

export async function startProfiling(session: CDPSession): Promise<void> {
  await session.send("Profiler.enable");
  await session.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
  await session.send("Profiler.start");
  // a worker that starts while a client attaches waits for the debugger: let it run (a no-op
  // for a target that is not waiting; a refusal is no reason to stop the recording)
  await session.send("Runtime.runIfWaitingForDebugger").catch(() => undefined);
}

export async function stopProfiling(session: CDPSession): Promise<CpuProfile> {
  const { profile } = (await session.send("Profiler.stop")) as unknown as { profile: CpuProfile };
  return profile;
}

/** Self time per function (ms), largest first; a function is its name, file and line. */
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

/**
 * Recorded time, busy time (every sample but idle) and the longest run of busy samples, in ms:
 * while a worker is busy, its webRequest events wait.
 */
export function busyTime(profile: CpuProfile): { total: number; busy: number; longest: number } {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  let total = 0;
  let busy = 0;
  let run = 0;
  let longest = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (idle.has(profile.samples[i] as number)) {
      run = 0;
      continue;
    }
    busy += dt;
    run += dt;
    longest = Math.max(longest, run);
  }
  return { total, busy, longest };
}

/** Prints the summary the tools share: busy time, then the `top` functions by self time. */
export function printProfile(label: string, profile: CpuProfile, top: number): void {
  const b = busyTime(profile);
  console.log(`${label}: busy ${b.busy.toFixed(0)} ms of ${b.total.toFixed(0)} ms, longest busy stretch ${b.longest.toFixed(0)} ms`);
  for (const { name, ms } of selfTimes(profile).slice(0, top)) console.log(`${ms.toFixed(1).padStart(9)} ms  ${name}`);
}
