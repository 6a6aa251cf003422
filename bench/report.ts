/** The benchmark's result rows, the printed table and the README's Markdown table. */
import type { Summary } from "./stats";

export interface Row {
  /** which part of the benchmark (browsing, engine, memory, panel, bundles) */
  part: string;
  measure: string;
  /** "×" for a ratio against a baseline measured in the same run; otherwise an absolute unit */
  unit: "×" | "ms" | "MB" | "KiB" | "%";
  value: number;
  /** 95% interval of the median, when the figure is a median of rounds */
  ci?: [number, number];
  rounds?: number;
  /** e.g. "≤ 1.05" */
  budget?: string;
  met?: boolean;
  note?: string;
}

export function fromSummary(part: string, measure: string, unit: Row["unit"], s: Summary, extra: Partial<Row> = {}): Row {
  return { part, measure, unit, value: s.median, ci: [s.low, s.high], rounds: s.n, ...extra };
}

function fmt(raw: number, unit: Row["unit"]): string {
  if (!Number.isFinite(raw)) return "n/a";
  const value = Math.abs(raw) < 0.05 ? 0 : raw; // no "-0.0"
  if (unit === "×") return `${value.toFixed(3)}×`;
  if (unit === "ms") return value >= 100 ? `${value.toFixed(0)} ms` : `${value.toFixed(1)} ms`;
  if (unit === "%") return `${value.toFixed(1)} %`;
  return `${value.toFixed(1)} ${unit}`;
}

function cells(row: Row): string[] {
  const ci = row.ci ? `${fmt(row.ci[0], row.unit)} – ${fmt(row.ci[1], row.unit)}` : "";
  const verdict = row.met === undefined ? "" : row.met ? "met" : "MISSED";
  return [row.part, row.measure, fmt(row.value, row.unit), ci, row.rounds === undefined ? "" : String(row.rounds), row.budget ?? "", verdict];
}

const HEAD = ["part", "measure", "median / value", "95% interval", "n", "budget", ""];

export function textTable(rows: Row[]): string {
  const table = [HEAD, ...rows.map(cells)];
  const widths = HEAD.map((_, c) => Math.max(...table.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => cell.padEnd(widths[c] ?? 0)).join("  ").trimEnd();
  return [line(HEAD), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map((r) => line(cells(r)))].join("\n");
}

export function markdownTable(rows: Row[]): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|");
  return [
    `| ${HEAD.map(esc).join(" | ")} |`,
    `|${HEAD.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cells(r).map(esc).join(" | ")} |`),
  ].join("\n");
}
