/**
 * Policy synthesis: from every exchange that reached one server origin, the minimal complete
 * CORS policy that lets all of them pass, what the server's observed policy lacks, and the
 * policy as configuration for common servers (the same renderers as buildFix).
 */
import { isSerializedOrigin, isToken, listItems, originOf, parseMaxAge } from "./fix/headers";
import { headerValue } from "./headers";
import { noHeaderFixAdvice } from "./fix/notes";
import { DEFAULT_MAX_AGE } from "./fix/policy-of";
import { type HopRequirement, hopRequirement } from "./fix/requirements";
import { renderSnippets } from "./fix/snippets/index";
import type { CorsPolicy, ServerSnippet } from "./fix/types";
import type { DiagnosedExchange, HttpResponse } from "./model";
import { policyLacks } from "./policy-lacks";

export type { CorsPolicy, ServerSnippet } from "./fix/types";

export interface PolicyReport {
  targetOrigin: string;
  /** exchanges that reached targetOrigin and were taken into account */
  exchangeCount: number;
  policy: CorsPolicy;
  /** the policy the server's responses showed (only what was observed) */
  current: Partial<CorsPolicy>;
  /** plain sentences: what the observed policy lacks, with counts and origins */
  lacks: string[];
  /** plain sentences: what was left out of the policy on purpose (e.g. Origin: null) */
  warnings: string[];
  snippets: ServerSnippet[];
}

/** Cross-origin exchanges whose problem a server CORS header can address. */
function relevant(entry: DiagnosedExchange): boolean {
  if (entry.exchange.trafficClass !== "cross-origin" || entry.diagnosis.verdict === "not-cors") return false;
  const id = entry.diagnosis.failure?.id;
  return id === undefined || noHeaderFixAdvice(id) === null;
}

function sortedUnique(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/** Case-insensitive de-duplication keeping the first spelling, sorted case-insensitively. */
function uniqueNames(items: Iterable<string>): string[] {
  const byLower = new Map<string, string>();
  for (const item of items) if (!byLower.has(item.toLowerCase())) byLower.set(item.toLowerCase(), item);
  return [...byLower.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, name]) => name);
}

function observedPolicy(reqs: HopRequirement[]): Partial<CorsPolicy> {
  const responses: HttpResponse[] = [];
  const preflights: HttpResponse[] = [];
  for (const req of reqs) {
    if (req.preflightResponse) {
      responses.push(req.preflightResponse);
      preflights.push(req.preflightResponse);
    }
    if (req.response) responses.push(req.response);
  }
  const current: Partial<CorsPolicy> = {};
  const values = (list: HttpResponse[], name: string): string[] =>
    list.map((r) => headerValue(r.headers, name)).filter((v): v is string => v !== null);
  const origins = values(responses, "access-control-allow-origin");
  if (origins.length > 0) current.allowOrigins = sortedUnique(origins);
  const methods = values(preflights, "access-control-allow-methods");
  if (methods.length > 0) current.allowMethods = sortedUnique(methods.flatMap((v) => listItems(v)));
  const headers = values(preflights, "access-control-allow-headers");
  if (headers.length > 0) current.allowHeaders = sortedUnique(headers.flatMap((v) => listItems(v).map((h) => h.toLowerCase())));
  if (responses.length > 0) current.allowCredentials = values(responses, "access-control-allow-credentials").includes("true");
  const expose = values(responses, "access-control-expose-headers");
  if (expose.length > 0) current.exposeHeaders = uniqueNames(expose.flatMap((v) => listItems(v)));
  const ages = values(preflights, "access-control-max-age")
    .map((v) => parseMaxAge(v))
    .filter((v): v is number => v !== null);
  if (ages.length > 0) current.maxAge = Math.max(...ages);
  return current;
}

export function synthesizePolicy(entries: DiagnosedExchange[], targetOrigin: string): PolicyReport {
  const reqs: HopRequirement[] = [];
  let exchangeCount = 0;
  for (const entry of entries) {
    if (!relevant(entry)) continue;
    const before = reqs.length;
    entry.exchange.hops.forEach((hop, index) => {
      if (originOf(hop.url) === targetOrigin) reqs.push(hopRequirement(entry, index));
    });
    if (reqs.length > before) exchangeCount++;
  }

  const warnings: string[] = [];
  const origins = new Set<string>();
  let nullOrigins = 0;
  let invalid = 0;
  for (const req of reqs) {
    const origin = req.originSeen ?? req.pageOrigin;
    if (origin === "null") nullOrigins++;
    else if (origin !== null && isSerializedOrigin(origin)) origins.add(origin);
    else invalid++;
  }
  if (nullOrigins > 0) {
    warnings.push(
      `${nullOrigins === 1 ? "1 request" : `${nullOrigins} requests`} reached ${targetOrigin} with Origin: null (after a cross-origin redirect or from a sandboxed page). null is not added to the policy, because any sandboxed page can send it: avoid the cross-origin redirect instead (or use * for public data requested without credentials).`,
    );
  }
  if (invalid > 0) warnings.push(`${invalid === 1 ? "1 request" : `${invalid} requests`} carried no usable Origin and were left out of the allowed origins.`);

  const current = observedPolicy(reqs);
  const keptAge = current.maxAge !== undefined && current.maxAge >= DEFAULT_MAX_AGE && current.maxAge <= 7200 ? current.maxAge : DEFAULT_MAX_AGE;
  const policy: CorsPolicy = {
    allowOrigins: sortedUnique(origins),
    // exactly as sent: `patch` and `PATCH` are different methods to a browser
    allowMethods: sortedUnique(reqs.map((r) => r.method).filter(isToken)),
    allowHeaders: sortedUnique(reqs.flatMap((r) => r.headers).filter(isToken)),
    allowCredentials: reqs.some((r) => r.credentials),
    exposeHeaders: uniqueNames(reqs.flatMap((r) => r.expose).filter(isToken)),
    maxAge: keptAge,
  };
  if (reqs.length === 0) warnings.push(`No cross-origin request to ${targetOrigin} that a CORS header could affect was observed.`);

  return {
    targetOrigin,
    exchangeCount,
    policy,
    current,
    lacks: policyLacks(reqs),
    warnings,
    snippets: policy.allowOrigins.length > 0 ? renderSnippets(policy) : [],
  };
}
