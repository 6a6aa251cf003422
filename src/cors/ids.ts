/**
 * Every stable id of shared/reference/cors-failures.md. The unit test parses the reference and
 * checks these lists equal it, so a spec change that adds or renames an id is caught.
 */

/** Real CORS (or Local Network Access) failures: the browser blocked the request or hid the response. */
export const FAILURE_IDS = [
  "disallowed-by-mode",
  "no-cors-redirect-mode-not-follow",
  "cors-disabled-scheme",
  "origin-header-not-added",
  "cors-disabled-by-user",
  "acao-missing",
  "acao-mismatch",
  "acao-multiple",
  "acao-invalid",
  "acao-wildcard-with-credentials",
  "acac-missing-or-not-true",
  "preflight-status-not-ok",
  "preflight-redirect",
  "preflight-acao-missing",
  "preflight-acao-mismatch",
  "preflight-acao-multiple",
  "preflight-acao-invalid",
  "preflight-acao-wildcard-with-credentials",
  "preflight-acac-missing-or-not-true",
  "acam-unparseable",
  "acah-unparseable",
  "method-not-allowed",
  "header-not-allowed",
  "invalid-response",
  "redirect-acao-missing",
  "redirect-acao-mismatch",
  "redirect-acao-multiple",
  "redirect-acao-invalid",
  "redirect-acao-wildcard-with-credentials",
  "redirect-acac-missing-or-not-true",
  "redirect-origin-null",
  "redirect-userinfo",
  "redirect-disallowed-scheme",
  "lna-permission-denied",
  "lna-insecure-initiator",
  "lna-address-space-mismatch",
  "pna-preflight-allow-private-network-missing",
  "pna-preflight-allow-private-network-invalid",
  "pna-unexpected-address-space",
  "pna-preflight-missing-id",
  "pna-preflight-missing-name",
  "pna-permission-unavailable",
] as const;

/** Section 3: failures (or oddities) that are not CORS; the engine says so instead of blaming CORS. */
export const NON_CORS_IDS = [
  "non-cors-same-origin",
  "non-cors-no-cors-opaque",
  "non-cors-network-error",
  "non-cors-aborted",
  "non-cors-tls-error",
  "non-cors-blocked-by-client",
  "non-cors-mixed-content",
  "non-cors-csp-blocked",
  "non-cors-orb-corb",
  "non-cors-corp-coep",
  "non-cors-unsafe-port",
  "non-cors-too-many-redirects",
  "non-cors-service-worker-opaque",
  "non-cors-http-error",
  "non-cors-websocket",
  "non-cors-extension-context",
] as const;

/** Section 4: the request worked, but the setup is unsafe or fragile. */
export const WARNING_IDS = [
  "warn-origin-reflected-with-credentials",
  "warn-null-origin-allowed",
  "warn-missing-vary-origin",
  "warn-wildcard-on-authenticated-api",
  "warn-wildcard-with-acac-true",
  "warn-origin-pattern-matching",
  "warn-cors-only-on-preflight",
  "warn-header-not-exposed",
  "warn-wildcard-literal-under-credentials",
  "warn-max-age",
  "warn-authorization-covered-by-wildcard",
  "warn-method-case",
  "warn-chromium-only-safelisted-header",
  "warn-obsolete-private-network-header",
] as const;

/** Not in the reference: a CORS "unblocker" extension (or proxy) seems to rewrite the traffic. */
export const UNBLOCKER_WARNING_ID = "warn-cors-unblocker-suspected";

/** The rules a redirect's Location breaks (not its CORS headers); which of them a redirect not
 * followed still meets: redirect-stop.ts stopsUnfollowedRedirect. */
export const LOCATION_RULES: ReadonlySet<string> = new Set(["redirect-userinfo", "redirect-disallowed-scheme", "non-cors-too-many-redirects"]);

export type FailureId = (typeof FAILURE_IDS)[number];
export type NonCorsId = (typeof NON_CORS_IDS)[number];
export type WarningId = (typeof WARNING_IDS)[number] | typeof UNBLOCKER_WARNING_ID;

/** The rule of a CORS-check id without the step it failed at: `preflight-acao-missing` and
 * `redirect-acao-missing` are both `acao-missing` (the Allow-Origin/Allow-Credentials rules are
 * the same at each step). Other ids are returned as they are. */
export function checkRuleOf(id: string): string {
  return id.replace(/^(preflight|redirect)-(?=aca)/, "");
}
