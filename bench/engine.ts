/**
 * Engine: diagnosing 100,000 recorded exchanges against JSON.parse of the same exchanges as
 * a CORS Lens HAR, alternated in rounds (the ratio is per round); then the CLI on a HAR file
 * of 100,000 entries, with its wall time and peak resident memory.
 *
 * The exchanges come from the recorded Chromium event streams in test/fixtures/events (15
 * scenarios: allowed, blocked at every phase, redirects, cached preflight, network errors),
 * assembled by the real assembler, then repeated with a unique id, URL and start time each.
 * Copies share their header arrays (the engine never mutates its input), so 100,000 of them fit
 * in memory; the HAR text is made in chunks of 10,000 exchanges because one string of that
 * size would pass V8's maximum string length. JSON.parse of all chunks is the baseline.
 */
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { createAssembler } from "../src/capture/assembler";
import type { CaptureEvent } from "../src/capture/events";
import { diagnose } from "../src/cors/diagnose";
import type { DiagnosedExchange, Exchange } from "../src/cors/model";
import { readHar } from "../src/export/har-reader";
import { toHar } from "../src/export/har-writer";
import { repoRoot } from "../test/support/paths";
import { fromSummary, type Row } from "./report";
import { pairedRatios, summarize } from "./stats";

export interface EngineOptions {
  exchanges: number;
  rounds: number;
  cliEntries: number;
  cliRuns: number;
  log?: (line: string) => void;
}

const CHUNK = 10_000;

/** A full garbage collection between measurements, so one side does not pay for the other's garbage. */
function gcFunction(): () => void {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as unknown;
  return typeof gc === "function" ? (gc as () => void) : () => undefined;
}

export function recordedTemplates(): Exchange[] {
  const dir = resolve(repoRoot(), "test/fixtures/events/chromium");
  const out: Exchange[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as CaptureEvent[];
    const assembler = createAssembler({ browser: "chromium" });
    const byId = new Map<string, Exchange>();
    for (const event of events) for (const ex of assembler.push(event)) byId.set(ex.id, structuredClone(ex));
    for (const ex of assembler.flushInterrupted(0)) byId.set(ex.id, structuredClone(ex));
    out.push(...byId.values());
  }
  return out;
}

/** The i-th copy: its own id, URL (on every hop and preflight) and times; headers shared. */
function copyOf(template: Exchange, i: number): Exchange {
  const mark = (url: string) => `${url}${url.includes("?") ? "&" : "?"}copy=${i}`;
  const shift = i * 3;
  return {
    ...template,
    id: `r${i}`,
    url: mark(template.url),
    startTime: template.startTime + shift,
    requestIds: template.requestIds.map((id) => `${id}-${i}`),
    hops: template.hops.map((hop) => ({
      ...hop,
      url: mark(hop.url),
      startTime: hop.startTime + shift,
      ...(hop.preflight ? { preflight: { ...hop.preflight, url: mark(hop.preflight.url), requestId: `${hop.preflight.requestId}-${i}` } } : {}),
    })),
  };
}

const T0 = Date.UTC(2026, 0, 1);

/** `count` copies of the recorded exchanges, as one long recording (see recordedCopy). */
export function manyExchanges(count: number): Exchange[] {
  const templates = recordedTemplates();
  return Array.from({ length: count }, (_, i) => recordedCopy(templates[i % templates.length] as Exchange, i, T0));
}

const HAR_OPTIONS = { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "bench" } as const;

function diagnoseAll(exchanges: Exchange[]): DiagnosedExchange[] {
  return exchanges.map((exchange) => ({ exchange, diagnosis: diagnose(exchange) }));
}

function harChunks(entries: DiagnosedExchange[]): string[] {
  const chunks: string[] = [];
  for (let i = 0; i < entries.length; i += CHUNK) {
    const log = { tabId: 1, pageUrl: "http://127.0.0.1:8080/app", entries: entries.slice(i, i + CHUNK), dropped: 0 };
    chunks.push(JSON.stringify(toHar(log, HAR_OPTIONS)));
  }
  return chunks;
}

/**
 * The i-th copy as one long recording would have it: every time of the template (request,
 * preflight, responses, end) moved so that copy i starts 3 ms after copy i - 1. (copyOf only
 * moves the start, which is all diagnose needs, but a HAR made from it has each preflight at
 * its template's original time, minutes away from its request: not a file a browser writes.)
 */
function recordedCopy(template: Exchange, i: number, t0: number): Exchange {
  const copy = copyOf(template, i);
  const delta = t0 + i * 3 - template.startTime;
  const moved = <T extends { time: number } | undefined>(r: T): T => (r ? { ...r, time: r.time + delta } : r);
  return {
    ...copy,
    startTime: template.startTime + delta,
    hops: copy.hops.map((hop) => ({
      ...hop,
      startTime: hop.startTime - i * 3 + delta,
      ...(hop.response ? { response: moved(hop.response) } : {}),
      ...(hop.preflight
        ? {
            preflight: {
              ...hop.preflight,
              startTime: hop.preflight.startTime + delta,
              ...(hop.preflight.endTime !== undefined ? { endTime: hop.preflight.endTime + delta } : {}),
              ...(hop.preflight.response ? { response: moved(hop.preflight.response) } : {}),
            },
          }
        : {}),
    })),
    outcome: copy.outcome.state === "pending" ? copy.outcome : { ...copy.outcome, endTime: copy.outcome.endTime + delta },
  };
}

type HarEntry = ReturnType<typeof toHar>["log"]["entries"][number];

/**
 * Writes a HAR of `count` entries in start-time order, as a browser writes it, from chunks of
 * entries (each in start-time order, each chunk starting no earlier than the one before): the
 * whole file is larger than a string may be. Entries of a chunk that start after the next
 * chunk's first one wait and are merged with it.
 */
function writeSortedHar(path: string, count: number, chunks: Iterable<HarEntry[]>): number {
  const fd = openSync(path, "w");
  let written = 0;
  const startOf = (e: HarEntry) => Date.parse(e.startedDateTime);
  try {
    const head = toHar({ tabId: 1, pageUrl: "http://127.0.0.1:8080/app", entries: [], dropped: 0 }, HAR_OPTIONS);
    const headText = JSON.stringify(head);
    const at = headText.indexOf('"entries":[]') + '"entries":['.length;
    writeSync(fd, headText.slice(0, at));
    const emit = (list: HarEntry[]) => {
      const take = list.slice(0, count - written);
      if (take.length === 0) return;
      writeSync(fd, `${written > 0 ? "," : ""}${take.map((e) => JSON.stringify(e)).join(",")}`);
      written += take.length;
    };
    let waiting: HarEntry[] = [];
    for (const made of chunks) {
      const first = made[0];
      if (first === undefined) continue;
      const cut = waiting.findIndex((e) => startOf(e) >= startOf(first));
      emit(cut < 0 ? waiting : waiting.slice(0, cut));
      // stable: on a tie the waiting entries, made earlier, stay first
      waiting = [...(cut < 0 ? [] : waiting.slice(cut)), ...made].sort((a, b) => startOf(a) - startOf(b));
      if (written + waiting.length >= count) break;
    }
    emit(waiting);
    writeSync(fd, headText.slice(at));
  } finally {
    closeSync(fd);
  }
  return written;
}

/** Writes a HAR of `count` entries made from the recorded exchanges (tests, and the bench
 * when it has no HAR text at hand). */
export function writeHarFile(path: string, count: number): number {
  function* chunks(): Iterable<HarEntry[]> {
    for (let i = 0; ; i += CHUNK) {
      const exchanges = manyExchangesFrom(i, CHUNK);
      yield toHar({ tabId: 1, pageUrl: "http://127.0.0.1:8080/app", entries: diagnoseAll(exchanges), dropped: 0 }, HAR_OPTIONS).log.entries;
    }
  }
  return writeSortedHar(path, count, chunks());
}

let templateCache: Exchange[] | null = null;
function manyExchangesFrom(first: number, count: number): Exchange[] {
  templateCache ??= recordedTemplates();
  const templates = templateCache;
  return Array.from({ length: count }, (_, k) => recordedCopy(templates[(first + k) % templates.length] as Exchange, first + k, T0));
}

/** Runs the CLI once; wall time from here, peak RSS from GNU time when it exists. */
function runCli(harPath: string): { ms: number; peakMb: number | null; status: number | null } {
  const cli = resolve(repoRoot(), "bin/cors-lens.mjs");
  const gnuTime = existsSync("/usr/bin/time") ? "/usr/bin/time" : null;
  const args = [cli, "analyze", harPath];
  const t0 = performance.now();
  const result = gnuTime
    ? spawnSync(gnuTime, ["-f", "peak-kb=%M", process.execPath, ...args], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
    : spawnSync(process.execPath, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t0;
  const m = /peak-kb=(\d+)/.exec(result.stderr ?? "");
  return { ms, peakMb: m ? Number(m[1]) / 1024 : null, status: result.status };
}

export async function benchEngine(options: EngineOptions): Promise<{ rows: Row[]; raw: Record<string, number[]> }> {
  const log = options.log ?? (() => undefined);
  const gc = gcFunction();
  const exchanges = manyExchanges(options.exchanges);
  const chunks = harChunks(diagnoseAll(exchanges));
  const harEntries = chunks.reduce((n, text) => n + (JSON.parse(text) as { log: { entries: unknown[] } }).log.entries.length, 0);
  const harMb = chunks.reduce((n, text) => n + text.length, 0) / 1024 / 1024;
  log(`  engine: ${exchanges.length} exchanges, as HAR ${harEntries} entries, ${harMb.toFixed(0)} MB of JSON`);

  const parse: number[] = [];
  const diag: number[] = [];
  const readAndDiagnose: number[] = [];
  const measureParse = () => {
    gc();
    const t = performance.now();
    for (const text of chunks) JSON.parse(text);
    return performance.now() - t;
  };
  const measureDiagnose = () => {
    gc();
    const t = performance.now();
    for (const ex of exchanges) diagnose(ex);
    return performance.now() - t;
  };
  // what the CLI and the panel's import do with a file: parse, read the HAR into exchanges, diagnose
  const measureRead = () => {
    gc();
    const t = performance.now();
    for (const text of chunks) for (const ex of readHar(JSON.parse(text)).exchanges) diagnose(ex);
    return performance.now() - t;
  };
  measureDiagnose(); // warm-up (JIT)
  measureParse();
  for (let r = 0; r < options.rounds; r++) {
    if (r % 2 === 0) {
      parse.push(measureParse());
      diag.push(measureDiagnose());
    } else {
      diag.push(measureDiagnose());
      parse.push(measureParse());
    }
    if (r < 2) readAndDiagnose.push(measureRead());
    log(`  engine round ${r + 1}/${options.rounds}: JSON.parse ${parse[r]?.toFixed(0)} ms, diagnose ${diag[r]?.toFixed(0)} ms`);
  }
  const part = "engine";
  const n = options.exchanges.toLocaleString("en");
  const ratio = fromSummary(part, `diagnose ${n} exchanges / JSON.parse of their HAR`, "×", summarize(pairedRatios(diag, parse)), {
    budget: "≤ 3",
  });
  ratio.met = ratio.value <= 3;
  const rows: Row[] = [
    ratio,
    fromSummary(part, `diagnose ${n} exchanges (absolute)`, "ms", summarize(diag)),
    fromSummary(part, `JSON.parse of their HAR, ${harEntries.toLocaleString("en")} entries (absolute)`, "ms", summarize(parse)),
    fromSummary(part, "JSON.parse + readHar + diagnose (import path)", "ms", summarize(readAndDiagnose)),
  ];

  // the CLI on a file of exactly cliEntries entries
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-bench-"));
  try {
    const harPath = join(dir, "bench.har");
    // the entries of the HAR text made above (JSON.parse's baseline), in one file: made once
    const fromChunks = function* (): Iterable<HarEntry[]> {
      for (const text of chunks) yield (JSON.parse(text) as ReturnType<typeof toHar>).log.entries;
    };
    const written = options.cliEntries <= harEntries ? writeSortedHar(harPath, options.cliEntries, fromChunks()) : writeHarFile(harPath, options.cliEntries);
    const runs = Array.from({ length: options.cliRuns }, () => runCli(harPath));
    for (const run of runs) {
      // exit 1 means "something is blocked", which this file has; anything else is a failure
      if (run.status !== 1) throw new Error(`cors-lens analyze exited with ${run.status}`);
    }
    const cn = written.toLocaleString("en");
    rows.push(fromSummary(part, `CLI analyze, HAR of ${cn} entries: wall time`, "ms", summarize(runs.map((r) => r.ms))));
    const peaks = runs.map((r) => r.peakMb).filter((p): p is number => p !== null);
    if (peaks.length > 0) rows.push(fromSummary(part, `CLI analyze, HAR of ${cn} entries: peak RSS`, "MB", summarize(peaks)));
    log(`  engine: CLI ${runs.map((r) => `${r.ms.toFixed(0)} ms / ${r.peakMb?.toFixed(0)} MB`).join(", ")}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return { rows, raw: { parse, diagnose: diag, readAndDiagnose } };
}
