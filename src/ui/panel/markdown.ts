/**
 * "Copy diagnosis": one exchange as Markdown for a bug report — the exchange, the verdict,
 * the evidence, the explanation and the fix. Values are made visible (invisible characters
 * escaped) and put in code spans/blocks so that Markdown renderers show them literally.
 */
import type { DiagnosedExchange } from "../../cors/model";
import { makeVisible } from "../common/text";
import { titleOf } from "../common/titles";

export interface FixLike {
  summary: string;
  preflight: { name: string; value: string }[];
  response: { name: string; value: string }[];
  ifCredentials?: { name: string; value: string }[];
  notes: string[];
}

/** A code span that survives backticks inside the value. */
function code(value: string): string {
  const v = makeVisible(value);
  const longest = Math.max(0, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = v.startsWith("`") || v.endsWith("`") ? " " : "";
  return `${fence}${pad}${v}${pad}${fence}`;
}

function block(value: string): string {
  const v = makeVisible(value);
  const longest = Math.max(2, ...[...v.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = "`".repeat(longest + 1);
  return `${fence}\n${v}\n${fence}`;
}

export function diagnosisMarkdown(entry: DiagnosedExchange, fix?: FixLike): string {
  const { exchange, diagnosis } = entry;
  const lines: string[] = [];
  lines.push(`### CORS Lens: ${code(`${exchange.method} ${exchange.url}`)}`);
  lines.push("");
  lines.push(`- **Verdict:** ${diagnosis.verdict}${diagnosis.failure ? ` — ${code(diagnosis.failure.id)} (${titleOf(diagnosis.failure.id)})` : ""}`);
  lines.push(`- **Page origin:** ${code(exchange.initiator ?? "unknown")}`);
  lines.push(`- **Browser rules:** ${diagnosis.browser}; credentials ${diagnosis.credentials}${diagnosis.credentialsInferred ? " (inferred)" : ""}`);
  if (diagnosis.cachedPreflight) lines.push("- **Preflight:** cached");
  const f = diagnosis.failure;
  if (f) {
    lines.push(`- **Phase:** ${f.phase}${f.hop !== undefined ? ` (hop ${f.hop})` : ""}; confidence ${f.confidence}${f.candidates?.length ? ` (also possible: ${f.candidates.join(", ")})` : ""}`);
    if (f.header !== null) {
      lines.push(`- **Header:** ${code(f.header)}`);
      lines.push(`  - received: ${f.received === null ? "(absent)" : code(f.received)}`);
      lines.push(`  - required: ${f.required === null ? "(n/a)" : code(f.required)}`);
    }
    if (f.missing?.length) lines.push(`- **Not allowed:** ${f.missing.map(code).join(", ")}`);
    lines.push("");
    lines.push("Browser message:");
    lines.push("");
    lines.push(block(f.browserMessage));
  }
  lines.push("");
  lines.push(`**Explanation.** ${makeVisible(diagnosis.explanation)}`);
  if (fix) {
    lines.push("");
    lines.push(`**Fix.** ${makeVisible(fix.summary)}`);
    const headers = [
      ...fix.preflight.map((h) => `OPTIONS response: ${h.name}: ${h.value}`),
      ...fix.response.map((h) => `response: ${h.name}: ${h.value}`),
      ...(fix.ifCredentials ?? []).map((h) => `both, if the page sends credentials: ${h.name}: ${h.value}`),
    ];
    if (headers.length) {
      lines.push("");
      lines.push(block(headers.join("\n")));
    }
    for (const note of fix.notes) lines.push(`- ${makeVisible(note)}`);
  } else if (f?.header && f.required !== null) {
    lines.push("");
    lines.push(`**Fix.** The server must send ${code(`${f.header}: ${f.required}`)}.`);
  }
  if (diagnosis.warnings.length) {
    lines.push("");
    lines.push("**Warnings**");
    for (const w of diagnosis.warnings) lines.push(`- ${code(w.id)}: ${makeVisible(w.text)}`);
  }
  lines.push("");
  return lines.join("\n");
}
