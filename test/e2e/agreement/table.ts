/** The agreement table both browser tests print and save under test-output/. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Verdict } from "../../../src/cors/model";

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
    r.agree ? "ok" : "DISAGREE",
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
  process.stdout.write(
    `\n${browserName} agreement: ${agreeing}/${rows.length} verdicts and ids agree; ${browserName} named a CORS rule in ${named}; \`cors-lens check\` ran on ${checked}\n${formatTable(browserName, rows)}\n`,
  );
  const out = join(__dirname, "../../../test-output");
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `agreement-${browserName.toLowerCase()}.json`), `${JSON.stringify(rows, null, 2)}\n`);
}
