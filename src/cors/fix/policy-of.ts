/**
 * The CorsPolicy one exchange needs from the server that must change, and the exact
 * preflight/response header lines that policy produces for it.
 */
import type { DiagnosedExchange, Header } from "../model";
import { headerValue } from "../headers";
import { isSerializedOrigin, isToken } from "./headers";
import type { HopRequirement } from "./requirements";
import type { CorsPolicy } from "./types";

export const DEFAULT_MAX_AGE = 600;

/** Did this server already answer this hop with `*` (so the resource is meant to be public)? */
function serverUsesWildcard(req: HopRequirement): boolean {
  return [req.preflightResponse, req.response].some((r) => r !== undefined && headerValue(r.headers, "access-control-allow-origin") === "*");
}

/**
 * `*` only for a request known to be without credentials, and without Authorization, to a
 * resource the server already treats as public (or after a cross-origin redirect, where the
 * origin is hidden); otherwise the exact page origin with Vary: Origin.
 */
export function wildcardFits(entry: DiagnosedExchange, req: HopRequirement): boolean {
  if (req.credentials || req.credentialsUnseen) return false;
  // the request goes with Origin: null: only * lets it through (browsers drop Authorization at such a redirect)
  if (req.nullOrigin) return true;
  if (entry.diagnosis.warnings.some((w) => w.id === "warn-wildcard-on-authenticated-api")) return false;
  return !req.authenticated && serverUsesWildcard(req);
}

/** Null when the page origin is unknown or not a real origin (then no header can be named). */
export function policyForRequirement(req: HopRequirement, wildcard: boolean): CorsPolicy | null {
  const origin = req.pageOrigin;
  if (!wildcard && (origin === null || !isSerializedOrigin(origin))) return null;
  return {
    allowOrigins: wildcard ? ["*"] : [origin as string],
    allowMethods: isToken(req.method) ? [req.method] : [],
    allowHeaders: req.headers.filter(isToken),
    allowCredentials: req.credentials,
    exposeHeaders: req.expose.filter(isToken),
    maxAge: DEFAULT_MAX_AGE,
  };
}

/** Header lines a response must carry under `policy` for one caller origin. */
export function headerLines(policy: CorsPolicy, preflight: boolean): Header[] {
  const wildcard = policy.allowOrigins.includes("*");
  const lines: Header[] = [{ name: "Access-Control-Allow-Origin", value: wildcard ? "*" : (policy.allowOrigins[0] ?? "") }];
  if (policy.allowCredentials) lines.push({ name: "Access-Control-Allow-Credentials", value: "true" });
  if (preflight) {
    lines.push({ name: "Access-Control-Allow-Methods", value: policy.allowMethods.join(", ") });
    if (policy.allowHeaders.length > 0) lines.push({ name: "Access-Control-Allow-Headers", value: policy.allowHeaders.join(", ") });
    lines.push({ name: "Access-Control-Max-Age", value: String(policy.maxAge) });
  } else if (policy.exposeHeaders.length > 0) {
    lines.push({ name: "Access-Control-Expose-Headers", value: policy.exposeHeaders.join(", ") });
  }
  if (!wildcard) lines.push({ name: "Vary", value: "Origin" });
  return lines;
}
