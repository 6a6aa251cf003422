/**
 * CPU time of a browser's processes from Linux /proc (bench tools: where the CPU of a burst
 * went, by process kind). Empty on systems without /proc.
 */
import { readdirSync, readFileSync } from "node:fs";

/** CPU time (ms, user + system) of each of the browser's processes by kind: the browser
 * process (where storage.session lives), the extension's renderer (its service worker), the
 * other renderers (the page), the network service, the rest. Linux /proc; empty elsewhere. */
export function cpuByKind(rootPid: number | undefined): Record<string, number> {
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
