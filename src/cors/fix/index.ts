/**
 * buildFix: the exact headers THIS server must send for THIS exchange, on the OPTIONS
 * preflight and on the actual response, with advice for the failure and warnings, and the
 * same policy as configuration for common servers.
 */
import { checkRuleOf } from "../ids";
import type { DiagnosedExchange } from "../model";
import { adviceIdOf } from "../null-origin";
import { failureNotes, locationOf, noHeaderFixAdvice, warningNotes } from "./notes";
import { headerLines, policyForRequirement, wildcardFits } from "./policy-of";
import { hopRequirement, type HopRequirement, targetHopIndex } from "./requirements";
import { renderSnippets } from "./snippets/index";
import type { CorsPolicy, Fix } from "./types";

export type { CorsPolicy, Fix, ServerKind, ServerSnippet } from "./types";

function noHeaderFix(summary: string, notes: string[]): Fix {
  return { summary, preflight: [], response: [], notes, snippets: [] };
}

/** What to change, as a verb phrase, for each failure family. */
function changePhrase(id: string, policy: CorsPolicy, req: HopRequirement, location: string | null): string {
  const acao = `Access-Control-Allow-Origin: ${policy.allowOrigins[0] ?? ""}`;
  const base = checkRuleOf(id);
  if (id.startsWith("redirect-") && id.includes("aca")) return `add the CORS headers (${acao}) to the redirect response too`;
  switch (base) {
    case "acao-missing":
      return `add ${acao}`;
    case "acao-mismatch":
    case "acao-invalid":
      return `send exactly ${acao}`;
    case "acao-multiple":
      return `send a single ${acao} line, from one layer only`;
    case "acao-wildcard-with-credentials":
      return `replace * by ${acao} with Access-Control-Allow-Credentials: true`;
    case "acac-missing-or-not-true":
      return "add Access-Control-Allow-Credentials: true";
    case "preflight-status-not-ok":
      return "answer the OPTIONS preflight with 204 and the CORS headers, before any authentication";
    case "preflight-redirect":
      return `answer the OPTIONS preflight without redirecting${location ? " (or have the page call the redirect target directly)" : ""}`;
    case "acam-unparseable":
    case "method-not-allowed":
      return `send Access-Control-Allow-Methods: ${req.method}`;
    case "acah-unparseable":
    case "header-not-allowed":
      return `send Access-Control-Allow-Headers: ${policy.allowHeaders.join(", ")}`;
    case "redirect-origin-null":
      return "avoid the cross-origin redirect by calling the final URL directly";
    default:
      return "send the CORS headers below";
  }
}

export function buildFix(entry: DiagnosedExchange): Fix {
  const { exchange, diagnosis } = entry;
  if (diagnosis.verdict === "not-cors" || exchange.trafficClass !== "cross-origin") {
    const advice = noHeaderFixAdvice(diagnosis.notCorsId ?? "non-cors-same-origin") ?? "";
    return noHeaderFix("Not a CORS request: no CORS header is needed.", [advice]);
  }
  const failure = diagnosis.failure;
  const advice = failure ? noHeaderFixAdvice(failure.id) : null;
  if (failure && advice !== null) return noHeaderFix("No CORS header will fix this.", [advice]);

  const index = targetHopIndex(entry);
  const req = hopRequirement(entry, index);
  const policy = policyForRequirement(req, wildcardFits(entry, req));
  if (policy === null) {
    return noHeaderFix("The page origin is unknown, so the exact Access-Control-Allow-Origin cannot be named.", [
      "Capture the request again from the page (its Origin header names the value the server must allow).",
    ]);
  }

  const hop = exchange.hops[index];
  const failingResponse = failure?.phase === "preflight" ? hop?.preflight?.response : hop?.response;
  const location = locationOf(failingResponse?.headers) ?? hop?.redirectUrl ?? null;
  const notes: string[] = [];
  if (failure) notes.push(...failureNotes(failure, req, location));
  notes.push(...warningNotes(diagnosis.warnings, req));
  if (req.preflightNeeded) {
    notes.push("Answer the OPTIONS preflight with status 204 (No Content) and these headers, before authentication, redirects or routing that could reject it.");
  } else {
    notes.push(`This ${req.method} needs no preflight; only the actual response needs CORS headers (add the preflight ones if the page starts sending custom headers or other methods).`);
  }
  if (req.credentialsUnseen) {
    notes.push(
      "CORS Lens cannot tell whether the page sends credentials (credentials: 'include' in fetch, withCredentials in XHR): a preflight never carries them, and the request itself was not sent or not seen. If it does, the browser also requires Access-Control-Allow-Credentials: true on both responses; that is why the origin is named exactly.",
    );
  }
  if (req.headersInferred && req.headers.length > 0) {
    notes.push("No preflight was observed, so Access-Control-Allow-Headers was inferred from the request headers the page sent.");
  }
  if (policy.allowOrigins.includes("*")) {
    notes.push("* is used because the request carries no credentials and the resource looks public; an exact origin with Vary: Origin is safer if that ever changes.");
  }

  const server = req.serverOrigin ?? exchange.url;
  const where = req.preflightNeeded ? `the OPTIONS preflight and the ${req.method} response` : `the ${req.method} response`;
  const summary = failure
    ? `On ${server}, ${changePhrase(adviceIdOf(failure), policy, req, location)} (${where}).`
    : diagnosis.warnings.length > 0
      ? `The request works; tighten ${server}'s CORS policy to exactly what ${policy.allowOrigins[0]} uses (${where}).`
      : `The request works; these are the exact headers ${server} needs for it (${where}).`;

  return {
    summary,
    preflight: req.preflightNeeded ? headerLines(policy, true) : [],
    response: headerLines(policy, false),
    ...(req.credentialsUnseen ? { ifCredentials: [{ name: "Access-Control-Allow-Credentials", value: "true" }] } : {}),
    notes,
    snippets: renderSnippets(policy),
  };
}
