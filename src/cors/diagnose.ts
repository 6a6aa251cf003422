/**
 * diagnose(exchange): the single entry point used by the worker, the panel, the CLI and the
 * exports. The verdict follows what the browser did (har-format.md "Verdicts"); the engine's
 * own rule walk names the failing rule, and the credentials mode (never reported by
 * webRequest) is taken from the request when it says so, else from whichever mode is
 * consistent with the outcome.
 */
import { addressSpaceOf, morePrivate } from "./address-space";
import { chromiumKind, chromiumMessage, firefoxMessage } from "./browser-messages";
import { corsErrorId } from "./cdp-errors";
import { isSafelistedMethod } from "./methods";
import { type CredentialsEvidence, credentialsEvidence } from "./credentials";
import { type Walk, walkExchange } from "./evaluate";
import { type ExplainContext, explainFinding, explainNetwork, explainRedirectStop } from "./explain";
import type { Finding } from "./finding";
import { headerValue } from "./headers";
import { checkRuleOf, FAILURE_IDS, LOCATION_RULES } from "./ids";
import { DEFAULT_MAX_AGE, MAX_AGE_CAP, preflightCacheLifetime } from "./max-age";
import { type MessageMatch, matchBrowserMessage } from "./messages";
import type { BrowserKind, Confidence, CredentialsMode, Diagnosis, Exchange, ExchangeHints, Failure, FailurePhase, Hop, Warning } from "./model";
import { isCorsErrorString, netErrorId } from "./net-errors";
import { browserOf, normalizeExchange } from "./normalize";
import { hostOf, isHttpScheme, originOf, schemeOf } from "./origin";
import { needsPreflight } from "./preflight";
import { type RedirectStop, redirectStop, stopsUnfollowedRedirect } from "./redirect-stop";
import { computeWarnings } from "./warnings";

const FAILURES = new Set<string>(FAILURE_IDS);
/** Ids whose verdict is `network-error` although they are in the reference's failure list. */
const NETWORK_LEVEL = new Set(["invalid-response", "redirect-disallowed-scheme", "non-cors-too-many-redirects"]);
/** CORS check failures on a 3xx hop (not the Location rules). */
const REDIRECT_CHECK = /^redirect-(acao|acac)-/;
const TARGET_SPACE = /target IP address space of `([\w-]+)`/;
const PREFLIGHT_GLOSS = "the browser's permission check (an OPTIONS request)";

interface Run {
  ex: Exchange;
  browser: BrowserKind;
  initiator: string;
  url: string;
  ctx: ExplainContext;
  cachedPreflight: boolean;
  hint: { id: string; match: MessageMatch | null } | null;
}

/** Diagnoses one exchange. Never throws: unreadable input gives an "insufficient evidence" result. */
export function diagnose(exchange: Exchange): Diagnosis {
  return inFlightDiagnosis(exchange) ?? diagnoseFully(exchange);
}

/**
 * The diagnosis of an exchange still in flight (pending, not interrupted), read off the few
 * fields it depends on, or null when those are not plainly there. The worker diagnoses an
 * exchange at each of its changes, most of them before it ends: checking the whole exchange
 * first (normalizeExchange) cost more than the rest of such a diagnosis (bench/profile.ts).
 * It is the full path's answer (test/unit/cors/robustness.test.ts): pending, whatever the
 * evidence or a capture gap, with the preflight cache flag of the hops.
 */
export function inFlightDiagnosis(exchange: unknown): Diagnosis | null {
  if (typeof exchange !== "object" || exchange === null) return null;
  const ex = exchange as Record<string, unknown>;
  const outcome = ex.outcome as Record<string, unknown> | null | undefined;
  if (typeof outcome !== "object" || outcome === null || outcome.state !== "pending" || outcome.interrupted === true) return null;
  const { url, method, hops } = ex;
  if (typeof url !== "string" || url === "" || typeof method !== "string" || method === "" || !Array.isArray(hops)) return null;
  let cachedPreflight = false;
  for (const h of hops) if (typeof h === "object" && h !== null && (h as Hop).preflightState === "cached") cachedPreflight = true;
  return notFinished(method, url, cachedPreflight, browserOf(ex.browser));
}

/** The diagnosis of a request that has not finished (both paths give it: inFlightDiagnosis, run). */
function notFinished(method: string, url: string, cachedPreflight: boolean, browser: BrowserKind): Diagnosis {
  return {
    verdict: "pending",
    explanation: `The ${method} request to ${url} has not finished yet.`,
    warnings: [],
    cachedPreflight,
    credentials: "unknown",
    credentialsInferred: true,
    browser,
  };
}

/** diagnose() without the in-flight shortcut (exported for the test that they agree). */
export function diagnoseFully(exchange: Exchange): Diagnosis {
  try {
    const ex = normalizeExchange(exchange);
    const d = run(ex);
    if (ex.captureGap && undecidedByGap(ex, d)) {
      return undecided(
        d,
        `Capture was interrupted while the ${ex.method} request to ${ex.url} was in flight (for example the browser restarted the extension), so CORS Lens missed part of it and cannot say what decided its outcome (${ex.outcome.state === "failed" ? `it failed with ${ex.outcome.error}` : "it completed"}).`,
      );
    }
    const unanswered = d.verdict === "network-error" ? errorAfterUnansweredPreflight(ex) : null;
    if (unanswered !== null) {
      return undecided(
        d,
        `The ${ex.method} request to ${ex.url} failed with ${unanswered} after its preflight was sent, but the preflight's answer was not captured (capture was interrupted, for example the browser restarted the extension): that answer is what decided, so CORS Lens cannot say why.`,
      );
    }
    return d;
  } catch (error) {
    const browser = browserOf((exchange as { browser?: unknown } | null)?.browser);
    const why = error instanceof Error ? error.message : "unreadable data";
    return {
      verdict: "pending",
      explanation: `CORS Lens could not read this exchange (${why}), so there is insufficient evidence for a diagnosis.`,
      warnings: [],
      cachedPreflight: false,
      credentials: "unknown",
      credentialsInferred: true,
      browser,
    };
  }
}

/** What makes a no-cors request, and what the page gets from one (two explanations say it). */
const NO_CORS_REQUESTS = "an img, script or similar element without the crossorigin attribute, or fetch with mode 'no-cors'";
const NO_CORS_OPAQUE = "the page gets an intentionally unreadable (opaque) response. To read it, use cors mode and have the server send CORS headers.";

/** A pending verdict that keeps what the run found out about the request (credentials, cache). */
function undecided(d: Diagnosis, explanation: string): Diagnosis {
  return {
    verdict: "pending",
    explanation,
    warnings: [],
    cachedPreflight: d.cachedPreflight,
    credentials: d.credentials,
    credentialsInferred: d.credentialsInferred,
    browser: d.browser,
  };
}

/**
 * The error of a request that failed as a CORS block does (net::ERR_FAILED) after a preflight
 * whose answer (response or error) was never captured; null otherwise. The missing answer is the
 * evidence that decided, so "network error" would be a guess. It happens without any `captureGap` when Chromium hands the
 * request's error to the worker and the preflight's response events, sent at the same moment,
 * go to a worker being stopped (seen once in the kill test under load: a preflight answered 404
 * as the kill came, diagnosed "network error" instead of blocked).
 */
function errorAfterUnansweredPreflight(ex: Exchange): string | null {
  if (ex.outcome.state !== "failed" || !isCorsErrorString(ex.outcome.error)) return null;
  const unanswered = ex.hops.some((h) => h.preflight !== undefined && h.preflight.response === undefined && h.preflight.error === undefined);
  return unanswered ? ex.outcome.error : null;
}

/**
 * With events missing (a worker stopped mid-request: `captureGap`), some verdicts rest on
 * evidence that may be what was lost:
 * - a failure that reads like a CORS block (net::ERR_FAILED) with no rule found is a network
 *   error only when the evidence is complete: the deciding response or preflight may be gone;
 * - a blocked verdict whose rule is only likely was inferred around missing evidence (unless a
 *   captured preflight that fails in every credentials mode decided it): the
 *   missing part may name another rule; when the start was not seen, earlier hops (a
 *   redirect, its Origin) may be what decided, so no rule stands;
 * - the request mode comes from the request's headers: unobserved, cors (allowed) and no-cors
 *   (not CORS) cannot be told apart.
 */
function undecidedByGap(ex: Exchange, d: Diagnosis): boolean {
  if (d.verdict === "network-error") return ex.outcome.state === "failed" && isCorsErrorString(ex.outcome.error);
  // A preflight that fails whatever the credentials mode stopped the request (blockedByPreflight):
  // the request's own events, which a gap may have lost, carry no evidence then (ERR_FAILED).
  // With the start lost, an earlier redirect could have decided instead, unless the preflight's
  // Origin shows none tainted it.
  // (A pending exchange is blocked only through decidedByPreflight, which checked just that.)
  if (d.verdict === "blocked" && d.failure?.phase === "preflight" && (ex.outcome.state === "pending" || blockedByPreflight(ex) !== null)) {
    return ex.captureGap === "start" && !sentWithPageOrigin(ex, d);
  }
  // A certain rule on the response stands with the start lost when the request's own Origin
  // shows that no earlier (lost) redirect tainted it.
  if (d.verdict === "blocked") return ex.captureGap === "start" ? !(d.failure?.confidence === "certain" && sentWithPageOrigin(ex, d)) : d.failure?.confidence === "likely";
  if (d.verdict !== "allowed" && d.verdict !== "not-cors") return false;
  return ex.trafficClass === "cross-origin" && !modeObserved(ex);
}

/** Whether anything shows the request's mode: a hint, its headers (Origin, Sec-Fetch-Mode) at
 * any hop (a redirect keeps the mode; a HAR may have only provisional headers for the first
 * hop), a preflight, or a method no-cors does not allow. Otherwise cors and no-cors look alike. */
function modeObserved(ex: Exchange): boolean {
  const first = ex.hops[0];
  return (
    typeof ex.hints?.mode === "string" ||
    ex.hops.some((h) => (h.requestHeaders ?? null) !== null) ||
    first?.preflight !== undefined ||
    (first !== undefined && !isSafelistedMethod(first.method))
  );
}

function hintOf(ex: Exchange): Run["hint"] {
  const h = ex.hints;
  if (!h) return null;
  const match = typeof h.consoleMessage === "string" ? matchBrowserMessage(h.consoleMessage, ex.browser) : null;
  const fromCdp = typeof h.corsError === "string" ? corsErrorId(h.corsError) : null;
  const id = fromCdp ?? match?.id ?? null;
  return id === null ? null : { id, match };
}

function run(ex: Exchange): Diagnosis {
  const browser = ex.browser;
  const first = ex.hops[0];
  const url = ex.url || first?.url || "";
  const initiator = ex.initiator ?? (typeof ex.documentUrl === "string" ? originOf(ex.documentUrl) : "null");
  const method = ex.method || first?.method || "GET";
  const r: Run = {
    ex,
    browser,
    initiator,
    url,
    ctx: { origin: initiator, url, method, initialUrl: url, credentialsInferred: true },
    cachedPreflight: ex.hops.some((h) => h.preflightState === "cached"),
    hint: hintOf(ex),
  };
  const outcome = ex.outcome;
  if (outcome.state === "pending") {
    const decided = outcome.interrupted ? decidedByPreflight(ex) : null;
    if (decided) return decided;
    if (!outcome.interrupted) return notFinished(method, url, r.cachedPreflight, browser);
    return base(r, "pending", `Capture was interrupted before the ${method} request to ${url} finished (for example the browser restarted the extension), so CORS Lens cannot say what happened to it.`);
  }

  if (ex.type === "websocket" || schemeOf(url) === "ws" || schemeOf(url) === "wss") return notCorsOrError(r, "non-cors-websocket", `WebSocket connections have no CORS: the server must check the Origin header itself. The connection from ${initiator} to ${url} is not subject to CORS rules.`);
  switch (ex.trafficClass) {
    case "extension":
      return notCorsOrError(r, "non-cors-extension-context", `This request to ${url} was made by an extension page or worker, which the browser exempts from CORS. It is not the page's own traffic.`);
    case "same-origin":
      return notCorsOrError(r, "non-cors-same-origin", `The request from ${initiator} to ${url} stays on the page's own origin, so it is not a CORS request and CORS headers are irrelevant.`);
    case "navigation":
      return notCorsOrError(r, undefined, `Loading ${url} as a page or frame is a navigation; CORS does not apply to navigations.`);
    case "non-http":
      return notCorsOrError(r, undefined, `${url} is not an http(s) request, so CORS does not apply.`);
    default:
      break;
  }

  const mode = modeOf(ex, first);
  if (mode === "navigate") return notCorsOrError(r, undefined, `Loading ${url} as a page or frame is a navigation; CORS does not apply to navigations.`);
  if (mode === "websocket") return notCorsOrError(r, "non-cors-websocket", `WebSocket connections have no CORS: the server must check the Origin header itself.`);
  if (mode === "same-origin") return blockedFromHint(r, "disallowed-by-mode") ?? fromFinding(r, synthetic(r, "disallowed-by-mode"), "certain", [], null);
  if (mode === "no-cors") {
    if (outcome.state === "failed" && r.hint?.id === "no-cors-redirect-mode-not-follow") return fromFinding(r, synthetic(r, "no-cors-redirect-mode-not-follow"), "certain", [], null);
    if (outcome.state === "failed" && typeof ex.hints?.redirectMode === "string" && ex.hints.redirectMode !== "follow") return fromFinding(r, synthetic(r, "no-cors-redirect-mode-not-follow"), "certain", [], null);
    return notCorsOrError(r, "non-cors-no-cors-opaque", `The request from ${initiator} to ${url} was made in no-cors mode (${NO_CORS_REQUESTS}), so there is no CORS check: ${NO_CORS_OPAQUE}`);
  }

  if (!isHttpScheme(url)) {
    if (outcome.state === "failed") return fromFinding(r, synthetic(r, "cors-disabled-scheme"), "certain", [], null);
    return notCorsOrError(r, undefined, `${url} is not an http(s) URL, so CORS does not apply.`);
  }

  const evidence = credentialsEvidence(ex);
  if (outcome.state === "failed") {
    const error = outcome.error;
    const corsError = browser === "firefox" ? error === "NS_ERROR_DOM_BAD_URI" : isCorsErrorString(error);
    if (r.hint && FAILURES.has(r.hint.id)) {
      const hinted = blockedFromHint(r, r.hint.id, evidence);
      if (hinted) return hinted;
    }
    if (r.hint?.id.startsWith("non-cors-")) return networkError(r, r.hint.id, error);
    if (!corsError) return networkFailure(r, error, evidence);
    return corsFailure(r, evidence);
  }
  return browser === "firefox" ? firefoxCompleted(r, evidence) : chromiumCompleted(r, evidence);
}

/**
 * The last hop's preflight answer is in hand and fails the preflight check whatever the
 * credentials mode (unknown from webRequest: a credentialed request fails on more rules), i.e.
 * both with and without credentials: the browser stops there and never sends the request, so
 * its outcome is that block even when events of the request itself were lost. Returns the
 * diagnosis the browser's CORS error gives it (the engine's own credentials inference picks
 * the rule), or null.
 */
function blockedByPreflight(ex: Exchange): Diagnosis | null {
  const last = ex.hops[ex.hops.length - 1];
  const pf = last?.preflight;
  if (!pf?.response || pf.error !== undefined) return null;
  const error = ex.browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED";
  const failed = (hints: ExchangeHints | undefined) => run({ ...ex, hints, outcome: { state: "failed", error, endTime: pf.endTime ?? pf.response?.time ?? 0 } });
  const blockedAtPreflight = (d: Diagnosis) => d.verdict === "blocked" && d.failure?.phase === "preflight";
  const modes = ex.hints?.credentials !== undefined ? [ex.hints.credentials] : ["include", "omit"];
  if (!modes.every((credentials) => blockedAtPreflight(failed({ ...ex.hints, credentials })))) return null;
  const d = failed(ex.hints);
  return blockedAtPreflight(d) ? d : null;
}

/** An interrupted exchange (its end was lost, e.g. the worker was stopped) blocked by its
 * preflight (blockedByPreflight) is decided all the same; anything else stays pending. */
function decidedByPreflight(ex: Exchange): Diagnosis | null {
  const d = blockedByPreflight(ex);
  if (!d) return null;
  return {
    ...d,
    explanation: `${d.explanation} (The request's own end was not captured — the extension's worker was stopped — but a request whose preflight fails is never sent, so this is its outcome.)`,
  };
}

/** The request that failed (the preflight, or the request on a response failure) went out with
 * the page's own origin as its Origin: no cross-origin redirect before it, lost with the start
 * of the capture, turned that into `null`. */
function sentWithPageOrigin(ex: Exchange, d: Diagnosis): boolean {
  const f = d.failure;
  const hop = ex.hops[f?.hop ?? ex.hops.length - 1];
  const headers = f?.phase === "preflight" ? hop?.preflight?.requestHeaders : f?.phase === "response" ? hop?.requestHeaders : null;
  const origin = headerValue(headers ?? null, "origin");
  return origin !== null && ex.initiator !== null && origin === ex.initiator;
}

function modeOf(ex: Exchange, first: Hop | undefined): string {
  const hinted = ex.hints?.mode;
  if (typeof hinted === "string" && hinted !== "") return hinted;
  // any hop's: a redirect keeps the mode, and a file may hold only provisional headers for the
  // first (as modeObserved counts it)
  const sfm = ex.hops.map((h) => headerValue(h.requestHeaders, "sec-fetch-mode")).find((v) => v !== null) ?? null;
  if (sfm !== null) return sfm.trim().toLowerCase();
  if (ex.type === "main_frame" || ex.type === "sub_frame") return "navigate";
  if (first?.preflight || first?.preflightState === "sent" || first?.preflightState === "cached") return "cors";
  // no-cors only allows GET, HEAD and POST (fetch() throws a TypeError otherwise), so any
  // other method was a cors request even when a tool dropped its Origin header.
  if (first && !isSafelistedMethod(first.method)) return "cors";
  if (Array.isArray(first?.requestHeaders) && first.requestHeaders.length > 0 && headerValue(first.requestHeaders, "origin") === null) return "no-cors";
  return "cors";
}

// ── building results ───────────────────────────────────────────────────────────────────

function base(r: Run, verdict: Diagnosis["verdict"], explanation: string): Diagnosis {
  return { verdict, explanation, warnings: [], cachedPreflight: r.cachedPreflight, credentials: "unknown", credentialsInferred: true, browser: r.browser };
}

function notCorsOrError(r: Run, id: string | undefined, explanation: string): Diagnosis {
  const outcome = r.ex.outcome;
  if (outcome.state === "failed") return networkError(r, id === "non-cors-websocket" ? id : netErrorId(outcome.error), outcome.error);
  const d = base(r, "not-cors", explanation);
  if (id !== undefined) d.notCorsId = id;
  return d;
}

function browserMessage(r: Run, f: Finding): string {
  const line = r.ex.hints?.consoleMessage;
  if (typeof line === "string" && r.hint?.match && r.hint.id === f.id) return line;
  if (r.browser === "firefox") return firefoxMessage(f, f.url);
  const kind = r.hint?.match?.kind ?? chromiumKind(r.ex.type);
  return chromiumMessage(f, { kind, url: f.url, initialUrl: r.url, origin: r.initiator });
}

function toFailure(r: Run, f: Finding, confidence: Confidence, candidates: string[]): Failure {
  const failure: Failure = { id: f.id, phase: f.phase, header: f.header, received: f.received, required: f.required, confidence, browserMessage: browserMessage(r, f) };
  if (f.hop !== undefined) failure.hop = f.hop;
  if (f.missing) failure.missing = f.missing;
  if (f.variant !== undefined) failure.variant = f.variant;
  if (confidence === "likely") failure.candidates = candidates.filter((c) => c !== f.id);
  return failure;
}

interface Credentials {
  mode: CredentialsMode;
  inferred: boolean;
  include: boolean | null;
}

function fromFinding(r: Run, f: Finding, confidence: Confidence, candidates: string[], creds: Credentials | null, extraExplanation = ""): Diagnosis {
  const c = creds ?? { mode: "unknown", inferred: true, include: null };
  const ctx = { ...r.ctx, credentialsInferred: c.inferred };
  const verdict = NETWORK_LEVEL.has(f.id) || f.id.startsWith("non-cors-") ? "network-error" : "blocked";
  const explanation = `${explainFinding(f, ctx)}${f.browserNote ?? ""}${extraExplanation}`;
  // The rule itself may leave two ids open (Firefox's joined header lines).
  const open = f.candidates ?? [];
  const d: Diagnosis = {
    verdict,
    failure: toFailure(r, f, open.length > 0 ? "likely" : confidence, [...candidates, ...open]),
    explanation,
    warnings: warningsFor(r, c.include, false, false),
    cachedPreflight: r.cachedPreflight,
    credentials: c.mode,
    credentialsInferred: c.inferred,
    browser: r.browser,
  };
  return d;
}

function synthetic(r: Run, id: string, detail?: string, received?: string): Finding {
  const phase: FailurePhase =
    id.startsWith("preflight-") || id === "acam-unparseable" || id === "acah-unparseable" || id === "method-not-allowed" || id === "header-not-allowed" || id === "invalid-response" || id.startsWith("pna-preflight-")
      ? "preflight"
      : id.startsWith("redirect-")
        ? "redirect"
        : id.startsWith("lna-") || id.startsWith("pna-") || id.startsWith("non-cors-")
          ? "connect"
          : id.startsWith("acao-") || id.startsWith("acac-")
            ? "response"
            : "request";
  const f: Finding = { id, phase, index: 0, header: null, received: received ?? null, required: null, url: r.url, preflightPrefix: id.startsWith("preflight-") && id !== "preflight-status-not-ok" ? true : id === "preflight-status-not-ok" };
  if (id.startsWith("pna-preflight-allow")) f.preflightPrefix = true;
  if (detail !== undefined) f.detail = detail;
  if (phase === "redirect") f.hop = 1;
  if (id === "header-not-allowed" && detail) f.missing = [detail.toLowerCase()];
  return f;
}

/** `stop`: where a cancelled request stopped at a redirect it did not follow (fetch's redirect
 * "manual" or "error", most likely); found here for Chromium's net::ERR_ABORTED, given by
 * firefoxCompleted for Firefox. */
function networkError(r: Run, id: string, error: string, stop: RedirectStop | null = id === "non-cors-aborted" ? redirectStop(r.ex) : null): Diagnosis {
  const d = base(r, "network-error", stop ? explainRedirectStop(r.ctx, stop.status, stop.location) : explainNetwork(id, error, r.ctx));
  const phase: FailurePhase =
    id === "non-cors-blocked-by-client" || id === "non-cors-mixed-content" || id === "non-cors-csp-blocked" ? "request" : stop || id === "redirect-disallowed-scheme" || id === "non-cors-too-many-redirects" ? "redirect" : "connect";
  const f: Finding = { id, phase, index: stop?.index ?? 0, header: null, received: null, required: null, url: r.url, preflightPrefix: false, netError: error };
  if (phase === "redirect") f.hop = stop ? stop.index + 1 : 1;
  d.failure = toFailure(r, f, "certain", []);
  d.failure.received = error;
  d.warnings = warningsFor(r, credentialsEvidence(r.ex).include, false, false);
  return d;
}

// ── the walk, credentials and consistency ──────────────────────────────────────────────

function walk(r: Run, include: boolean): Walk {
  return walkExchange(r.ex, r.initiator, include, r.browser);
}

/** A finding explains the observed trace only if nothing was observed after the point where it stops the exchange. */
function consistent(r: Run, f: Finding | null): f is Finding {
  if (f === null) return false;
  const hops = r.ex.hops;
  if (f.phase === "preflight") return !hops[f.index]?.response;
  // Nothing may have been observed after the stopping point (a hop the capture only
  // announced, without headers or response, is no evidence that the browser went on).
  for (let k = f.index + 1; k < hops.length; k++) {
    const later = hops[k];
    if (later?.response || (Array.isArray(later?.requestHeaders) && later.requestHeaders.length > 0)) return false;
  }
  return true;
}

function credentialsFrom(ev: CredentialsEvidence, include: boolean, inferred: boolean): Credentials {
  return { mode: include ? "include" : "omit-or-same-origin", inferred: ev.strength === "proof" ? false : inferred, include };
}

function lnaCandidates(r: Run): string[] {
  const target = addressSpaceOf(r.ex.hops[0]?.response?.ip ?? hostOf(r.url));
  const from = addressSpaceOf(hostOf(r.initiator));
  if (!morePrivate(target, from)) return [];
  const secure = schemeOf(r.initiator) === "https" || from === "loopback";
  return secure ? ["lna-permission-denied", "lna-insecure-initiator"] : ["lna-insecure-initiator", "lna-permission-denied"];
}

function corsFailure(r: Run, ev: CredentialsEvidence): Diagnosis {
  const wOmit = walk(r, false);
  const wInc = walk(r, true);
  const primaryInclude = ev.include === true;
  const primary = primaryInclude ? wInc : wOmit;
  const secondary = primaryInclude ? wOmit : wInc;
  const pf = primary.finding;
  const sf = secondary.finding;
  if (consistent(r, pf)) {
    const secondaryDiffers = consistent(r, sf) && sf.id !== pf.id;
    const certain = ev.strength === "proof" || !secondaryDiffers;
    // When only the primary mode explains the failure, the outcome itself tells the mode.
    const creds: Credentials =
      ev.include !== null ? credentialsFrom(ev, ev.include, true) : !consistent(r, sf) ? credentialsFrom(ev, false, true) : { mode: "unknown", inferred: true, include: null };
    return fromFinding(r, pf, certain ? "certain" : "likely", secondaryDiffers && sf ? [sf.id] : [], creds);
  }
  if (ev.strength !== "proof" && consistent(r, sf)) {
    const include = !primaryInclude;
    const creds = credentialsFrom(ev, include, true);
    const note = include && ev.source === null ? " CORS Lens infers that credentials were included because this is the only rule that explains the browser's refusal (no Cookie header proves it)." : "";
    return fromFinding(r, sf, "likely", lnaCandidates(r), creds, note);
  }
  return unexplained(r, primary, ev);
}

function unexplained(r: Run, w: Walk, ev: CredentialsEvidence): Diagnosis {
  const first = r.ex.hops[0];
  const neverSent = !first?.response;
  const creds: Credentials = ev.include !== null ? credentialsFrom(ev, ev.include, true) : { mode: "unknown", inferred: true, include: null };
  const lna = lnaCandidates(r);
  if (neverSent && lna.length > 0) {
    const f = synthetic(r, lna[0] as string, addressSpaceOf(hostOf(r.url)));
    return fromFinding(r, f, "likely", [...lna.slice(1), "preflight-acao-missing"], creds, " CORS Lens infers this from the addresses involved; the browser's own message would confirm it.");
  }
  if (neverSent && !first?.preflight) {
    const need = needsPreflight(r.ctx.method, first?.requestHeaders ?? [], r.browser);
    const candidates = need.methodUnsafe ? ["method-not-allowed", "preflight-acao-missing", "preflight-status-not-ok"] : ["preflight-acao-missing", "preflight-status-not-ok", "header-not-allowed", "method-not-allowed"];
    const f = synthetic(r, candidates[0] as string, need.methodUnsafe ? r.ctx.method : undefined);
    const d = fromFinding(r, f, "likely", candidates.slice(1), creds);
    d.explanation = `The browser blocked the ${r.ctx.method} request from ${r.initiator} to ${r.url} before sending it, but no permission check (OPTIONS request) was captured, so there is insufficient evidence to name the rule for certain. The usual cause is a failing preflight; reload with CORS Lens open so that the OPTIONS request is captured too.`;
    return d;
  }
  const d = base(r, "network-error", `The browser reported a generic failure for the ${r.ctx.method} request from ${r.initiator} to ${r.url}, but every CORS rule CORS Lens can check passed on the captured headers, so there is insufficient evidence to blame CORS. ${w.preflightUnknown ? "The answer to the permission check (OPTIONS) was not captured. " : ""}Check the browser console for the exact message.`);
  const f: Finding = { id: "non-cors-network-error", phase: "connect", index: 0, header: null, received: null, required: null, url: r.url, preflightPrefix: false, netError: r.ex.outcome.state === "failed" ? r.ex.outcome.error : undefined };
  d.failure = toFailure(r, f, "likely", [...lna, "acao-missing"]);
  d.credentials = creds.mode;
  d.credentialsInferred = creds.inferred;
  d.warnings = warningsFor(r, creds.include, false, false);
  return d;
}

function networkFailure(r: Run, error: string, ev: CredentialsEvidence): Diagnosis {
  const id = netErrorId(error);
  if (id === "preflight-redirect") return corsFailure(r, ev);
  const w = walk(r, ev.include ?? false);
  const f = w.finding;
  if (f && f.id === "invalid-response") {
    f.netError = f.netError ?? error;
    return fromFinding(r, f, "certain", [], null);
  }
  if (id === "redirect-disallowed-scheme" || (f && f.id === "redirect-disallowed-scheme")) {
    const finding = f && f.id === "redirect-disallowed-scheme" ? f : synthetic(r, "redirect-disallowed-scheme");
    finding.netError = error;
    return fromFinding(r, finding, "certain", [], null);
  }
  if (f && f.id === "non-cors-too-many-redirects") return networkError(r, "non-cors-too-many-redirects", error);
  if (r.browser === "firefox" && f && f.id === "redirect-userinfo" && consistent(r, f)) {
    // Firefox refuses the user:pass@ target as a plain network failure (only the generic "CORS
    // request did not succeed" line): the verdict follows Firefox, the rule is still named.
    f.netError = error;
    const d = fromFinding(r, f, "certain", [], null, ` Firefox reports this as a network failure (${error}, console: "CORS request did not succeed"); Chromium reports it as a CORS error naming the redirect location.`);
    d.verdict = "network-error";
    return d;
  }
  if (r.browser === "firefox" && f && REDIRECT_CHECK.test(f.id) && consistent(r, f)) {
    // Firefox runs the CORS check on a 3xx when it follows it and cancels the redirect target
    // with a generic error (NS_ERROR_UNEXPECTED), not NS_ERROR_DOM_BAD_URI: the 3xx headers decide.
    const d = corsFailure(r, ev);
    d.explanation += ` Firefox's network log shows this as a failure of the redirect target (${error}) rather than as a CORS error; its console names the CORS reason with the 3xx status, and Chromium reports it as a CORS error (net::ERR_FAILED).`;
    return d;
  }
  if ((id === "non-cors-network-error" || id === "non-cors-blocked-by-client") && schemeOf(r.initiator) === "https" && schemeOf(r.url) === "http" && addressSpaceOf(hostOf(r.url)) !== "loopback") {
    return networkError(r, "non-cors-mixed-content", error);
  }
  return networkError(r, id, error);
}

/** Whether the rule our walk found is the one a browser message named. Chromium's message says
 * "preflight" itself, not which hop of a redirect failed; Firefox's says neither, and its
 * "Status code: 30x" (read as a redirect hop) is also what a redirected preflight shows. */
function sameRule(browser: BrowserKind, found: string, named: string): boolean {
  if (found === named || found === `redirect-${named}` || (named === "acao-mismatch" && found === "redirect-origin-null")) return true;
  if (browser !== "firefox") return false;
  return /^aca[oc]-/.test(checkRuleOf(named)) && checkRuleOf(found) === checkRuleOf(named);
}

function blockedFromHint(r: Run, id: string, ev?: CredentialsEvidence): Diagnosis | null {
  if (!r.hint || r.hint.id !== id) {
    if (id === "disallowed-by-mode") return null;
  }
  const evidence = ev ?? credentialsEvidence(r.ex);
  const wanted = id;
  for (const include of evidence.include === null ? [false, true] : [evidence.include]) {
    const w = walk(r, include);
    const f = w.finding;
    if (f && sameRule(r.browser, f.id, wanted)) {
      delete f.candidates; // the browser's own message settles it
      return fromFinding(r, f, "certain", [], credentialsFrom(evidence, include, evidence.include === null));
    }
  }
  const match = r.hint?.match ?? null;
  const value = match?.value;
  const isSpace = id.startsWith("lna-") || id.startsWith("pna-");
  const f = synthetic(r, id, value, isSpace ? undefined : value);
  if (id === "lna-address-space-mismatch" && typeof r.ex.hints?.consoleMessage === "string") {
    const target = TARGET_SPACE.exec(r.ex.hints.consoleMessage);
    if (target) f.received = target[1] ?? null;
  }
  if (match?.url) f.url = match.url;
  return fromFinding(r, f, "certain", [], evidence.include !== null ? credentialsFrom(evidence, evidence.include, true) : null);
}

// ── completed exchanges ────────────────────────────────────────────────────────────────

function allowedExplanation(r: Run, status: number | undefined): string {
  const { method, origin, url } = r.ctx;
  let text = `The ${method} request from ${origin} to ${url} passed the CORS check, so the page could read the response.`;
  const first = r.ex.hops[0];
  if (first?.preflight) text += ` The browser first ran ${PREFLIGHT_GLOSS} and the server allowed it.`;
  if (r.cachedPreflight) {
    const cap = MAX_AGE_CAP[r.browser];
    const announced = headerValue(r.ex.hops[r.ex.hops.length - 1]?.response?.headers, "access-control-max-age");
    const life = announced !== null ? preflightCacheLifetime(announced, r.browser).seconds : null;
    text += ` No OPTIONS request was sent because the browser reused a cached result of ${PREFLIGHT_GLOSS}; such a result lasts as long as Access-Control-Max-Age says${life !== null ? ` (here ${life} s)` : ""}, ${DEFAULT_MAX_AGE} s when it is absent and at most ${cap} s in ${r.browser === "firefox" ? "Firefox" : "Chromium"}.`;
  }
  if (status !== undefined && status >= 400) text += ` CORS is fine, but the server answered HTTP ${status}: that is an application error, not a CORS problem.`;
  return text;
}

function finalStatus(ex: Exchange): number | undefined {
  for (let i = ex.hops.length - 1; i >= 0; i--) {
    const s = ex.hops[i]?.response?.status;
    if (typeof s === "number") return s;
  }
  return undefined;
}

function allowed(r: Run, creds: Credentials, completedDespiteFailure: boolean, extra = ""): Diagnosis {
  const status = finalStatus(r.ex);
  const d = base(r, "allowed", `${allowedExplanation(r, status)}${extra}`);
  if (status !== undefined && status >= 400) d.notCorsId = "non-cors-http-error";
  d.credentials = creds.mode;
  d.credentialsInferred = creds.inferred;
  d.warnings = warningsFor(r, creds.include, true, completedDespiteFailure);
  return d;
}

function chromiumCompleted(r: Run, ev: CredentialsEvidence): Diagnosis {
  let creds: Credentials;
  if (ev.include !== null) creds = credentialsFrom(ev, ev.include, true);
  else creds = consistent(r, walk(r, true).finding) ? credentialsFrom(ev, false, true) : { mode: "unknown", inferred: true, include: null };
  // Chromium let the page read it: if our own check fails, something rewrote the headers.
  const own = walk(r, creds.include ?? false).finding;
  const despite = own !== null && consistent(r, own) && !LOCATION_RULES.has(own.id);
  // ...unless nothing showed the request's mode (its headers unknown, as in a HAR whose
  // browser left only provisional headers): a cors request failing the check is never handed
  // to the page, so this one was a no-cors request.
  if (despite && !modeObserved(r.ex)) {
    return notCorsOrError(
      r,
      "non-cors-no-cors-opaque",
      `The request's headers were not recorded, but the browser completed the request from ${r.initiator} to ${r.ex.url} although its response fails the CORS check (${own.id}): it does that only for a no-cors request (${NO_CORS_REQUESTS}). Such a request has no CORS check: ${NO_CORS_OPAQUE}`,
    );
  }
  return allowed(r, creds, despite);
}

function firefoxCompleted(r: Run, ev: CredentialsEvidence): Diagnosis {
  // Firefox reports response-phase CORS failures as completed: our check decides.
  if (r.hint && FAILURES.has(r.hint.id)) {
    const hinted = blockedFromHint(r, r.hint.id, ev);
    if (hinted) return hinted;
  }
  const include = ev.include ?? false;
  // A 3xx that ends the exchange was not followed: Firefox completes the request at it for
  // fetch's redirect "manual" and "error" alike (redirect-stop.ts), once it passed the CORS
  // check, and never looks at its Location (agreement scenario redirect-mode-manual-userinfo:
  // an opaque redirect, where the Location's userinfo read as a block).
  const stop = redirectStop(r.ex);
  const notFollowed = stop !== null && stop.index === r.ex.hops.length - 1 ? stop : null;
  const findingOf = (withCredentials: boolean) => {
    const f = walk(r, withCredentials).finding;
    return notFollowed && f && !stopsUnfollowedRedirect(f.id, r.browser) ? null : f;
  };
  const finding = findingOf(include);
  if (consistent(r, finding)) {
    const other = ev.include === null ? findingOf(true) : null;
    const differs = other !== null && consistent(r, other) && other.id !== finding.id;
    const creds = ev.include !== null ? credentialsFrom(ev, ev.include, true) : { mode: "unknown" as const, inferred: true, include: null };
    return fromFinding(r, finding, differs ? "likely" : "certain", differs && other ? [other.id] : [], creds, " Firefox reports such a request as completed in its network log, but the page could not read the response.");
  }
  if (notFollowed) return networkError(r, "non-cors-aborted", `${notFollowed.status} (not followed)`, notFollowed);
  if (ev.include === null) {
    const inc = findingOf(true);
    if (consistent(r, inc)) {
      return allowed(r, { mode: "unknown", inferred: true, include: null }, false, ` If the request was sent with credentials (credentials: 'include' or withCredentials), Firefox blocked it instead (${inc.id}), because no credentialed request may pass with these headers.`);
    }
  }
  return allowed(r, ev.include !== null ? credentialsFrom(ev, ev.include, true) : { mode: "unknown", inferred: true, include: null }, false);
}

function warningsFor(r: Run, include: boolean | null, isAllowed: boolean, completedDespiteFailure: boolean): Warning[] {
  const warnings = computeWarnings({ exchange: r.ex, browser: r.browser, initiator: r.initiator, include, allowed: isAllowed, completedDespiteFailure });
  if (r.hint?.id === "warn-authorization-covered-by-wildcard" && !warnings.some((w) => w.id === r.hint?.id)) {
    warnings.push({ id: "warn-authorization-covered-by-wildcard", text: "The browser reported that Authorization is allowed only through Access-Control-Allow-Headers: *, which the Fetch Standard forbids; list Authorization explicitly." });
  }
  return warnings;
}
