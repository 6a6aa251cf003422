/**
 * What one hop of an exchange needs from its server: which origin it saw, which method and
 * request headers the page used, whether credentials were involved, and which response
 * headers the page may want to read. Both the per-exchange fix and the site-wide policy are
 * built from these.
 */
import type { DiagnosedExchange, Exchange, Header, Hop, HttpResponse } from "../model";
import { headerValue } from "../headers";
import { failedOnNullOrigin } from "../null-origin";
import { isChromiumOnlySafelisted } from "../request-headers";
import {
  SAFELISTED_METHODS,
  isSafelistedResponseHeader,
  listItems,
  originOf,
  unsafeRequestHeaderNames,
} from "./headers";

export interface HopRequirement {
  hopIndex: number;
  /** origin of the server that answered this hop */
  serverOrigin: string | null;
  /** origin of the page (never the tainted `null`) */
  pageOrigin: string | null;
  /** the Origin this hop's server received: the page origin, or "null" after a cross-origin redirect */
  originSeen: string | null;
  /** the request of this hop goes with Origin: null (a redirect to another server came first):
   * no header naming the page's origin can let it through, whatever failed */
  nullOrigin: boolean;
  /** method exactly as the browser sent it (Access-Control-Request-Method when a preflight was seen) */
  method: string;
  /** lower-case, sorted, unique request header names that need Access-Control-Allow-Headers */
  headers: string[];
  /** true when `headers` was inferred from the request because no preflight was observed */
  headersInferred: boolean;
  preflightNeeded: boolean;
  credentials: boolean;
  /** a blocked request whose credentials mode nothing showed (a preflight never carries
   * credentials, and a request it stopped was never sent): the fix names the exact origin and
   * says what to add if the page sends credentials (Fix.ifCredentials) */
  credentialsUnseen: boolean;
  /** the request carried (or asked to carry) Authorization or cookies */
  authenticated: boolean;
  /** response header names worth exposing (case as sent) */
  expose: string[];
  preflightResponse?: HttpResponse;
  response?: HttpResponse;
}

/** Page origin: the initiator, else the Origin the first request or preflight carried. */
export function pageOriginOf(exchange: Exchange): string | null {
  if (exchange.initiator && exchange.initiator !== "null") return exchange.initiator;
  const first = exchange.hops[0];
  const sent = headerValue(first?.requestHeaders, "origin") ?? headerValue(first?.preflight?.requestHeaders, "origin");
  return sent && sent !== "null" ? sent : null;
}

/** Fetch 4.4 step 7 along the chain: before `index`, a hop on a server other than the page's
 * redirected to another server, so the request at `index` goes with Origin: null. */
function chainTaints(exchange: Exchange, index: number, pageOrigin: string | null): boolean {
  for (let k = 1; k <= index; k++) {
    const from = originOf(exchange.hops[k - 1]?.url ?? "");
    if (from !== originOf(exchange.hops[k]?.url ?? "") && from !== pageOrigin) return true;
  }
  return false;
}

/** Origin the server at `index` received (the chain's tainting when the header was not observed). */
function originSeenAt(exchange: Exchange, index: number, pageOrigin: string | null): string | null {
  const hop = exchange.hops[index];
  const observed = headerValue(hop?.requestHeaders, "origin") ?? headerValue(hop?.preflight?.requestHeaders, "origin");
  if (observed !== null) return observed;
  return chainTaints(exchange, index, pageOrigin) ? "null" : pageOrigin;
}

/** Whether the request at `index` goes with Origin: null after a redirect to another server: its
 * own Origin header when it was seen, else the chain. Not its preflight's: Firefox preflights
 * such a hop with the page's origin (null-origin.ts). */
function nullOriginAt(exchange: Exchange, index: number, pageOrigin: string | null): boolean {
  if (pageOrigin === null) return false;
  const observed = headerValue(exchange.hops[index]?.requestHeaders, "origin");
  return observed !== null ? observed === "null" : chainTaints(exchange, index, pageOrigin);
}

const REDIRECT_STATUSES = [301, 302, 303, 307, 308];

function isRedirect(hop: Hop | undefined): boolean {
  return hop?.response !== undefined && REDIRECT_STATUSES.includes(hop.response.status);
}

/**
 * The hop whose server must change for this diagnosis. Failure hops are 1-based redirect
 * indices (hop N = hops[N]); for a CORS check on a 3xx the failing response may be reported
 * on the hop that answered with the redirect or on the hop it led to, so both are tried.
 */
export function targetHopIndex(entry: DiagnosedExchange): number {
  const { exchange, diagnosis } = entry;
  const last = Math.max(0, exchange.hops.length - 1);
  const failure = diagnosis.failure;
  if (!failure) return last;
  const clamp = (i: number): number => Math.min(Math.max(i, 0), last);
  if (failure.phase === "redirect" && failure.hop !== undefined) {
    // the hop whose request went out with Origin: null failed, not the 3xx before it
    if (failedOnNullOrigin(failure)) return clamp(failure.hop);
    if (isRedirect(exchange.hops[failure.hop - 1])) return clamp(failure.hop - 1);
    return clamp(failure.hop);
  }
  if (failure.phase === "preflight") {
    if (failure.hop !== undefined) return clamp(failure.hop);
    for (let i = last; i >= 0; i--) if (exchange.hops[i]?.preflight) return i;
    return 0;
  }
  if (failure.phase === "redirect") {
    for (let i = 0; i <= last; i++) if (isRedirect(exchange.hops[i])) return i;
  }
  return last;
}

/** Useful non-safelisted response headers a page typically reads. */
const WORTH_EXPOSING = new Set([
  "location",
  "etag",
  "link",
  "content-disposition",
  "content-range",
  "retry-after",
  "x-total-count",
]);

/** `x-` headers that are infrastructure or security noise, not data for the page. */
const NOT_WORTH_EXPOSING = new Set([
  "x-powered-by",
  "x-frame-options",
  "x-content-type-options",
  "x-xss-protection",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-permitted-cross-domain-policies",
  "x-aspnet-version",
  "x-aspnetmvc-version",
  "x-runtime",
  "x-ua-compatible",
  "x-robots-tag",
  "x-cache",
  "x-cache-hits",
  "x-served-by",
  "x-timer",
  "x-varnish",
]);

function worthExposing(name: string): boolean {
  const lower = name.toLowerCase();
  if (isSafelistedResponseHeader(lower) || lower === "set-cookie" || lower === "set-cookie2") return false;
  if (lower.startsWith("access-control-")) return false;
  if (WORTH_EXPOSING.has(lower) || lower.startsWith("ratelimit")) return true;
  return lower.startsWith("x-") && !NOT_WORTH_EXPOSING.has(lower);
}

/** Response header names to expose: the useful ones present, plus whatever is already exposed. */
export function exposeCandidates(response: HttpResponse | undefined): string[] {
  if (!response) return [];
  const names: string[] = [];
  const seen = new Set<string>();
  const add = (name: string): void => {
    const lower = name.toLowerCase();
    if (seen.has(lower) || name === "*") return;
    seen.add(lower);
    names.push(name);
  };
  for (const h of response.headers) if (worthExposing(h.name)) add(h.name);
  for (const item of listItems(headerValue(response.headers, "access-control-expose-headers"))) add(item);
  return names;
}

function requestHeadersOf(exchange: Exchange, hop: Hop): Header[] {
  return hop.requestHeaders ?? exchange.hops[0]?.requestHeaders ?? [];
}

export function hopRequirement(entry: DiagnosedExchange, index: number): HopRequirement {
  const { exchange, diagnosis } = entry;
  const hop = exchange.hops[index] ?? { url: exchange.url, method: exchange.method, requestHeaders: null, startTime: 0, preflightState: "unknown" as const };
  const pageOrigin = pageOriginOf(exchange);
  const preflightHeaders = hop.preflight?.requestHeaders ?? null;
  const requestHeaders = requestHeadersOf(exchange, hop);
  const acrm = headerValue(preflightHeaders, "access-control-request-method");
  const acrh = headerValue(preflightHeaders, "access-control-request-headers");
  const method = acrm ?? hop.method;

  const names = new Set<string>();
  // Infer only when a preflight may have happened unseen (cached or unknown): an observed
  // simple request proves the browser found no unsafe header.
  const headersInferred = preflightHeaders === null && (hop.preflightState === "cached" || hop.preflightState === "unknown");
  if (acrh !== null) for (const item of listItems(acrh)) names.add(item.toLowerCase());
  else if (headersInferred) for (const name of unsafeRequestHeaderNames(requestHeaders)) names.add(name);
  // Chromium lets these through without a preflight; Firefox and Safari preflight them.
  for (const h of requestHeaders) if (isChromiumOnlySafelisted(h.name)) names.add(h.name.toLowerCase());
  const failure = diagnosis.failure;
  if (failure?.id === "header-not-allowed") for (const name of failure.missing ?? []) names.add(name.toLowerCase());
  const headers = [...names].sort();

  // After a cross-origin redirect the Origin is null, and only * (without credentials) fixes it.
  const nullOrigin = nullOriginAt(exchange, index, pageOrigin) || (failure !== undefined && failedOnNullOrigin(failure));
  const credentialsUnseen = diagnosis.verdict === "blocked" && diagnosis.credentials === "unknown" && !nullOrigin;
  const credentials = diagnosis.credentials === "include";
  const authenticated =
    credentials || names.has("authorization") || requestHeaders.some((h) => ["authorization", "cookie"].includes(h.name.toLowerCase()));
  const preflightNeeded =
    hop.preflightState === "sent" || hop.preflightState === "cached" || !SAFELISTED_METHODS.includes(method) || headers.length > 0;

  const requirement: HopRequirement = {
    hopIndex: index,
    serverOrigin: originOf(hop.url),
    pageOrigin,
    originSeen: originSeenAt(exchange, index, pageOrigin),
    nullOrigin,
    method,
    headers,
    headersInferred,
    preflightNeeded,
    credentials,
    credentialsUnseen,
    authenticated,
    expose: exposeCandidates(hop.response),
  };
  if (hop.preflight?.response) requirement.preflightResponse = hop.preflight.response;
  if (hop.response) requirement.response = hop.response;
  return requirement;
}
