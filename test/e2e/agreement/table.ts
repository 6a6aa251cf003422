/** The agreement table both browser tests print and save under test-output/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Diagnosis, Verdict } from "../../../src/cors/model";

/**
 * How the extension's failure id stands to the ids the browser's message stands for: the same,
 * or (only where the credentials mode was not seen) one of the other rules the diagnosis names.
 * A preflight never shows the mode (it is sent without credentials either way) and the request
 * it stopped was never sent, while the two modes can fail on different rules (a missing
 * Access-Control-Allow-Credentials, or a method not listed): the diagnosis then says "likely"
 * and names both, and the browser, which knows the mode, names one of them.
 */
export function idMatch(diagnosis: Diagnosis, browserIds: string[]): "same" | "candidate" | "differs" {
  const failure = diagnosis.failure;
  if (!failure) return "differs";
  if (browserIds.includes(failure.id)) return "same";
  const unseen = diagnosis.credentials === "unknown" && failure.confidence === "likely";
  return unseen && (failure.candidates ?? []).some((c) => browserIds.includes(c)) ? "candidate" : "differs";
}

/**
 * A fetch with redirect: "manual" gets an opaque-redirect response; the capture sees the request
 * cancelled at its 3xx, exactly as for redirect: "error", which fails (src/cors/redirect-stop.ts).
 * The extension cannot tell the two apart, so the browser's opaque redirect is compared as the
 * one reading the capture allows: a network error, `non-cors-aborted`, at the redirect, whose
 * explanation names both modes. Counted in the report.
 */
export const REDIRECT_STOP = "network-error non-cors-aborted at redirect";

export function isOpaqueRedirect(result: { ok: boolean; type?: string }): boolean {
  return result.ok && result.type === "opaqueredirect";
}

/** Whether a reading of redirectStopOf agrees: none (the page got no opaque redirect), or
 * REDIRECT_STOP. */
export function stopReadingAgrees(reading: string | undefined): boolean {
  return reading === undefined || reading === REDIRECT_STOP;
}

/** The extension's reading of a page's opaque redirect, to compare with REDIRECT_STOP
 * (undefined when the page got something else). */
export function redirectStopOf(result: { ok: boolean; type?: string }, d: Diagnosis): string | undefined {
  return isOpaqueRedirect(result) ? `${d.verdict} ${d.failure?.id ?? "-"} at ${d.failure?.phase ?? "-"}` : undefined;
}

export interface AgreementRow {
  name: string;
  browserVerdict: Verdict;
  extVerdict: Verdict;
  /** the id the browser's own message maps to (null: the browser named no CORS rule) */
  browserId: string | null;
  extId: string | null;
  message: string | null;
  /** `cors-lens check` on the same URL, when the CLI can express the request */
  cliVerdict?: Verdict;
  cliId?: string | null;
  agree: boolean;
  /** the browser's rule is among the diagnosis's candidates, not its first (see idMatch) */
  candidate?: boolean;
  /** the page got an opaque redirect: the extension's reading (see REDIRECT_STOP) */
  redirectStop?: string;
  /** the same, for `cors-lens check` */
  cliRedirectStop?: string;
  /** whether `cors-lens check` agrees with the browser (where the test judges it apart) */
  cliAgrees?: boolean;
  /** whether the extension's id stands against the rule the browser named (where the test
   * judges it apart from the verdict) */
  extIdAgrees?: boolean;
}

export function formatTable(browserName: string, rows: AgreementRow[]): string {
  const header = ["scenario", browserName, "CORS Lens", `${browserName} id`, "CORS Lens id", "CLI check", ""];
  const lines = rows.map((r) => [
    r.name,
    r.browserVerdict,
    r.extVerdict,
    r.browserId ?? "-",
    r.extId ?? "-",
    r.cliVerdict ? `${r.cliVerdict}${r.cliId ? ` ${r.cliId}` : ""}` : "(n/a)",
    r.agree ? (r.candidate ? "ok (rule among candidates: credentials mode unseen)" : "ok") : "DISAGREE",
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i] as number)).join("  ").trimEnd();
  return [fmt(header), ...lines.map(fmt)].join("\n");
}

export function reportAgreement(browserName: string, rows: AgreementRow[]): void {
  if (rows.length === 0) return;
  const agreeing = rows.filter((r) => r.agree).length;
  const named = rows.filter((r) => r.browserId !== null).length;
  const checked = rows.filter((r) => r.cliVerdict !== undefined).length;
  const candidates = rows.filter((r) => r.agree && r.candidate).length;
  const stops = rows.filter((r) => r.agree && r.redirectStop !== undefined).length;
  process.stdout.write(
    `\n${browserName} agreement: ${agreeing}/${rows.length} verdicts and ids agree (${candidates} of them with the browser's rule among the diagnosis's candidates, the credentials mode unseen; ${stops} opaque redirects read as stopped at the redirect); ${browserName} named a CORS rule in ${named}; \`cors-lens check\` ran on ${checked}\n${formatTable(browserName, rows)}\n`,
  );
  const out = join(__dirname, "../../../test-output");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `agreement-${browserName.toLowerCase()}.json`), `${JSON.stringify(rows, null, 2)}\n`);
}
