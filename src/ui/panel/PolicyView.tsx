/**
 * The synthesized CORS policy for one target origin: the minimal policy that lets every
 * captured exchange to it pass, what the server's observed policy lacks, and the policy as
 * server configuration. Computed only while the section is open (policy synthesis is not
 * part of the live budget).
 */
import { useMemo, useState } from "preact/hooks";
import type { DiagnosedExchange } from "../../cors/model";
import { synthesizePolicy } from "../../cors/policy";
import { Value } from "../common/Value";
import { targetOrigin } from "../store/origin";
import { SnippetTabs } from "./FixView";

export function PolicyView({ entries, complete, origin }: { entries: DiagnosedExchange[]; complete: boolean; origin: string }) {
  const [open, setOpen] = useState(false);
  return (
    <section class="policy" aria-label="Policy for origin">
      <h3>
        <button type="button" class="linkish" aria-expanded={open} onClick={() => setOpen(!open)}>
          {`${open ? "▾" : "▸"} Policy for ${origin}`}
        </button>
      </h3>
      {open ? complete ? <PolicyBody entries={entries} origin={origin} /> : <p class="muted">Loading the captured exchanges…</p> : null}
    </section>
  );
}

function PolicyBody({ entries, origin }: { entries: DiagnosedExchange[]; origin: string }) {
  const report = useMemo(() => {
    try {
      return synthesizePolicy(
        entries.filter((e) => targetOrigin(e.exchange) === origin),
        origin,
      );
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }, [entries, origin]);
  if (report instanceof Error) return <p class="error">{`The policy could not be computed: ${report.message}`}</p>;
  const p = report.policy;
  const rows: [string, string][] = [
    ["Access-Control-Allow-Origin", p.allowOrigins.join(", ")],
    ["Access-Control-Allow-Methods", p.allowMethods.join(", ")],
    ["Access-Control-Allow-Headers", p.allowHeaders.join(", ")],
    ["Access-Control-Allow-Credentials", p.allowCredentials ? "true" : "(omit)"],
    ["Access-Control-Expose-Headers", p.exposeHeaders.join(", ")],
    ["Access-Control-Max-Age", String(p.maxAge)],
  ];
  return (
    <div>
      <p class="muted small">{`From ${report.exchangeCount} captured exchange${report.exchangeCount === 1 ? "" : "s"} to this origin.`}</p>
      <pre>
        {rows
          .filter(([, v]) => v !== "")
          .map(([n, v]) => (
            <div key={n}>
              <Value value={`${n}: ${v}`} limit={1000} />
            </div>
          ))}
      </pre>
      {report.lacks.length > 0 ? (
        <>
          <h4>The server's current policy lacks</h4>
          <ul>
            {report.lacks.map((l, i) => (
              <li key={i}>
                <Value value={l} limit={1000} />
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p class="v-allowed">The observed policy covers every captured exchange.</p>
      )}
      {report.warnings.map((w, i) => (
        <p key={i} class="v-warn">
          <Value value={w} limit={1000} />
        </p>
      ))}
      <SnippetTabs snippets={report.snippets} idPrefix="policy" />
    </div>
  );
}
