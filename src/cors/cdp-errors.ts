/** Chromium `CorsError` names (CDP strings, with or without the `k`) → ids (cors-failures.md section 5). */

const MAP: ReadonlyMap<string, string> = new Map(
  Object.entries({
  DisallowedByMode: "disallowed-by-mode",
  InvalidResponse: "invalid-response",
  WildcardOriginNotAllowed: "acao-wildcard-with-credentials",
  MissingAllowOriginHeader: "acao-missing",
  MultipleAllowOriginValues: "acao-multiple",
  InvalidAllowOriginValue: "acao-invalid",
  AllowOriginMismatch: "acao-mismatch",
  InvalidAllowCredentials: "acac-missing-or-not-true",
  CorsDisabledScheme: "cors-disabled-scheme",
  PreflightInvalidStatus: "preflight-status-not-ok",
  PreflightDisallowedRedirect: "preflight-redirect",
  PreflightWildcardOriginNotAllowed: "preflight-acao-wildcard-with-credentials",
  PreflightMissingAllowOriginHeader: "preflight-acao-missing",
  PreflightMultipleAllowOriginValues: "preflight-acao-multiple",
  PreflightInvalidAllowOriginValue: "preflight-acao-invalid",
  PreflightAllowOriginMismatch: "preflight-acao-mismatch",
  PreflightInvalidAllowCredentials: "preflight-acac-missing-or-not-true",
  InvalidAllowMethodsPreflightResponse: "acam-unparseable",
  InvalidAllowHeadersPreflightResponse: "acah-unparseable",
  MethodDisallowedByPreflightResponse: "method-not-allowed",
  HeaderDisallowedByPreflightResponse: "header-not-allowed",
  RedirectContainsCredentials: "redirect-userinfo",
  InsecureLocalNetwork: "lna-insecure-initiator",
  InvalidLocalNetworkAccess: "lna-address-space-mismatch",
  LocalNetworkAccessPermissionDenied: "lna-permission-denied",
  InsecurePrivateNetwork: "lna-insecure-initiator",
  InvalidPrivateNetworkAccess: "lna-address-space-mismatch",
  PrivateNetworkAccessPermissionDenied: "lna-permission-denied",
  PreflightMissingAllowPrivateNetwork: "pna-preflight-allow-private-network-missing",
  PreflightInvalidAllowPrivateNetwork: "pna-preflight-allow-private-network-invalid",
  UnexpectedPrivateNetworkAccess: "pna-unexpected-address-space",
  PreflightMissingPrivateNetworkAccessId: "pna-preflight-missing-id",
  PreflightMissingPrivateNetworkAccessName: "pna-preflight-missing-name",
  PrivateNetworkAccessPermissionUnavailable: "pna-permission-unavailable",
  PreflightMissingAllowExternal: "pna-preflight-allow-private-network-missing",
  PreflightInvalidAllowExternal: "pna-preflight-allow-private-network-invalid",
  NoCorsRedirectModeNotFollow: "no-cors-redirect-mode-not-follow",
  }),
);

/** The id for a CorsError name; null when unknown. Names of the actual-response family may still need the `redirect-` prefix. */
export function corsErrorId(name: string): string | null {
  const bare = name.startsWith("k") && name.length > 1 && name[1] === name[1]?.toUpperCase() ? name.slice(1) : name;
  // A Map, not an object lookup: names come from files strangers send ("valueOf", "__proto__").
  return MAP.get(bare) ?? null;
}
