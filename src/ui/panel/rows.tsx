/** One row of the origin list and of the exchange list (fixed height, text only). */
import type { Verdict } from "../../cors/model";
import type { ExchangeRow as ExchangeRowData } from "../../protocol";
import { pure } from "../common/pure";
import { makeVisible } from "../common/text";
import { titleOf } from "../common/titles";
import { pathOf } from "../store/origin";
import type { OriginGroup } from "../store/select";

export const VERDICT_MARK: Record<Verdict, string> = {
  blocked: "\u2715",
  allowed: "\u2713",
  "network-error": "!",
  "not-cors": "\u2013",
  pending: "\u2026",
};

export const VERDICT_LABEL: Record<Verdict, string> = {
  blocked: "blocked",
  allowed: "allowed",
  "network-error": "network error",
  "not-cors": "not CORS",
  pending: "pending",
};

export function clockTime(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

export function finalStatus(row: ExchangeRowData): string {
  return row.status;
}

export function shortReason(row: ExchangeRowData): string {
  if (row.failureId) return titleOf(row.failureId);
  if (row.notCorsId) return titleOf(row.notCorsId);
  if (row.warnings > 0) return `${row.warnings} warning${row.warnings > 1 ? "s" : ""}`;
  return "";
}

export function marksOf(row: ExchangeRowData): string[] {
  const marks: string[] = [];
  if (row.preflight) marks.push("preflight");
  if (row.cachedPreflight) marks.push("cached preflight");
  if (row.redirects.length > 0) marks.push("redirect");
  return marks;
}

/** A row of the exchange list; drawn again only when its exchange changed (see pure.ts). */
export const ExchangeRow = pure(function ExchangeRow({ row }: { row: ExchangeRowData }) {
  const verdict = row.verdict;
  const reason = shortReason(row);
  return (
    <>
      <span class={`mark v-${verdict}`} role="img" title={VERDICT_LABEL[verdict]} aria-label={VERDICT_LABEL[verdict]}>
        {VERDICT_MARK[verdict]}
      </span>
      <span class="method">{makeVisible(row.method)}</span>
      <span class="path" title={makeVisible(row.url)}>
        {makeVisible(pathOf(row.url)).slice(0, 300)}
      </span>
      <span class="status">{row.status}</span>
      <span class={`reason v-${verdict}`} title={reason || undefined}>
        {reason}
      </span>
      {row.warnings > 0 && verdict !== "blocked" ? (
        <span class="warn-mark" role="img" title="has warnings" aria-label="has warnings">
          {"\u26A0"}
        </span>
      ) : null}
      <span class="marks">
        {marksOf(row).map((m) => (
          <span key={m} class="chip">
            {m}
          </span>
        ))}
      </span>
      <span class="time">{clockTime(row.startTime)}</span>
    </>
  );
});

/** One verdict count of an origin: the exchange list's mark and the number, with the words for
 * screen readers (and the row's tooltip), so the origin name keeps the room. */
function Count({ n, verdict, words }: { n: number; verdict: Verdict | "warn"; words: string }) {
  if (n <= 0) return null;
  return (
    <span class={`count v-${verdict}`}>
      <span aria-hidden="true">{verdict === "warn" ? "\u26A0" : VERDICT_MARK[verdict]}</span>
      {String(n)}
      <span class="sr-only">{` ${words}`}</span>
    </span>
  );
}

export function countsText(group: OriginGroup): string {
  const parts: string[] = [];
  if (group.blocked > 0) parts.push(`${group.blocked} blocked`);
  if (group.allowed > 0) parts.push(`${group.allowed} allowed`);
  if (group.warnings > 0) parts.push(`${group.warnings} with warnings`);
  if (group.errors > 0) parts.push(`${group.errors} network error${group.errors > 1 ? "s" : ""}`);
  if (parts.length === 0) parts.push(`${group.total} exchange${group.total > 1 ? "s" : ""}`);
  return parts.join(", ");
}

export function OriginRow({ group }: { group: OriginGroup | null; total?: number }) {
  if (!group) return null;
  return (
    <>
      <span class="origin-name" title={`${makeVisible(group.origin)}: ${countsText(group)}`}>
        {makeVisible(group.origin).slice(0, 200)}
      </span>
      <span class="counts">
        <Count n={group.blocked} verdict="blocked" words="blocked" />
        <Count n={group.allowed} verdict="allowed" words="allowed" />
        <Count n={group.warnings} verdict="warn" words="with warnings" />
        <Count n={group.errors} verdict="network-error" words={group.errors > 1 ? "network errors" : "network error"} />
        {group.blocked + group.allowed + group.errors === 0 ? <span class="count">{`${group.total}`}</span> : null}
      </span>
    </>
  );
}
