/**
 * The data model everything works on (see INTERNALS.md and ../shared/design.md).
 *
 * An Exchange is one logical request as the browser performed it: the request the page
 * issued, each redirect hop, the preflight guarding each hop, the final response, and the
 * outcome. It is plain JSON (it is stored in storage.session, posted over ports and written
 * into exports), so no classes, no Maps, no Dates.
 */

/** The browser whose rules a verdict models. */
export type BrowserKind = "chromium" | "firefox";

/** One header line as it went over the wire (name case as sent; several lines stay several). */
export interface Header {
  name: string;
  value: string;
}

/** webRequest resource types we know; anything else is kept as the string the browser gave. */
export type ResourceType =
  | "main_frame"
  | "sub_frame"
  | "stylesheet"
  | "script"
  | "image"
  | "font"
  | "object"
  | "xmlhttprequest"
  | "ping"
  | "csp_report"
  | "media"
  | "websocket"
  | "webtransport"
  | "webbundle"
  | "other"
  | (string & {});

export interface HttpResponse {
  status: number;
  statusText: string;
  headers: Header[];
  /** ms since epoch when the headers arrived */
  time: number;
  fromCache?: boolean;
  ip?: string;
}

/** An OPTIONS preflight as the browser sent it (its own requestId). */
export interface Preflight {
  requestId: string;
  url: string;
  /** headers as sent; null when the browser did not let us see them */
  requestHeaders: Header[] | null;
  startTime: number;
  endTime?: number;
  response?: HttpResponse;
  /** network error string of the OPTIONS itself (`net::ERR_…`, `NS_ERROR_…`) */
  error?: string;
}

/**
 * How the hop was guarded:
 * - `sent`: an OPTIONS was seen (see `preflight`);
 * - `cached`: the request needed a preflight but none was sent (preflight cache hit);
 * - `not-needed`: a simple request;
 * - `unknown`: not enough evidence (e.g. headers never observed).
 */
export type PreflightState = "sent" | "cached" | "not-needed" | "unknown";

/** One request the browser sent on the way: hop 0 is the URL the page asked for, each later
 * hop follows a redirect of the previous one. */
export interface Hop {
  url: string;
  method: string;
  /** as sent (with Origin, cookies…); null when never sent or not observed */
  requestHeaders: Header[] | null;
  startTime: number;
  preflightState: PreflightState;
  preflight?: Preflight;
  response?: HttpResponse;
  /** set when this hop's response was a redirect that the browser followed (or tried to) */
  redirectUrl?: string;
}

export type Outcome =
  | { state: "pending"; interrupted?: boolean }
  | { state: "completed"; endTime: number }
  | { state: "failed"; error: string; endTime: number };

/**
 * What kind of traffic this is, decided at capture:
 * - `cross-origin`: a CORS candidate, diagnosed by the engine;
 * - `same-origin`, `navigation`, `extension`, `non-http`: classified, kept, hidden by default.
 */
export type TrafficClass = "cross-origin" | "same-origin" | "navigation" | "extension" | "non-http";

/**
 * Evidence about an exchange that webRequest does not give but other sources do: a HAR/CDP
 * import (Chromium's `CorsError` name, the console line), or a page-side hook (request mode,
 * credentials and redirect modes). diagnose() trusts these over its own inference.
 */
export interface ExchangeHints {
  /** Chromium CDP `Network.CorsError` name, with or without the leading `k` (e.g. `MissingAllowOriginHeader`) */
  corsError?: string;
  /** the browser's console line for this request ("Access to fetch at …", "Cross-Origin Request Blocked: …") */
  consoleMessage?: string;
  /** request mode: `cors` | `no-cors` | `same-origin` | `navigate` | `websocket` */
  mode?: string;
  /** credentials mode: `include` | `same-origin` | `omit` */
  credentials?: string;
  /** redirect mode: `follow` | `error` | `manual` */
  redirectMode?: string;
}

export interface Exchange {
  /** stable id, unique per browser session (the first webRequest requestId, prefixed) */
  id: string;
  browser: BrowserKind;
  tabId: number;
  frameId: number;
  /** serialized origin of the page that made the request; null when unknown */
  initiator: string | null;
  /** the URL of the document that made it, when the browser reports one (Firefox) */
  documentUrl?: string;
  /** true when the request came from a worker (tabId -1) and was attributed to this tab */
  fromWorker?: boolean;
  type: ResourceType;
  /** method and URL as the page issued them (hop 0) */
  method: string;
  url: string;
  startTime: number;
  hops: Hop[];
  outcome: Outcome;
  trafficClass: TrafficClass;
  /** every raw requestId folded into this exchange (request and preflights) */
  requestIds: string[];
  /** optional evidence from imports or page-side hooks (see ExchangeHints) */
  hints?: ExchangeHints;
  /** Some events of this exchange may be missing because capture was interrupted (e.g. the
   * browser stopped the extension's worker): `start` — it was first seen after it began, so
   * earlier hops may be unknown; `after-start` — seen from its start, events after some point
   * may be missing. A verdict the observed evidence does not settle is then left pending. */
  captureGap?: "start" | "after-start";
}

// ---------------------------------------------------------------------------------------
// Diagnosis (field by field as ../shared/reference/har-format.md, "_corsLens" on a request)

export type Verdict = "allowed" | "blocked" | "not-cors" | "network-error" | "pending";

export type FailurePhase = "request" | "preflight" | "redirect" | "response" | "connect";

export type Confidence = "certain" | "likely";

export type CredentialsMode = "include" | "omit-or-same-origin" | "unknown";

export interface Failure {
  /** an id of cors-failures.md (`non-cors-*` for network errors) */
  id: string;
  phase: FailurePhase;
  /** 1-based hop index when phase is `redirect` (or a preflight guarding a redirect hop) */
  hop?: number;
  /** deciding header, lower-case; null when no header decides */
  header: string | null;
  /** as received; null = absent; several lines joined with ", " */
  received: string | null;
  /** the value that would have passed */
  required: string | null;
  /** header-not-allowed: every request header the preflight did not allow */
  missing?: string[];
  confidence: Confidence;
  /** other ids still possible, most likely first (only when `likely`) */
  candidates?: string[];
  /** the browser's own console message (Chromium) or "Reason:" (Firefox) */
  browserMessage: string;
  /** a variant key of cors-failures.md (refines explanation and fix, never the id) */
  variant?: string;
}

export interface Warning {
  id: string;
  variant?: string;
  text: string;
}

export interface Diagnosis {
  verdict: Verdict;
  failure?: Failure;
  /** plain text, two or three sentences, no markup */
  explanation: string;
  warnings: Warning[];
  cachedPreflight: boolean;
  credentials: CredentialsMode;
  credentialsInferred: boolean;
  /** for `not-cors`: which non-failure of cors-failures.md section 3 it is; on an `allowed`
   * exchange whose status is 4xx/5xx it is `non-cors-http-error` (CORS passed, the app failed) */
  notCorsId?: string;
  /** the browser whose rules were applied */
  browser: BrowserKind;
}

/** An exchange with its diagnosis: what the worker stores and sends to the UI. */
export interface DiagnosedExchange {
  exchange: Exchange;
  diagnosis: Diagnosis;
}
