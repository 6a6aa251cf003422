/**
 * Preflight evaluation (cors-failures.md 1.8) in Chromium's order (redirect → CORS check →
 * status → parse ACAM, ACAH → method → headers) and Firefox's (CORS check → status → ACAM →
 * method → ACAH → headers). Authorization under `Access-Control-Allow-Headers: *` passes in
 * both browsers today (4.1.1) and is reported as a warning elsewhere.
 */
import { corsCheck } from "./cors-check";
import { type Finding, REDIRECT_STATUSES } from "./finding";
import { headerValue } from "./headers";
import { parseTokenList } from "./list-parse";
import { isSafelistedMethod } from "./methods";
import type { BrowserKind, HttpResponse, Preflight } from "./model";
import { originOf } from "./origin";
import type { UnsafeReason } from "./request-headers";

export interface PreflightInput {
  preflight: Preflight;
  /** the method the preflight asked for (Access-Control-Request-Method, else the hop's method) */
  method: string;
  /** CORS-unsafe header names (lower-case, sorted); null when unknown */
  unsafeHeaders: string[] | null;
  /** why each unsafe header is unsafe, when the actual request's headers are known */
  reasons?: ReadonlyMap<string, UnsafeReason>;
  /** origin as compared (`null` once tainted) */
  origin: string;
  include: boolean;
  browser: BrowserKind;
  /** 0 for the request the page made, k for a preflight guarding hop k */
  hop: number;
}

export type PreflightResult =
  | { kind: "pass" }
  | { kind: "fail"; finding: Finding }
  /** the OPTIONS has no response we can judge */
  | { kind: "unknown" };

/** Errors on the OPTIONS that are not network failures: a CORS verdict, or the redirect refusal. */
const NOT_NETWORK = new Set(["net::ERR_FAILED", "NS_ERROR_DOM_BAD_URI", "net::ERR_INVALID_REDIRECT", "net::ERR_ABORTED", "NS_BINDING_ABORTED"]);
const NON_TOKEN_RUN = /[^!#$%&'*+\-.^_`|~0-9A-Za-z]+/;

function base(input: PreflightInput, id: string): Finding {
  const f: Finding = { id, phase: "preflight", index: input.hop, header: null, received: null, required: null, url: input.preflight.url, preflightPrefix: false };
  if (input.hop > 0) f.hop = input.hop;
  return f;
}

function repairList(value: string, extra: string[]): string {
  const items: string[] = [];
  for (const part of value.split(NON_TOKEN_RUN)) if (part !== "" && !items.includes(part)) items.push(part);
  for (const e of extra) if (!items.some((i) => i.toLowerCase() === e.toLowerCase())) items.push(e);
  return items.join(", ");
}

function redirectFinding(input: PreflightInput, response: HttpResponse): Finding {
  const f = base(input, "preflight-redirect");
  f.preflightPrefix = true;
  f.status = response.status;
  f.header = "location";
  f.received = headerValue(response.headers, "location");
  f.location = f.received ?? undefined;
  f.required = "a 2xx answer without redirect";
  f.variant = redirectVariant(input.preflight.url, f.received);
  if (input.browser === "firefox" && typeof input.preflight.error === "string" && input.preflight.error !== "NS_ERROR_DOM_BAD_URI") {
    f.browserNote = ` Firefox refuses the redirect after trying its target, so its network log shows the OPTIONS as a network failure (${input.preflight.error}); Chromium reports the same refusal as net::ERR_INVALID_REDIRECT.`;
  }
  return f;
}

/** The CORS check (cors-failures.md 1.7) on the preflight's answer, as a preflight finding. */
function checkFailure(input: PreflightInput, response: HttpResponse): Finding | null {
  // Firefox runs no CORS check on a preflight whose URL has the origin it carries: after a
  // redirect back to the page's own server it preflights with the page's origin, and an answer
  // without Access-Control-Allow-Origin passes (the request itself then goes with Origin: null
  // and is checked; found by the fix check through redirects, Firefox hunt seed 32). Chromium
  // sends that preflight with Origin: null, and checks it.
  if (input.browser === "firefox" && input.origin !== "null" && originOf(input.preflight.url) === input.origin) return null;
  const check = corsCheck(response.headers, input.origin, input.include, input.browser);
  if (!check) return null;
  const f = base(input, `preflight-${check.id}`);
  f.preflightPrefix = true;
  f.status = response.status;
  f.header = check.header;
  f.received = check.received;
  f.required = check.required;
  if (check.variant) f.variant = check.variant;
  if (check.candidates) f.candidates = check.candidates.map((c) => `preflight-${c}`);
  return f;
}

function statusOk(status: number): boolean {
  return status >= 200 && status <= 299;
}

export function evaluatePreflight(input: PreflightInput): PreflightResult {
  const { preflight, browser } = input;
  const error = typeof preflight.error === "string" ? preflight.error : undefined;
  const response: HttpResponse | undefined = preflight.response && typeof preflight.response === "object" ? preflight.response : undefined;
  // A 3xx answer is the refusal itself, whatever error follows: Firefox tries the redirect
  // target and then fails the OPTIONS with a network error (NS_ERROR_NET_ON_RECEIVING_FROM
  // on the target URL), where Chromium reports net::ERR_INVALID_REDIRECT.
  if (response && typeof response.status === "number" && REDIRECT_STATUSES.has(response.status)) {
    // Firefox runs the CORS check on the 3xx first and names its failure, if any (generated
    // agreement scenarios, seed 12: 9 of 100); Chromium refuses the redirect before any check.
    const failed = browser === "firefox" ? checkFailure(input, response) : null;
    if (failed) failed.browserNote = ` Firefox checks the CORS headers of a redirected preflight before it refuses the redirect itself; with these headers fixed it would still refuse the redirect (status ${response.status}), as Chromium already does.`;
    return { kind: "fail", finding: failed ?? redirectFinding(input, response) };
  }
  if (error !== undefined && !NOT_NETWORK.has(error)) {
    const f = base(input, "invalid-response");
    f.netError = error;
    f.phase = "preflight";
    return { kind: "fail", finding: f };
  }
  if (!response || typeof response.status !== "number") {
    if (error === "net::ERR_INVALID_REDIRECT") {
      const f = base(input, "preflight-redirect");
      f.preflightPrefix = true;
      return { kind: "fail", finding: f };
    }
    return { kind: "unknown" };
  }
  const headers = response.headers;
  const status = response.status;

  const failed = checkFailure(input, response);
  if (failed) return { kind: "fail", finding: failed };

  if (!statusOk(status)) {
    const f = base(input, "preflight-status-not-ok");
    f.preflightPrefix = true;
    f.status = status;
    f.received = String(status);
    f.required = "200-299 (204 is usual)";
    return { kind: "fail", finding: f };
  }

  const acam = headerValue(headers, "access-control-allow-methods");
  const acah = headerValue(headers, "access-control-allow-headers");
  const methods = acam === null ? null : parseTokenList(acam);
  const names = acah === null ? null : parseTokenList(acah);

  const acamFailure = (): Finding | null => {
    if (methods === null || methods.ok) return null;
    const f = base(input, "acam-unparseable");
    f.status = status;
    f.header = "access-control-allow-methods";
    f.received = acam;
    f.required = repairList(acam ?? "", [input.method]);
    f.detail = methods.badItem;
    return f;
  };
  const acahFailure = (): Finding | null => {
    if (names === null || names.ok) return null;
    const f = base(input, "acah-unparseable");
    f.status = status;
    f.header = "access-control-allow-headers";
    f.received = acah;
    f.required = input.unsafeHeaders && input.unsafeHeaders.length > 0 ? input.unsafeHeaders.join(", ") : repairList(acah ?? "", []);
    f.detail = names.badItem;
    return f;
  };
  const methodFailure = (): Finding | null => {
    const m = input.method;
    if (isSafelistedMethod(m)) return null;
    const items = methods?.items ?? [];
    if (items.includes(m)) return null;
    const star = items.includes("*");
    if (star && !input.include) return null;
    const f = base(input, "method-not-allowed");
    f.status = status;
    f.header = "access-control-allow-methods";
    f.received = acam;
    f.required = m;
    f.detail = m;
    if (acam === null) f.variant = "missing-header";
    else if (items.some((i) => i.toLowerCase() === m.toLowerCase())) f.variant = "case";
    else if (star) f.variant = "wildcard-with-credentials";
    else f.variant = "not-listed";
    return f;
  };
  const headerFailure = (): Finding | null => {
    const needed = input.unsafeHeaders;
    if (needed === null || needed.length === 0) return null;
    const items = names?.items ?? [];
    const star = items.includes("*");
    if (star && !input.include) return null;
    const listed = new Set(items.map((i) => i.toLowerCase()));
    const missing = needed.filter((n) => !listed.has(n));
    if (missing.length === 0) return null;
    const f = base(input, "header-not-allowed");
    f.status = status;
    f.header = "access-control-allow-headers";
    f.received = acah;
    f.required = needed.join(", ");
    f.missing = missing;
    f.detail = missing[0];
    // Without the actual request's headers (Chromium never sends it after a failed preflight),
    // a spec-safelisted name in the list can only be there because of its value.
    const reason = input.reasons?.get(missing[0] as string) ?? (missing[0] === "content-type" ? "content-type-value" : undefined);
    if (star) f.variant = "wildcard-with-credentials";
    else if (reason === "content-type-value" || reason === "value-too-long" || reason === "total-too-long" || reason === "unsafe-bytes") f.variant = reason;
    else f.variant = "not-listed";
    return f;
  };

  const order = browser === "firefox" ? [acamFailure, methodFailure, acahFailure, headerFailure] : [acamFailure, acahFailure, methodFailure, headerFailure];
  for (const step of order) {
    const f = step();
    if (f) return { kind: "fail", finding: f };
  }
  return { kind: "pass" };
}

function redirectVariant(url: string, location: string | null): string | undefined {
  if (location === null) return undefined;
  let from: URL;
  let to: URL;
  try {
    from = new URL(url);
    to = new URL(location, url);
  } catch {
    return undefined;
  }
  if (from.protocol === "http:" && to.protocol === "https:") return "http-to-https";
  if (to.pathname === `${from.pathname}/` || from.pathname === `${to.pathname}/`) return "trailing-slash";
  if (/log[-_]?in|sign[-_]?in|auth|sso/i.test(to.pathname + to.search) || /^(login|auth|sso|accounts)\./i.test(to.hostname)) return "login-redirect";
  if (to.hostname === `www.${from.hostname}` || from.hostname === `www.${to.hostname}`) return "www-redirect";
  return undefined;
}
