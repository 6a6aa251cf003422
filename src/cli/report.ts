/**
 * The analysis report: exchanges grouped by target origin, verdict counts, each failure with
 * its explanation and the headers that fix it, warnings with how often they occur. One data
 * structure (for --json) and one terminal rendering of it.
 */
import { buildFix } from "../cors/fix/index";
import type { DiagnosedExchange, Header, Verdict } from "../cors/model";
import { type Paint, safe } from "./colors";

export interface Counts {
  allowed: number;
  blocked: number;
  "network-error": number;
  "not-cors": number;
  pending: number;
}

export interface FailureItem {
  id: string;
  method: string;
  url: string;
  verdict: Verdict;
  failure: { id: string; phase: string; hop?: number; header: string | null; received: string | null; required: string | null; confidence: string; browserMessage: string };
  explanation: string;
  fix: { summary: string; preflight: Header[]; response: Header[]; ifCredentials?: Header[]; notes: string[] };
}

export interface WarningItem {
  id: string;
  count: number;
  text: string;
}

export interface OriginReport {
  origin: string;
  counts: Counts;
  failures: FailureItem[];
  warnings: WarningItem[];
}

export interface Report {
  counts: Counts;
  origins: OriginReport[];
}

const zero = (): Counts => ({ allowed: 0, blocked: 0, "network-error": 0, "not-cors": 0, pending: 0 });

function targetOrigin(url: string): string {
  try {
    const u = new URL(url);
    return u.origin === "null" ? `${u.protocol}` : u.origin;
  } catch {
    return "(invalid URL)";
  }
}

export interface ReportBuilder {
  add(entry: DiagnosedExchange): void;
  /** origins sorted, most blocked first */
  finish(): Report;
}

/**
 * The report, one exchange at a time: counts and warnings per origin are kept, each failure
 * goes to `keep` (by default into its origin's list; the streaming analysis renders it at
 * once instead of keeping the objects).
 */
export function createReportBuilder(keep: (origin: OriginReport, item: FailureItem, entry: DiagnosedExchange) => void = (o, item) => o.failures.push(item)): ReportBuilder {
  const byOrigin = new Map<string, { report: OriginReport; warnings: Map<string, WarningItem> }>();
  const total = zero();
  return {
    add(entry) {
      const { exchange, diagnosis } = entry;
      const origin = targetOrigin(exchange.url);
      let slot = byOrigin.get(origin);
      if (!slot) {
        slot = { report: { origin, counts: zero(), failures: [], warnings: [] }, warnings: new Map() };
        byOrigin.set(origin, slot);
      }
      slot.report.counts[diagnosis.verdict]++;
      total[diagnosis.verdict]++;
      if (diagnosis.failure && (diagnosis.verdict === "blocked" || diagnosis.verdict === "network-error")) {
        const f = diagnosis.failure;
        const fix = buildFix(entry);
        keep(
          slot.report,
          {
            id: exchange.id,
            method: exchange.method,
            url: exchange.url,
            verdict: diagnosis.verdict,
            failure: {
              id: f.id,
              phase: f.phase,
              ...(f.hop !== undefined ? { hop: f.hop } : {}),
              header: f.header,
              received: f.received,
              required: f.required,
              confidence: f.confidence,
              browserMessage: f.browserMessage,
            },
            explanation: diagnosis.explanation,
            fix: { summary: fix.summary, preflight: fix.preflight, response: fix.response, ...(fix.ifCredentials ? { ifCredentials: fix.ifCredentials } : {}), notes: fix.notes },
          },
          entry,
        );
      }
      for (const w of diagnosis.warnings) {
        const item = slot.warnings.get(w.id);
        if (item) item.count++;
        else slot.warnings.set(w.id, { id: w.id, count: 1, text: w.text });
      }
    },
    finish() {
      const origins = [...byOrigin.values()].map(({ report, warnings }) => ({ ...report, warnings: [...warnings.values()] }));
      // most blocked first, then by name, so the problem is on the first screen
      origins.sort((a, b) => b.counts.blocked - a.counts.blocked || a.origin.localeCompare(b.origin));
      return { counts: { ...total }, origins };
    },
  };
}

export function buildReport(entries: DiagnosedExchange[]): Report {
  const builder = createReportBuilder();
  for (const entry of entries) builder.add(entry);
  return builder.finish();
}

function countLine(c: Counts, paint: Paint): string {
  const parts = [
    c.blocked > 0 ? paint.red(`${c.blocked} blocked`) : "0 blocked",
    `${c.allowed} allowed`,
    c["network-error"] > 0 ? paint.yellow(`${c["network-error"]} network error${c["network-error"] === 1 ? "" : "s"}`) : "",
    c["not-cors"] > 0 ? `${c["not-cors"]} not CORS` : "",
    c.pending > 0 ? `${c.pending} pending` : "",
  ];
  return parts.filter((p) => p !== "").join(", ");
}

/** A header list, one per line, indented. */
function headerLines(headers: Header[], indent: string): string[] {
  return headers.map((h) => `${indent}${safe(h.name)}: ${safe(h.value)}`);
}

/** One failure as terminal lines (joined by newlines). */
export function renderFailure(item: FailureItem, paint: Paint): string {
  const lines: string[] = [];
  const mark = item.verdict === "blocked" ? paint.red("✗ blocked") : paint.yellow("! network error");
  const where = item.failure.phase + (item.failure.hop !== undefined ? ` hop ${item.failure.hop}` : "");
  const sure = item.failure.confidence === "likely" ? " (likely)" : "";
  lines.push(`  ${mark}  ${safe(item.method)} ${safe(item.url)}`);
  lines.push(`    ${paint.bold(item.failure.id)} at ${where}${sure}`);
  if (item.failure.header) {
    lines.push(`    ${safe(item.failure.header)}: received ${item.failure.received === null ? "(absent)" : safe(item.failure.received)}${item.failure.required === null ? "" : `, needs ${safe(item.failure.required)}`}`);
  }
  lines.push(`    ${safe(item.explanation)}`);
  if (item.fix.preflight.length > 0 || item.fix.response.length > 0) {
    lines.push(`    ${paint.green("Fix:")} ${safe(item.fix.summary)}`);
    if (item.fix.preflight.length > 0) lines.push("      on the OPTIONS (preflight) response:", ...headerLines(item.fix.preflight, "        "));
    if (item.fix.response.length > 0) lines.push("      on the actual response:", ...headerLines(item.fix.response, "        "));
    if (item.fix.ifCredentials) lines.push("      on both, if the page sends credentials:", ...headerLines(item.fix.ifCredentials, "        "));
  } else if (item.fix.summary) {
    lines.push(`    ${paint.green("Fix:")} ${safe(item.fix.summary)}`);
  }
  for (const note of item.fix.notes) lines.push(`    ${paint.dim(`note: ${safe(note)}`)}`);
  return lines.join("\n");
}

/**
 * The terminal report, written piece by piece through `write` (concatenated, the pieces are
 * the whole text); `failuresOf` gives each origin's failures already rendered.
 */
export function writeReport(report: Report, title: string, paint: Paint, failuresOf: (o: OriginReport) => Iterable<string>, write: (text: string) => void): void {
  write(`${paint.bold(safe(title))}\nTotal: ${countLine(report.counts, paint)}`);
  for (const o of report.origins) {
    const lines = ["", `${paint.bold(safe(o.origin))}  ${countLine(o.counts, paint)}`];
    write(`\n${lines.join("\n")}`);
    for (const failure of failuresOf(o)) write(`\n${failure}`);
    for (const w of o.warnings) {
      write(`\n  ${paint.yellow("⚠")} ${w.id}${w.count > 1 ? ` (${w.count} requests)` : ""}: ${safe(w.text)}`);
    }
  }
  write("\n");
}

export function renderReport(report: Report, title: string, paint: Paint): string {
  const parts: string[] = [];
  writeReport(report, title, paint, (o) => o.failures.map((item) => renderFailure(item, paint)), (text) => parts.push(text));
  return parts.join("");
}
