/**
 * `cors-lens analyze` of a large HAR without holding it: the file is read in chunks, the
 * scanner cuts `log.entries` into entries, each entry is parsed and handed to the streaming HAR
 * reader, each exchange it gives back is diagnosed and added to per-origin counts, and each
 * failure is rendered at once (the report lists every failure, so that text is the one thing
 * that grows with the file). The output is the one `analyze` prints for a small file.
 *
 * Returns null when the file breaks an assumption of the bounded window (entries out of
 * order, a `log` member after the entries that changes how they are read…): the caller then
 * reads it whole, which gives the same answer more slowly.
 */
import { randomUUID } from "node:crypto";
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { diagnose } from "../cors/diagnose";
import type { BrowserKind, DiagnosedExchange } from "../cors/model";
import { HarReadError } from "../export/har-reader";
import { createHarStream, type HarStream, type HarStreamEnd, HarStreamUnsupported } from "../export/har-stream";
import { createHarScanner, HarScanError, HarScanUnsupported } from "../export/har-scanner";
import { validateCorsLensHar } from "../export/validate-corslens";
import { type Paint, safe } from "./colors";
import { LoadError } from "./load-har";
import { createReportBuilder, type FailureItem, type OriginReport, renderFailure, writeReport } from "./report";

export interface StreamOptions {
  file: string;
  json: boolean;
  maxEntries: number;
  browser?: BrowserKind;
  defaultOrigin?: string;
  /** entries of look-ahead in the reader (tests use a small one to cut many segments) */
  window?: number;
}

export interface StreamOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const CHUNK_BYTES = 1024 * 1024;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the range is every non-ASCII byte
const NON_ASCII = /[^\u0000-\u007f]/;
/** A piece of the file read as latin1, as the UTF-8 text it is. */
const utf8 = (latin1: string): string => (NON_ASCII.test(latin1) ? Buffer.from(latin1, "latin1").toString("utf8") : latin1);
const TAIL_BYTES = 64 * 1024;

/** A piece the scanner cut (latin1), parsed; `where` names it in the error. */
function parsePiece(latin1: string, where: string): unknown {
  try {
    return JSON.parse(utf8(latin1));
  } catch {
    throw new LoadError(`not valid JSON in ${where}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * CORS Lens writes `log._corsLens` after the entries, but it says how to read them (browser,
 * redaction): its last bytes are read first and taken as a prediction, checked at the end.
 */
function predictTail(path: string, size: number): Obj | null {
  const fd = openSync(path, "r");
  try {
    const length = Math.min(size, TAIL_BYTES);
    const buf = Buffer.alloc(length);
    readSync(fd, buf, 0, length, size - length);
    const m = /"_corsLens"\s*:\s*(\{[^{}]*\})\s*\}\s*\}\s*$/.exec(buf.toString("utf8"));
    if (!m) return null;
    const meta: unknown = JSON.parse(m[1] as string);
    return isObj(meta) ? meta : null;
  } catch {
    return null;
  }
}

/**
 * Problems of the CORS Lens format as validateCorsLensHar of the whole file would count them,
 * found batch by batch: each batch holds whole exchanges (the reader releases an exchange's
 * entries together), so only the order of the messages has to be put back.
 */
function createValidator(log: () => Obj) {
  let metaProblems: string[] | null = null;
  let total = 0;
  let firstEntry: { index: number; text: string } | null = null;
  let firstGroup: { index: number; text: string } | null = null;
  const ids = new Set<string>();
  const held = new Map<number, unknown>();
  let loose: { index: number; raw: unknown }[] = [];
  let maxStart = Number.NEGATIVE_INFINITY;
  const meta = () => {
    metaProblems ??= validateCorsLensHar({ log: { ...log(), entries: [] } });
    return metaProblems;
  };
  const check = (batch: [number, unknown][]) => {
    if (batch.length === 0) return;
    // a sparse array keeps each entry's index in the messages (forEach skips the holes)
    const entries: unknown[] = [];
    const firstIndex = new Map<string, number>();
    for (const [index, raw] of batch.sort((a, b) => a[0] - b[0])) {
      entries[index] = raw;
      const c = isObj(raw) ? raw._corsLens : undefined;
      if (isObj(c)) {
        const id = typeof c.exchangeId === "string" ? c.exchangeId : "";
        if (!firstIndex.has(id)) firstIndex.set(id, index);
      }
    }
    for (const id of firstIndex.keys()) {
      if (ids.has(id)) throw new HarStreamUnsupported("one CORS Lens exchange far apart in the file");
      ids.add(id);
    }
    const problems = validateCorsLensHar({ log: { ...log(), entries } }).slice(meta().length);
    total += problems.length;
    // entry problems come in index order, exchange problems in the order of each exchange's
    // first entry: the first of each kind in this batch is the only candidate
    const entryProblem = problems.find((p) => p.startsWith("entries["));
    if (entryProblem !== undefined) {
      const index = Number(/^entries\[(\d+)\]/.exec(entryProblem)?.[1]);
      if (firstEntry === null || index < firstEntry.index) firstEntry = { index, text: entryProblem };
    }
    const groupProblem = problems.find((p) => !p.startsWith("entries["));
    if (groupProblem !== undefined) {
      let index = Number.POSITIVE_INFINITY;
      for (const [id, i] of firstIndex) if (groupProblem.startsWith(`exchange ${id} `) || groupProblem.startsWith(`exchange ${id}:`)) index = Math.min(index, i);
      if (firstGroup === null || index < firstGroup.index) firstGroup = { index, text: groupProblem };
    }
  };
  return {
    add(index: number, raw: unknown) {
      // the batches are runs of the file only when it is in start-time order
      const start = isObj(raw) && typeof raw.startedDateTime === "string" ? Date.parse(raw.startedDateTime) : Number.NaN;
      if (!Number.isNaN(start)) {
        if (start < maxStart) throw new HarStreamUnsupported("a CORS Lens file out of start-time order");
        maxStart = start;
      }
      held.set(index, raw);
    },
    /** the reader did not keep this entry (skipped): it is checked with the next batch after it */
    unheld(index: number) {
      if (!held.has(index)) return;
      loose.push({ index, raw: held.get(index) });
      held.delete(index);
    },
    /** the reader released these entries: check them, with the unused ones before them */
    flush(indices: number[] | "all") {
      if (indices === "all") {
        check([...held, ...loose.map((l): [number, unknown] => [l.index, l.raw])]);
        held.clear();
        loose = [];
        return;
      }
      const last = Math.max(...indices);
      const batch: [number, unknown][] = indices.map((i) => [i, held.get(i)]);
      for (const i of indices) held.delete(i);
      for (const l of loose) if (l.index <= last) batch.push([l.index, l.raw]);
      loose = loose.filter((l) => l.index > last);
      check(batch);
    },
    /** [count, first] as validateCorsLensHar of the whole file gives them */
    result(): [number, string | undefined] {
      const m = meta();
      return [m.length + total, m[0] ?? (firstEntry as { text: string } | null)?.text ?? (firstGroup as { text: string } | null)?.text];
    },
  };
}

/**
 * The rendered failures, in a temporary file: the report lists every failure, grouped by
 * origin and after the counts, so they are only printed at the end; on disk they cost the
 * process nothing. Written in batches of about 1 MB.
 */
function createSpill() {
  const dir = mkdtempSync(join(tmpdir(), "cors-lens-"));
  const fd = openSync(join(dir, "failures.txt"), "w+");
  let written = 0;
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = () => {
    if (batch.length === 0) return;
    const bytes = Buffer.from(batch.join(""), "utf8");
    writeSync(fd, bytes, 0, bytes.length, written);
    written += bytes.length;
    batch = [];
    batchBytes = 0;
  };
  return {
    /** stores text; returns where it is */
    put(text: string): [number, number] {
      const length = Buffer.byteLength(text, "utf8");
      const at = written + batchBytes;
      batch.push(text);
      batchBytes += length;
      if (batchBytes > 1024 * 1024) flush();
      return [at, length];
    },
    get(at: number, length: number): string {
      flush();
      const bytes = Buffer.alloc(length);
      readSync(fd, bytes, 0, length, at);
      return bytes.toString("utf8");
    },
    close() {
      closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A failure of one origin: where its rendering is in the spill, or (an exchange whose id is
 * only known at the end, JSON only) the item itself. */
type Kept = [number, number] | { item: FailureItem; orphan: number };

export function analyzeStreaming(path: string, size: number, options: StreamOptions, out: StreamOutput, paint: Paint): number | null {
  const spill = createSpill();
  try {
    return analyzeWith(spill, path, size, options, out, paint);
  } finally {
    spill.close();
  }
}

function analyzeWith(spill: ReturnType<typeof createSpill>, path: string, size: number, options: StreamOptions, out: StreamOutput, paint: Paint): number | null {
  const predicted = predictTail(path, size);
  const headLog: Obj = {};
  const wholeLog: Obj = {};
  let stream: HarStream | null = null;
  let validator: ReturnType<typeof createValidator> | null = null;
  let entryIndex = 0;
  const kept = new Map<string, Kept[]>();
  const orphanOf = new WeakMap<object, number>();
  const builder = createReportBuilder((origin: OriginReport, item: FailureItem, entry: DiagnosedExchange) => {
    let list = kept.get(origin.origin);
    if (!list) {
      list = [];
      kept.set(origin.origin, list);
    }
    const orphan = orphanOf.get(entry.exchange);
    if (orphan !== undefined && options.json) list.push({ item, orphan });
    else list.push(spill.put(options.json ? JSON.stringify(item, null, 2).replaceAll("\n", "\n        ") : renderFailure(item, paint)));
  });
  const logForValidation = () => ({ ...headLog, ...(predicted && headLog._corsLens === undefined ? { _corsLens: predicted } : {}) });

  const open = (): HarStream => {
    const log = logForValidation();
    if (isCorsLensHar(log)) validator = createValidator(logForValidation);
    const s = createHarStream(
      log,
      { maxEntries: options.maxEntries, ...(options.browser ? { browser: options.browser } : {}), ...(options.defaultOrigin ? { defaultOrigin: options.defaultOrigin } : {}), ...(options.window ? { window: options.window } : {}) },
      (exchange, orphan) => {
        if (orphan !== null) orphanOf.set(exchange, orphan);
        builder.add({ exchange, diagnosis: diagnose(exchange) });
      },
      (indices) => validator?.flush(indices),
    );
    return s;
  };

  const scanner = createHarScanner({
    logMember(name, text, afterEntries) {
      const value = parsePiece(text, `log.${safeName(name)}`);
      wholeLog[utf8(name)] = value;
      if (!afterEntries) headLog[utf8(name)] = value;
    },
    entry(text) {
      stream ??= open();
      const index = entryIndex++;
      if (index >= options.maxEntries) {
        stream.push(null);
        return;
      }
      const raw = parsePiece(text, `entry ${index}`);
      validator?.add(index, raw);
      if (!stream.push(raw)) validator?.unheld(index);
    },
  });

  let end: HarStreamEnd;
  try {
    const fd = openSync(path, "r");
    try {
      // bytes as latin1 (one char per byte, no decoding): JSON's structure is ASCII and UTF-8
      // never uses ASCII bytes inside a character, so the scanner cuts the right places; each
      // piece is decoded as UTF-8 only when it has a non-ASCII byte
      const buf = Buffer.alloc(CHUNK_BYTES);
      for (;;) {
        const n = readSync(fd, buf, 0, CHUNK_BYTES, null);
        if (n === 0) break;
        scanner.push(buf.toString("latin1", 0, n));
      }
    } finally {
      closeSync(fd);
    }
    scanner.end();
    stream ??= open();
    end = (stream as HarStream).end(wholeLog);
    if (validator !== null) {
      if (JSON.stringify(wholeLog._corsLens) !== JSON.stringify(logForValidation()._corsLens)) throw new HarStreamUnsupported("log._corsLens is not what its last bytes said");
      (validator as ReturnType<typeof createValidator>).flush("all");
    }
  } catch (e) {
    if (e instanceof HarStreamUnsupported || e instanceof HarScanUnsupported) return null;
    if (e instanceof HarScanError || e instanceof LoadError || e instanceof HarReadError) {
      out.stderr(`cors-lens: ${safe(options.file)}: ${safe(e.message)}\n`);
      return 2;
    }
    throw e;
  }

  const warnings = [...end.warnings];
  if (validator !== null) {
    const [count, first] = (validator as ReturnType<typeof createValidator>).result();
    if (count > 0) warnings.push(`the file does not follow the CORS Lens HAR format (${count} problems, first: ${first})`);
  }
  const report = builder.finish();
  // the report goes out in pieces of about 1 MB, not one string of the whole report
  let pieces: string[] = [];
  let pieceChars = 0;
  const write = (text: string) => {
    pieces.push(text);
    pieceChars += text.length;
    if (pieceChars > 1024 * 1024) {
      out.stdout(pieces.join(""));
      pieces = [];
      pieceChars = 0;
    }
  };
  function* failuresOf(o: OriginReport): Iterable<string> {
    for (const k of kept.get(o.origin) ?? []) {
      if (Array.isArray(k)) yield spill.get(k[0], k[1]);
      else yield JSON.stringify({ ...k.item, id: end.orphanId(k.orphan) }, null, 2).replaceAll("\n", "\n        ");
    }
  }
  if (options.json) {
    const tokens = new Map<string, OriginReport>();
    const origins = report.origins.map((o) => {
      if (!kept.has(o.origin)) return o;
      const token = `cors-lens-${randomUUID()}`;
      tokens.set(token, o);
      return { ...o, failures: [token] };
    });
    const text = JSON.stringify({ file: options.file, browser: end.browser, source: end.source, pageUrl: end.pageUrl, exchanges: end.exchanges, warnings, counts: report.counts, origins }, null, 2);
    // each origin's failures go where its token is, indented as JSON.stringify would
    let from = 0;
    for (const [token, o] of tokens) {
      const at = text.indexOf(`"${token}"`, from);
      write(text.slice(from, at));
      let i = 0;
      for (const item of failuresOf(o)) write(i++ === 0 ? item : `,\n        ${item}`);
      from = at + token.length + 2;
    }
    write(`${text.slice(from)}\n`);
  } else {
    const title = `CORS Lens: ${options.file} (${end.browser === "firefox" ? "Firefox" : "Chromium"} rules, ${end.exchanges} requests, from ${end.source})`;
    for (const w of warnings) out.stderr(`cors-lens: warning: ${safe(w)}\n`);
    writeReport(report, title, paint, failuresOf, write);
  }
  if (pieces.length > 0) out.stdout(pieces.join(""));
  return report.counts.blocked > 0 ? 1 : 0;
}

function isCorsLensHar(log: Obj): boolean {
  const creator = isObj(log.creator) ? log.creator.name : undefined;
  return isObj(log._corsLens) || creator === "CORS Lens";
}

/** member names come from the file: keep the error message printable */
function safeName(name: string): string {
  return JSON.stringify(name).slice(1, -1).slice(0, 60);
}
