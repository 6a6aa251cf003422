/** One row of the origin list and of the exchange list (fixed height, text only). */
import type { DiagnosedExchange, Verdict } from "../../cors/model";
import { makeVisible } from "../common/text";
import { titleOf } from "../common/titles";
import type { OriginGroup } from "../store/select";
import { pathOf } from "../store/origin";

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

export function finalStatus(entry: DiagnosedExchange): string {
  const hops = entry.exchange.hops;
  for (let i = hops.length - 1; i >= 0; i--) {
    const response = hops[i]?.response;
    if (response) return String(response.status);
  }
  const outcome = entry.exchange.outcome;
  if (outcome.state === "failed") return "(failed)";
  if (outcome.state === "pending") return "(pending)";
  return "";
}

export function shortReason(entry: DiagnosedExchange): string {
  const { diagnosis } = entry;
  if (diagnosis.failure) return titleOf(diagnosis.failure.id);
  if (diagnosis.notCorsId) return titleOf(diagnosis.notCorsId);
  if (diagnosis.warnings.length > 0) return `${diagnosis.warnings.length} warning${diagnosis.warnings.length > 1 ? "s" : ""}`;
  return "";
}

export function marksOf(entry: DiagnosedExchange): string[] {
  const hops = entry.exchange.hops;
  const marks: string[] = [];
  if (hops.some((h) => h.preflightState === "sent")) marks.push("preflight");
  if (entry.diagnosis.cachedPreflight || hops.some((h) => h.preflightState === "cached")) marks.push("cached preflight");
  if (hops.length > 1) marks.push("redirect");
  return marks;
}

export function ExchangeRow({ entry }: { entry: DiagnosedExchange }) {
  const { exchange, diagnosis } = entry;
  const verdict = diagnosis.verdict;
  return (
    <>
      <span class={`mark v-${verdict}`} role="img" title={VERDICT_LABEL[verdict]} aria-label={VERDICT_LABEL[verdict]}>
        {VERDICT_MARK[verdict]}
      </span>
      <span class="method">{makeVisible(exchange.method)}</span>
      <span class="path" title={makeVisible(exchange.url)}>
        {makeVisible(pathOf(exchange.url)).slice(0, 300)}
      </span>
      <span class="status">{finalStatus(entry)}</span>
      <span class={`reason v-${verdict}`}>{shortReason(entry)}</span>
      {diagnosis.warnings.length > 0 && verdict !== "blocked" ? (
        <span class="warn-mark" role="img" title="has warnings" aria-label="has warnings">
          {"\u26A0"}
        </span>
      ) : null}
      <span class="marks">
        {marksOf(entry).map((m) => (
          <span key={m} class="chip">
            {m}
          </span>
        ))}
      </span>
      <span class="time">{clockTime(exchange.startTime)}</span>
    </>
  );
}

export function OriginRow({ group }: { group: OriginGroup | null; total?: number }) {
  if (!group) return null;
  return (
    <>
      <span class="origin-name" title={makeVisible(group.origin)}>
        {makeVisible(group.origin).slice(0, 200)}
      </span>
      <span class="counts">
        {group.blocked > 0 ? <span class="count v-blocked">{`${group.blocked} blocked`}</span> : null}
        {group.allowed > 0 ? <span class="count v-allowed">{`${group.allowed} allowed`}</span> : null}
        {group.warnings > 0 ? <span class="count v-warn">{`${group.warnings} warn`}</span> : null}
        {group.errors > 0 ? <span class="count v-network-error">{`${group.errors} error`}</span> : null}
        {group.blocked + group.allowed + group.errors === 0 ? <span class="count">{`${group.total}`}</span> : null}
      </span>
    </>
  );
}
