/**
 * A preflight whose request is not in a HAR file: was that request ever sent?
 *
 * The browser sends the request a preflight guards only when the preflight passes. A file made
 * by a tool that leaves out failed requests (chrome-har leaves out every request that ended in
 * an error, CORS blocks included) keeps the OPTIONS of a request that was sent and then blocked
 * at its response, and loses the request: reading it as "never sent, blocked at the preflight"
 * then names a rule the browser never applied (found by the generated agreement scenarios: a
 * preflight that passed, then a response without Access-Control-Allow-Origin, read back as a
 * network error, or as a preflight failure under assumed credentials).
 *
 * So the request counts as never sent only when its preflight fails whatever the credentials
 * mode (which a preflight never shows: it is sent without credentials either way).
 */
import { headerValue } from "../cors/headers";
import { parseNameList } from "../cors/list-parse";
import type { BrowserKind, Preflight } from "../cors/model";
import { evaluatePreflight } from "../cors/preflight-check";

/** True when `preflight` (with its response) passes the browser's checks in some credentials
 * mode, i.e. the browser may have gone on to send the request it guards. */
export function preflightMayHavePassed(preflight: Preflight, browser: BrowserKind): boolean {
  const response = preflight.response;
  if (!response || preflight.error !== undefined) return false;
  const origin = headerValue(preflight.requestHeaders, "origin");
  const method = headerValue(preflight.requestHeaders, "access-control-request-method")?.trim();
  if (!origin || !method) return false;
  // the preflight's own Access-Control-Request-Headers, read as the engine reads it (evaluate.ts)
  const unsafeHeaders = parseNameList(headerValue(preflight.requestHeaders, "access-control-request-headers"));
  return [false, true].some(
    (include) => evaluatePreflight({ preflight, method, unsafeHeaders, origin: origin.trim(), include, browser, hop: 0 }).kind === "pass",
  );
}
