/**
 * `npm run bench` (after `node build.mjs`): browsing overhead, engine, worker memory, panel and
 * bundle sizes; prints one table and writes bench/results.json (every figure, every round, and
 * the conditions of the run). Not part of `npm test`: timings are never asserted in unit tests.
 *
 * Ratios are measured against a baseline in the same run, in alternating rounds, and reported as
 * the median with a 95% interval (bench/stats.ts): the machine is shared and noisy, and only a
 * ratio of interleaved runs means anything there. Other figures are absolute, on this machine.
 *
 * Options: --only=browsing,engine,memory,panel,bundles   --quick (fewer rounds, for trying)
 *          --readme (also replace the table between the bench markers in README.md)
 *          --extension=<dir> (measure another build of the extension, e.g. a copy made before a
 *          change, for before/after figures)  --out=<file> (instead of bench/results.json)
 *          --compare=name:<dir>[,name:<dir>] (browsing: more builds in the same alternating rounds)
 *          --panel-extension=<dir> (the panel part's bench build; by default this script makes it
 *          with `node build.mjs --bench`: dist/chrome-bench, the shipped build with its storage
 *          bound raised so that one tab holds 10,000 exchanges, see bench/panel.ts)
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { findBrowser } from "../tools/browsers";
import { launchChromiumWithExtension } from "../test/support/chromium";
import { repoRoot } from "../test/support/paths";
import { startTestServers } from "../test/support/server";
import { benchBrowsing } from "./browsing";
import { benchBundles } from "./bundles";
import { benchEngine } from "./engine";
import { benchMemory } from "./memory";
import { benchPanel } from "./panel";
import { markdownTable, type Row, textTable } from "./report";

const PARTS = ["bundles", "browsing", "engine", "memory", "panel"] as const;
type Part = (typeof PARTS)[number];

interface Args {
  parts: Set<Part>;
  quick: boolean;
  readme: boolean;
  extension: string | null;
  out: string | null;
  compare: Record<string, string>;
  panelExtension: string | null;
}

function parseArgs(argv: string[]): Args {
  const value = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? null;
  const only = value("only");
  const parts = new Set<Part>(only ? (only.split(",").filter((p) => (PARTS as readonly string[]).includes(p)) as Part[]) : PARTS);
  const compare = Object.fromEntries(
    (value("compare") ?? "")
      .split(",")
      .filter((c) => c.includes(":"))
      .map((c) => [c.slice(0, c.indexOf(":")), resolve(c.slice(c.indexOf(":") + 1))]),
  );
  return { parts, quick: argv.includes("--quick"), readme: argv.includes("--readme"), extension: value("extension"), out: value("out"), compare, panelExtension: value("panel-extension") };
}

function chromiumVersion(): string {
  try {
    return execFileSync(findBrowser("chromium"), ["--version"], { encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

function gitCommit(root: string): string {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: root, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

const README_START = "<!-- bench:start -->";
const README_END = "<!-- bench:end -->";

function updateReadme(root: string, table: string, when: string): boolean {
  const path = join(root, "README.md");
  const text = readFileSync(path, "utf8");
  const a = text.indexOf(README_START);
  const b = text.indexOf(README_END);
  if (a < 0 || b < a) return false;
  const body = `${README_START}\n${table}\n\n_${when}_\n${README_END}`;
  writeFileSync(path, text.slice(0, a) + body + text.slice(b + README_END.length));
  return true;
}

async function main(): Promise<void> {
  const { parts, quick, readme, extension, out, compare, panelExtension } = parseArgs(process.argv.slice(2));
  const root = repoRoot();
  const dist = extension ? resolve(extension) : resolve(root, "dist/chrome");
  if (!existsSync(join(dist, "manifest.json")) || !existsSync(join(root, "dist/cli/cors-lens.mjs"))) {
    throw new Error("dist/ is missing: run `node build.mjs` first (npm run bench does)");
  }
  // A private copy of the build: other work on this machine may rebuild dist/ during the run.
  const lensDir = mkdtempSync(join(tmpdir(), "cors-lens-bench-ext-"));
  cpSync(dist, lensDir, { recursive: true });
  // The panel's build with the storage bound raised, made from the same sources now.
  let benchDir: string | null = null;
  if (parts.has("panel")) {
    if (!panelExtension) execFileSync(process.execPath, [join(root, "build.mjs"), "--bench"], { cwd: root, stdio: "inherit" });
    const source = panelExtension ? resolve(panelExtension) : join(root, "dist/chrome-bench");
    if (!existsSync(join(source, "manifest.json"))) throw new Error(`${source}: no extension build for the panel part`);
    benchDir = mkdtempSync(join(tmpdir(), "cors-lens-bench-panel-"));
    cpSync(source, benchDir, { recursive: true });
  }
  const log = (line: string) => console.log(line);
  const started = Date.now();
  const loadBefore = loadavg();
  const rows: Row[] = [];
  const raw: Record<string, unknown> = {};
  const servers = await startTestServers();
  try {
    if (parts.has("bundles")) rows.push(...benchBundles(lensDir));
    if (parts.has("browsing")) {
      log("browsing overhead …");
      const r = await benchBrowsing(servers, { rounds: quick ? 5 : 15, warmup: 1, requests: 500, extensionPath: lensDir, compare, log });
      rows.push(...r.rows);
      raw.browsing = r.raw;
    }
    if (parts.has("engine")) {
      log("engine …");
      const r = await benchEngine({ exchanges: 100_000, rounds: quick ? 3 : 7, cliEntries: 100_000, cliRuns: 1, log });
      rows.push(...r.rows);
      raw.engine = r.raw;
    }
    if (parts.has("memory")) {
      const h = await launchChromiumWithExtension({ extensionPath: lensDir });
      try {
        log("worker memory …");
        const r = await benchMemory(h, servers, { requests: 100_000, templateFetches: 200, log });
        rows.push(...r.rows);
        raw.memory = r.points;
      } finally {
        await h.close();
      }
    }
    if (parts.has("panel") && benchDir) {
      // each build in a browser of its own, on a log of its own
      const panelRaw: Record<string, Record<string, number[]>> = {};
      for (const [build, dir] of [["bench", benchDir], ["shipped", lensDir]] as const) {
        const h = await launchChromiumWithExtension({ extensionPath: dir });
        try {
          log(`panel (${build} build) …`);
          const r = await benchPanel(h, servers, { exchanges: 10_000, renders: quick ? 3 : 5, filters: 15, latencies: 50, templateFetches: 200, build, log });
          rows.push(...r.rows);
          panelRaw[build] = r.raw;
        } finally {
          await h.close();
        }
      }
      raw.panel = panelRaw;
    }
  } finally {
    await servers.close();
    rmSync(lensDir, { recursive: true, force: true });
    if (benchDir) rmSync(benchDir, { recursive: true, force: true });
  }
  const seconds = (Date.now() - started) / 1000;
  const conditions = {
    date: new Date().toISOString(),
    commit: gitCommit(root),
    node: process.version,
    chromium: chromiumVersion(),
    cpus: `${cpus().length} × ${cpus()[0]?.model ?? "?"}`,
    loadAverage: { before: loadBefore.map((l) => Number(l.toFixed(2))), after: loadavg().map((l) => Number(l.toFixed(2))) },
    seconds: Math.round(seconds),
    quick,
  };
  console.log("");
  console.log(textTable(rows));
  console.log(`\n${conditions.chromium}, Node ${conditions.node}, ${conditions.cpus}; load average ${conditions.loadAverage.before[0]} → ${conditions.loadAverage.after[0]}; ${conditions.seconds} s`);
  const outFile = out ? resolve(out) : join(root, "bench/results.json");
  writeFileSync(outFile, `${JSON.stringify({ conditions: { ...conditions, extension: extension ?? "dist/chrome", panelExtension: parts.has("panel") ? (panelExtension ?? "dist/chrome-bench (node build.mjs --bench)") : undefined }, rows, raw }, null, 2)}\n`);
  console.log(`written: ${outFile}`);
  if (readme) {
    const when = `${conditions.date.slice(0, 10)}, commit ${conditions.commit}, ${conditions.chromium}, ${conditions.cpus}, load average ${conditions.loadAverage.before[0]}–${conditions.loadAverage.after[0]} (other work was running), ${conditions.seconds} s`;
    console.log(updateReadme(root, markdownTable(rows), when) ? "README.md: Performance table updated" : "README.md: no bench markers, not updated");
  }
  const missed = rows.filter((r) => r.met === false);
  if (missed.length > 0) console.log(`\nbudgets missed: ${missed.map((r) => `${r.part}: ${r.measure}`).join("; ")}`);
}

await main();
