/**
 * The fix for one exchange: the headers the OPTIONS response and the actual response must
 * carry, advice, and the same policy for each common server, one tab per server with a Copy
 * button. Computed when shown (design.md: fixes are not part of the diagnosis budget).
 */
import { useState } from "preact/hooks";
import type { Fix, ServerSnippet } from "../../cors/fix/index";
import type { Header } from "../../cors/model";
import { copyText } from "../common/clipboard";
import { Value } from "../common/Value";

function HeaderLines({ title, headers }: { title: string; headers: Header[] }) {
  if (headers.length === 0) return null;
  return (
    <div class="fix-headers">
      <h4>{title}</h4>
      <pre>
        {headers.map((h, i) => (
          <div key={i}>
            <Value value={`${h.name}: ${h.value}`} limit={400} />
          </div>
        ))}
      </pre>
    </div>
  );
}

export function FixView({ fix, idPrefix = "fix" }: { fix: Fix; idPrefix?: string }) {
  return (
    <section class="fix" aria-label="Fix">
      <h3>Fix</h3>
      <p>
        <Value value={fix.summary} limit={1000} />
      </p>
      <HeaderLines title="OPTIONS (preflight) response must send" headers={fix.preflight} />
      <HeaderLines title="Response must send (every status, errors included)" headers={fix.response} />
      {fix.ifCredentials ? <HeaderLines title="Both must also send, if the page sends credentials" headers={fix.ifCredentials} /> : null}
      {fix.notes.length > 0 ? (
        <ul class="notes">
          {fix.notes.map((n, i) => (
            <li key={i}>
              <Value value={n} limit={1000} />
            </li>
          ))}
        </ul>
      ) : null}
      <SnippetTabs snippets={fix.snippets} idPrefix={idPrefix} />
    </section>
  );
}

/** The tab text: the server's name without the parenthesised detail ("Express (cors package)"
 * → "Express"), so the tabs fit on one or two lines; the full label heads the tab's panel. */
export function shortLabel(label: string): string {
  const short = label.replace(/\s*\(.*\)\s*$/, "").trim();
  return short === "" ? label : short;
}

/** One tab per server, the selected server's configuration and a Copy button. */
export function SnippetTabs({ snippets, idPrefix }: { snippets: ServerSnippet[]; idPrefix: string }) {
  const [tab, setTab] = useState(0);
  const [copied, setCopied] = useState("");
  const snippet = snippets[Math.min(tab, snippets.length - 1)];
  if (!snippet) return null;

  const onTabKey = (e: KeyboardEvent) => {
    const n = snippets.length;
    let next = -1;
    if (e.key === "ArrowRight") next = (tab + 1) % n;
    else if (e.key === "ArrowLeft") next = (tab - 1 + n) % n;
    else if (e.key === "Home") next = 0;
    else if (e.key === "End") next = n - 1;
    if (next < 0) return;
    e.preventDefault();
    setTab(next);
    setCopied("");
    const target = (e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>("[role=tab]")[next];
    target?.focus();
  };

  return (
    <>
      <div class="tabs" role="tablist" aria-label="Server configuration" tabIndex={-1} onKeyDown={onTabKey}>
        {snippets.map((s, i) => (
          <button
            key={s.server}
            type="button"
            role="tab"
            id={`${idPrefix}-tab-${i}`}
            aria-selected={i === tab}
            aria-controls={`${idPrefix}-panel`}
            tabIndex={i === tab ? 0 : -1}
            title={s.label}
            onClick={() => {
              setTab(i);
              setCopied("");
            }}
          >
            {shortLabel(s.label)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id={`${idPrefix}-panel`} aria-labelledby={`${idPrefix}-tab-${tab}`}>
        <div class="actions">
          <span class="snippet-caption">{snippet.label}</span>
          <button
            type="button"
            aria-label={`Copy ${snippet.label} configuration`}
            onClick={async () => setCopied((await copyText(snippet.code)) ? "Copied" : "Copy failed")}
          >
            Copy
          </button>
          <span class="status" role="status" aria-live="polite">
            {copied}
          </span>
        </div>
        <pre class={`snippet lang-${snippet.language}`}>
          <Value value={snippet.code} limit={20000} multiline />
        </pre>
        {snippet.caveats.map((c, i) => (
          <p key={i} class="muted small">
            <Value value={c} limit={1000} />
          </p>
        ))}
      </div>
    </>
  );
}
