/**
 * The rule walk over one exchange, hop by hop (cors-failures.md 1.7–1.9): each hop's
 * preflight, then its response (the CORS check, also on 3xx hops), then the redirect rules
 * (scheme, userinfo, count, origin tainting). Returns the first rule that fails, as the
 * browser would meet it, for one assumed credentials mode.
 */
import { corsCheck } from "./cors-check";
import { type Finding, REDIRECT_STATUSES } from "./finding";
import { headerValue, validHeaders } from "./headers";
import { parseNameList } from "./list-parse";
import type { BrowserKind, Exchange, Hop } from "./model";
import { hasUserinfo, isHttpScheme, originOf } from "./origin";
import { evaluatePreflight } from "./preflight-check";
import { scriptSetHeaders, type UnsafeReason, unsafeRequestHeaders } from "./request-headers";

const MAX_REDIRECTS = 20;

export interface Walk {
  finding: Finding | null;
  /** index of the first hop whose response was not observed (the walk stopped there); -1 when all were */
  unobservedHop: number;
  /** some preflight could not be judged (no response seen) */
  preflightUnknown: boolean;
  /** the origin became `null` on the way */
  tainted: boolean;
}

function locationOf(hop: Hop): string | null {
  if (typeof hop.redirectUrl === "string" && hop.redirectUrl !== "") return hop.redirectUrl;
  const loc = headerValue(hop.response?.headers, "location");
  if (loc === null) return null;
  try {
    return new URL(loc, hop.url).href;
  } catch {
    return loc;
  }
}

function unsafeOf(hop: Hop, browser: BrowserKind): { names: string[] | null; reasons?: Map<string, UnsafeReason> } {
  const pre = hop.preflight?.requestHeaders;
  const hopHeaders = Array.isArray(hop.requestHeaders) ? validHeaders(hop.requestHeaders) : null;
  let reasons: Map<string, UnsafeReason> | undefined;
  let computed: string[] | null = null;
  if (hopHeaders) {
    reasons = new Map();
    computed = [];
    for (const u of unsafeRequestHeaders(scriptSetHeaders(hopHeaders), browser)) {
      reasons.set(u.name, u.reason);
      computed.push(u.name);
    }
  }
  // The preflight's own Access-Control-Request-Headers is the authority when we saw it.
  if (Array.isArray(pre)) return { names: parseNameList(headerValue(pre, "access-control-request-headers")), reasons };
  return { names: computed, reasons };
}

export function walkExchange(exchange: Exchange, initiator: string, include: boolean, browser: BrowserKind): Walk {
  const hops = exchange.hops;
  const walk: Walk = { finding: null, unobservedHop: -1, preflightUnknown: false, tainted: false };
  let corsApplies = false;
  for (let k = 0; k < hops.length; k++) {
    const hop = hops[k] as Hop;
    const hopOrigin = originOf(hop.url);
    if (hopOrigin !== initiator) corsApplies = true;
    const compared = walk.tainted ? "null" : initiator;

    if (corsApplies && hop.preflight && typeof hop.preflight === "object") {
      const pre = hop.preflight;
      const acrm = headerValue(pre.requestHeaders, "access-control-request-method");
      const { names, reasons } = unsafeOf(hop, browser);
      // The origin the browser compares is the one it sent. After a redirect that taints the
      // request, Firefox still sends (and checks) the page's origin on the next hop's
      // preflight, and `null` only on the request itself (generated agreement scenario seed
      // 28 #32: a 303 to a third origin, whose preflight answered the page's origin and passed).
      const sent = headerValue(pre.requestHeaders, "origin");
      const result = evaluatePreflight({ preflight: pre, method: acrm ?? hop.method, unsafeHeaders: names, reasons, origin: sent ?? compared, include, browser, hop: k });
      if (result.kind === "fail") {
        walk.finding = result.finding;
        return walk;
      }
      if (result.kind === "unknown") walk.preflightUnknown = true;
    }

    const response = hop.response;
    if (!response || typeof response.status !== "number") {
      walk.unobservedHop = k;
      return walk;
    }
    const status = response.status;
    const location = REDIRECT_STATUSES.has(status) ? locationOf(hop) : null;
    const isRedirect = location !== null;

    if (corsApplies) {
      const check = corsCheck(response.headers, compared, include, browser);
      if (check) {
        const f: Finding = {
          id: check.id,
          phase: "response",
          index: k,
          header: check.header,
          received: check.received,
          required: check.required,
          url: hop.url,
          preflightPrefix: false,
          status,
        };
        if (check.variant) f.variant = check.variant;
        if (check.candidates) f.candidates = [...check.candidates];
        if (isRedirect) {
          f.id = `redirect-${check.id}`;
          if (f.candidates) f.candidates = f.candidates.map((c) => `redirect-${c}`);
          f.phase = "redirect";
          f.hop = k + 1;
          f.location = location ?? undefined;
        } else if (walk.tainted && check.id === "acao-mismatch" && check.received === initiator) {
          f.id = "redirect-origin-null";
          f.phase = "redirect";
          f.hop = k;
          f.required = "null (or * without credentials)";
          delete f.variant;
        } else if (walk.tainted) {
          f.phase = "redirect";
          f.hop = k;
        }
        walk.finding = f;
        return walk;
      }
    }

    if (!isRedirect) return walk;

    // Redirect rules on the Location of this hop (redirect number k + 1).
    const base = { phase: "redirect" as const, hop: k + 1, index: k, url: hop.url, preflightPrefix: false, status, location, header: "location", received: location };
    if (!isHttpScheme(location)) {
      walk.finding = { ...base, id: "redirect-disallowed-scheme", required: "an http: or https: URL" };
      return walk;
    }
    if (hasUserinfo(location) && (corsApplies || originOf(location) !== initiator)) {
      walk.finding = { ...base, id: "redirect-userinfo", required: "a URL without user:password@" };
      return walk;
    }
    if (k + 1 > MAX_REDIRECTS) {
      walk.finding = { ...base, id: "non-cors-too-many-redirects", required: "at most 20 redirects" };
      return walk;
    }
    const target = originOf(location);
    if (target !== hopOrigin && initiator !== hopOrigin) walk.tainted = true;
    if (k === hops.length - 1) {
      // The next hop was never observed (blocked before sending, or not captured).
      walk.unobservedHop = k + 1;
      return walk;
    }
  }
  return walk;
}
