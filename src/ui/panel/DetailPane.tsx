/** The detail of the selected exchange with its actions (copy, curl, re-test), the fix and
 * the origin's synthesized policy. */
import { useEffect, useMemo, useState } from "preact/hooks";
import { buildFix } from "../../cors/fix/index";
import type { DiagnosedExchange } from "../../cors/model";
import { toCurl } from "../../export/curl";
import { textRedactorFor } from "../../export/redact";
import { rowOf, type Settings } from "../../protocol";
import { copyText } from "../common/clipboard";
import { targetOrigin } from "../store/origin";
import { Detail } from "./Detail";
import { FixView } from "./FixView";
import { diagnosisMarkdown } from "./markdown";
import type { PanelHost } from "./Panel";
import { PolicyView } from "./PolicyView";
import { findRetestResult, planRetest } from "./retest";
import { finalStatus, shortReason, VERDICT_LABEL } from "./rows";

export interface DetailPaneProps {
  entry: DiagnosedExchange;
  /** the full entries the page holds, in log order (Re-test result, the origin's policy) */
  entries: DiagnosedExchange[];
  /** false while some full entries are still loading (the policy waits for them) */
  complete: boolean;
  host: PanelHost;
  settings: Settings | null;
  /** false for an imported log: nothing can be re-tested there */
  live: boolean;
}

/** One line under a verdict in the Re-test comparison: the failure, or the HTTP status. */
function whyLine(entry: DiagnosedExchange): string {
  const row = rowOf(entry);
  const status = finalStatus(row);
  return shortReason(row) || (/^\d+$/.test(status) ? `HTTP ${status}` : status);
}

interface Retest {
  id: string;
  startedAt: number;
  notes: string[];
  error: string | null;
}

export function DetailPane({ entry, entries, complete, host, live, settings }: DetailPaneProps) {
  const [status, setStatus] = useState("");
  const [retest, setRetest] = useState<Retest | null>(null);

  useEffect(() => {
    setStatus("");
  }, [entry.exchange.id]);

  // computed only for the exchange on screen; a broken fix must not take the detail down
  const fix = useMemo(() => {
    try {
      return buildFix(entry);
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }, [entry]);

  // what leaves the panel for a bug report or a terminal is redacted as exports are
  const redact = settings?.redactByDefault ?? true;
  const copiedDiagnosis = () => {
    const markdown = diagnosisMarkdown(entry, fix instanceof Error ? undefined : fix);
    return redact ? textRedactorFor(entry.exchange)(markdown) : markdown;
  };

  const copy = async (label: string, text: string) => {
    const ok = await copyText(text);
    setStatus(ok ? `${label} copied` : `Could not copy ${label.toLowerCase()}`);
  };

  const canRetest = live && host.evalInPage !== undefined;
  const runRetest = async () => {
    if (!host.evalInPage) return;
    const plan = planRetest(entry);
    const startedAt = Date.now();
    setRetest({ id: entry.exchange.id, startedAt, notes: plan.notes, error: null });
    try {
      await host.evalInPage(plan.expression);
    } catch (e) {
      setRetest({ id: entry.exchange.id, startedAt, notes: plan.notes, error: e instanceof Error ? e.message : String(e) });
    }
  };

  const current = retest && retest.id === entry.exchange.id ? retest : null;
  const result = current ? findRetestResult(entries, entry, current.startedAt) : null;

  const actions = (
    <>
      <button type="button" title={redact ? "Markdown for a bug report (secrets redacted, see Options)" : "Markdown for a bug report, with cookies and tokens"} onClick={() => copy("Diagnosis", copiedDiagnosis())}>
        Copy diagnosis
      </button>
      <button
        type="button"
        title={redact ? "curl command (secrets redacted, see Options)" : "curl command with cookies and tokens"}
        onClick={() => copy("curl command", toCurl(entry.exchange, { redact }))}
      >
        Copy as curl
      </button>
      {canRetest ? (
        <button type="button" onClick={runRetest} title="Repeat this request from the inspected page">
          Re-test
        </button>
      ) : null}
      <span class="status" role="status" aria-live="polite">
        {status}
      </span>
    </>
  );

  const retestView = current ? (
    <section class="retest" aria-label="Re-test result">
      <h3>Re-test</h3>
      {current.error ? <p class="error">{`The page could not run the request: ${current.error}`}</p> : null}
      <div class="compare">
        <div class="compare-col">
          <div class="compare-head">Before</div>
          <div class={`compare-val v-${entry.diagnosis.verdict}`}>{VERDICT_LABEL[entry.diagnosis.verdict]}</div>
          <div class="compare-why">{whyLine(entry)}</div>
        </div>
        <div class="compare-col">
          <div class="compare-head">Now</div>
          <div class={`compare-val ${result ? `v-${result.diagnosis.verdict}` : ""}`}>
            {result ? VERDICT_LABEL[result.diagnosis.verdict] : current.error ? "—" : "waiting for the request…"}
          </div>
          {result ? <div class="compare-why">{whyLine(result)}</div> : null}
        </div>
      </div>
      {current.notes.map((n, i) => (
        <p key={i} class="muted small">
          {n}
        </p>
      ))}
    </section>
  ) : null;

  const fixElement =
    fix instanceof Error ? (
      <section class="fix" aria-label="Fix">
        <h3>Fix</h3>
        <p class="error">{`The fix could not be computed: ${fix.message}`}</p>
      </section>
    ) : (
      <FixView fix={fix} />
    );

  const policy = entry.exchange.trafficClass === "cross-origin" ? <PolicyView entries={entries} complete={complete} origin={targetOrigin(entry.exchange)} /> : null;

  return <Detail entry={entry} actions={actions} extra={retestView} fix={fixElement} policy={policy} />;
}
