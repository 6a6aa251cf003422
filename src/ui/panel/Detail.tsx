/**
 * The right pane: everything about one exchange — verdict, explanation, the browser's own
 * message, the evidence (received vs required), the fix, the timeline, the headers of every
 * hop with the deciding one highlighted, and the warnings.
 */
import type { ComponentChildren } from "preact";
import type { DiagnosedExchange, Failure } from "../../cors/model";
import { titleOf } from "../common/titles";
import { Value } from "../common/Value";
import { HeaderTable } from "./HeaderTable";
import { VERDICT_LABEL } from "./rows";
import { Timeline } from "./Timeline";

export interface DetailProps {
  entry: DiagnosedExchange;
  /** the fix section (rendered by the panel: it knows whether the fix module is there) */
  fix?: ComponentChildren;
  actions?: ComponentChildren;
  extra?: ComponentChildren;
  /** the synthesized policy of the exchange's target origin */
  policy?: ComponentChildren;
}

function Evidence({ failure }: { failure: Failure }) {
  return (
    <section class="evidence" aria-label="Evidence">
      <h3>Evidence</h3>
      <dl class="kv">
        <dt>Rule</dt>
        <dd>
          <code>{failure.id}</code>
          {` — ${titleOf(failure.id)}`}
        </dd>
        <dt>Phase</dt>
        <dd>{`${failure.phase}${failure.hop !== undefined ? ` (hop ${failure.hop})` : ""}`}</dd>
        <dt>Confidence</dt>
        <dd>
          {failure.confidence}
          {failure.candidates?.length ? ` — also possible: ${failure.candidates.map(titleOf).join("; ")}` : ""}
        </dd>
      </dl>
      {failure.header !== null ? (
        <div class="compare">
          <div class="compare-col received">
            <div class="compare-head">
              {"Received "}
              <code>{failure.header}</code>
            </div>
            <div class="compare-val">{failure.received === null ? <em>absent</em> : <Value value={failure.received} />}</div>
          </div>
          <div class="compare-col required">
            <div class="compare-head">Required</div>
            <div class="compare-val">{failure.required === null ? <em>—</em> : <Value value={failure.required} />}</div>
          </div>
        </div>
      ) : null}
      {failure.missing?.length ? (
        <p>
          {"Not allowed by the preflight: "}
          {failure.missing.map((m, i) => (
            <code key={i} class="missing">
              <Value value={m} limit={80} />
            </code>
          ))}
        </p>
      ) : null}
    </section>
  );
}

export function Detail({ entry, fix, actions, extra, policy }: DetailProps) {
  const { exchange, diagnosis } = entry;
  const failure = diagnosis.failure;
  const deciding = failure?.header ?? null;
  const onPreflight = failure?.phase === "preflight";
  return (
    <article class="detail" aria-label="Exchange detail">
      <header class="detail-head">
        <span class={`badge v-${diagnosis.verdict}`}>{VERDICT_LABEL[diagnosis.verdict]}</span>
        <span class="detail-method">{exchange.method}</span>
        <span class="detail-url">
          <Value value={exchange.url} limit={200} />
        </span>
        {failure ? <div class="detail-title">{titleOf(failure.id)}</div> : null}
      </header>
      {actions ? <div class="actions">{actions}</div> : null}
      {extra}
      <section aria-label="Explanation">
        <h3>Explanation</h3>
        <p class="explanation">
          <Value value={diagnosis.explanation} limit={2000} />
        </p>
        <p class="muted small">
          {`Page origin ${exchange.initiator ?? "unknown"} · ${exchange.type} · credentials ${diagnosis.credentials}${
            diagnosis.credentialsInferred ? " (inferred)" : ""
          } · ${diagnosis.browser} rules`}
        </p>
      </section>
      {failure ? (
        <section aria-label="Browser message">
          <h3>Browser message</h3>
          <pre class="browser-message">
            <Value value={failure.browserMessage} limit={2000} />
          </pre>
        </section>
      ) : null}
      {failure ? <Evidence failure={failure} /> : null}
      {fix}
      <section aria-label="Timeline section">
        <h3>Timeline</h3>
        <Timeline exchange={exchange} />
      </section>
      {diagnosis.warnings.length ? (
        <section aria-label="Warnings" class="warnings">
          <h3>{`Warnings (${diagnosis.warnings.length})`}</h3>
          <ul>
            {diagnosis.warnings.map((w, i) => (
              <li key={i}>
                <code>{w.id}</code>
                {w.variant ? <span class="muted">{` (${w.variant})`}</span> : null}
                {" "}
                <Value value={w.text} limit={1000} />
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {policy}
      <section aria-label="Headers" class="hops">
        <h3>Headers</h3>
        {exchange.hops.map((hop, i) => (
          <div key={i} class="hop">
            {exchange.hops.length > 1 ? (
              <h4 class="hop-title">
                {i === 0 ? "Request" : `Redirect hop ${i}`}
                {" — "}
                <Value value={hop.url} limit={120} />
              </h4>
            ) : null}
            {hop.preflight ? (
              <div class="pair">
                <HeaderTable title="Preflight request headers" headers={hop.preflight.requestHeaders} />
                <HeaderTable
                  title="Preflight response headers"
                  headers={hop.preflight.response ? hop.preflight.response.headers : null}
                  highlight={onPreflight ? deciding : null}
                />
              </div>
            ) : null}
            <div class="pair">
              <HeaderTable title="Request headers" headers={hop.requestHeaders} />
              <HeaderTable
                title="Response headers"
                headers={hop.response ? hop.response.headers : null}
                highlight={onPreflight ? null : deciding}
              />
            </div>
          </div>
        ))}
      </section>
    </article>
  );
}
