/**
 * Re-test: repeat an exchange from the inspected page, as the page made it — same method and
 * URL, the headers the script set, the inferred credentials mode — so the browser applies its
 * CORS rules again (after the server was fixed). The request body is never captured, so
 * none is sent; when the actual request was never sent (its preflight failed) the header
 * values are unknown and the names from Access-Control-Request-Headers get placeholders.
 */
import type { DiagnosedExchange, Header } from "../../cors/model";

export interface RetestPlan {
  url: string;
  init: { method: string; headers: Record<string, string>; credentials: "include" | "same-origin"; mode: "cors"; cache: "no-store" };
  /** what differs from the original request, for the user */
  notes: string[];
  /** the expression for the inspected page: starts the fetch, evaluates to "started" */
  expression: string;
}

const PLACEHOLDER = "cors-lens-retest";

function find(headers: Header[] | null | undefined, name: string): string | undefined {
  return headers?.find((h) => h.name.toLowerCase() === name)?.value;
}

export function planRetest(entry: DiagnosedExchange): RetestPlan {
  const { exchange, diagnosis } = entry;
  const hop = exchange.hops[0];
  const sent = hop?.requestHeaders ?? null;
  const acrh = find(hop?.preflight?.requestHeaders, "access-control-request-headers");
  const names = new Set<string>();
  for (const n of (acrh ?? "").split(",")) if (n.trim()) names.add(n.trim().toLowerCase());
  if (find(sent, "content-type") !== undefined) names.add("content-type");
  const accept = find(sent, "accept");
  if (accept !== undefined && accept !== "*/*") names.add("accept");

  const notes: string[] = [];
  const headers: Record<string, string> = {};
  let guessed = false;
  for (const name of names) {
    const value = find(sent, name);
    if (value !== undefined) headers[name] = value;
    else {
      guessed = true;
      headers[name] = name === "content-type" ? "application/json" : PLACEHOLDER;
    }
  }
  if (guessed) notes.push("The request was never sent, so its header values are unknown: placeholders are used for the names the preflight announced.");
  if (exchange.method !== "GET" && exchange.method !== "HEAD") notes.push("Request bodies are not captured: the re-test sends none.");
  const credentials = diagnosis.credentials === "include" ? "include" : "same-origin";
  if (diagnosis.credentialsInferred) notes.push(`Credentials mode "${credentials}" was inferred.`);
  const init = { method: exchange.method, headers, credentials, mode: "cors", cache: "no-store" } as const;
  // JSON.stringify yields valid JS string/object literals for any value (quotes, newlines and
  // U+2028/2029 escaped or legal), so hostile URLs or header values cannot break out.
  const expression = `(() => { fetch(${JSON.stringify(exchange.url)}, ${JSON.stringify(init)}).catch(() => undefined); return "started"; })()`;
  return { url: exchange.url, init: { ...init, headers }, notes, expression };
}

/** The exchange a re-test produced: same method and URL, started after the re-test began. */
export function findRetestResult(entries: DiagnosedExchange[], original: DiagnosedExchange, startedAt: number): DiagnosedExchange | null {
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i];
    if (!e) continue;
    if (e.exchange.startTime < startedAt - 50) break;
    if (
      e.exchange.id !== original.exchange.id &&
      e.exchange.url === original.exchange.url &&
      e.exchange.method === original.exchange.method &&
      e.exchange.outcome.state !== "pending"
    )
      return e;
  }
  return null;
}
