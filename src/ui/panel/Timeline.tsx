/** The exchange as it happened: preflight → redirects → actual request → outcome. */
import type { Exchange, HttpResponse } from "../../cors/model";
import { Value } from "../common/Value";

function statusText(response: HttpResponse | undefined): string {
  if (!response) return "no response";
  return `${response.status}${response.statusText ? ` ${response.statusText}` : ""}${response.fromCache ? " (from cache)" : ""}`;
}

function ms(from: number, to: number | undefined): string {
  return to === undefined ? "" : `${Math.max(0, Math.round(to - from))} ms`;
}

export function Timeline({ exchange }: { exchange: Exchange }) {
  const steps: { key: string; kind: string; label: string; url: string; result: string; time: string }[] = [];
  exchange.hops.forEach((hop, i) => {
    if (hop.preflightState === "sent" && hop.preflight) {
      const p = hop.preflight;
      steps.push({
        key: `p${i}`,
        kind: "preflight",
        label: "OPTIONS",
        url: p.url,
        result: p.error ? p.error : statusText(p.response),
        time: ms(p.startTime, p.endTime ?? p.response?.time),
      });
    } else if (hop.preflightState === "cached") {
      steps.push({ key: `c${i}`, kind: "cached", label: "preflight", url: hop.url, result: "cached preflight used", time: "" });
    }
    const redirect = hop.redirectUrl !== undefined;
    steps.push({
      key: `h${i}`,
      kind: redirect ? "redirect" : "request",
      label: hop.method,
      url: hop.url,
      result: hop.requestHeaders === null && !hop.response ? "not sent" : `${statusText(hop.response)}${redirect ? " → redirect" : ""}`,
      time: ms(hop.startTime, hop.response?.time),
    });
  });
  const outcome = exchange.outcome;
  const end =
    outcome.state === "completed" ? "completed" : outcome.state === "failed" ? `failed: ${outcome.error}` : outcome.interrupted ? "interrupted" : "pending";
  return (
    <ol class="timeline" aria-label="Timeline">
      {steps.map((s) => (
        <li key={s.key} class={`step step-${s.kind}`}>
          <span class="step-kind">{s.kind === "cached" ? "cached" : s.kind}</span>
          <span class="step-method">{s.label}</span>
          <span class="step-url">
            <Value value={s.url} limit={120} />
          </span>
          <span class="step-result">
            {/* the status line's reason phrase is the server's text */}
            <Value value={s.result} limit={120} />
          </span>
          <span class="step-time">{s.time}</span>
        </li>
      ))}
      <li class={`step step-end outcome-${outcome.state}`}>
        <span class="step-kind">outcome</span>
        <span class="step-result">{end}</span>
      </li>
    </ol>
  );
}
