/**
 * Network error strings (Chromium `net::ERR_*`, Firefox `NS_*` / NSS codes) → the non-CORS id
 * of cors-failures.md section 3 (or the CORS-adjacent id the reference gives).
 */

/** Errors that mean "a CORS rule failed" rather than a network problem. */
export function isCorsErrorString(error: string): boolean {
  return error === "net::ERR_FAILED" || error === "NS_ERROR_DOM_BAD_URI";
}

const EXACT: Record<string, string> = {
  "net::ERR_ABORTED": "non-cors-aborted",
  NS_BINDING_ABORTED: "non-cors-aborted",
  NS_ERROR_ABORT: "non-cors-aborted",
  "net::ERR_BLOCKED_BY_CLIENT": "non-cors-blocked-by-client",
  "net::ERR_BLOCKED_BY_ADMINISTRATOR": "non-cors-blocked-by-client",
  NS_ERROR_TRACKING_URI: "non-cors-blocked-by-client",
  NS_ERROR_FINGERPRINTING_URI: "non-cors-blocked-by-client",
  NS_ERROR_CRYPTOMINING_URI: "non-cors-blocked-by-client",
  NS_ERROR_SOCIALTRACKING_URI: "non-cors-blocked-by-client",
  NS_ERROR_EMAILTRACKING_URI: "non-cors-blocked-by-client",
  NS_ERROR_BLOCKED_URI: "non-cors-blocked-by-client",
  "net::ERR_BLOCKED_BY_ORB": "non-cors-orb-corb",
  "net::ERR_BLOCKED_BY_CSP": "non-cors-csp-blocked",
  NS_ERROR_CSP_BLOCKED: "non-cors-csp-blocked",
  "net::ERR_UNSAFE_PORT": "non-cors-unsafe-port",
  NS_ERROR_PORT_ACCESS_NOT_ALLOWED: "non-cors-unsafe-port",
  "net::ERR_TOO_MANY_REDIRECTS": "non-cors-too-many-redirects",
  NS_ERROR_REDIRECT_LOOP: "non-cors-too-many-redirects",
  "net::ERR_UNSAFE_REDIRECT": "redirect-disallowed-scheme",
  "net::ERR_INVALID_REDIRECT": "preflight-redirect",
};

/** The id for a network error string; `non-cors-network-error` for anything unrecognised. */
export function netErrorId(error: string): string {
  const exact = Object.hasOwn(EXACT, error) ? EXACT[error] : undefined;
  if (exact !== undefined) return exact;
  if (error.startsWith("net::ERR_BLOCKED_BY_RESPONSE")) return "non-cors-corp-coep";
  if (error.startsWith("net::ERR_CERT_") || error.startsWith("net::ERR_SSL_") || error.startsWith("net::ERR_BAD_SSL")) return "non-cors-tls-error";
  if (error.startsWith("SEC_ERROR_") || error.startsWith("SSL_ERROR_") || error.startsWith("MOZILLA_PKIX_ERROR_")) return "non-cors-tls-error";
  if (error.startsWith("NS_ERROR_NET_") && error.includes("SSL")) return "non-cors-tls-error";
  return "non-cors-network-error";
}

/** A short human name for the error, used in explanations. */
export function netErrorWords(error: string): string {
  const id = netErrorId(error);
  switch (id) {
    case "non-cors-aborted":
      return "the request was cancelled";
    case "non-cors-blocked-by-client":
      return "something inside the browser (an ad blocker, another extension or a policy) blocked it";
    case "non-cors-tls-error":
      return "the HTTPS certificate or TLS handshake was rejected";
    case "non-cors-unsafe-port":
      return "the browser refuses to connect to this port";
    case "non-cors-too-many-redirects":
      return "the server redirected more than 20 times";
    default:
      break;
  }
  if (/REFUSED/.test(error)) return "the connection was refused (nothing is listening there)";
  if (/NAME_NOT_RESOLVED|UNKNOWN_HOST/.test(error)) return "the host name could not be resolved";
  if (/TIMED_OUT|TIMEOUT/.test(error)) return "the connection timed out";
  if (/EMPTY_RESPONSE/.test(error)) return "the server closed the connection without answering";
  if (/RESET|INTERRUPT/.test(error)) return "the connection was reset";
  if (/DISCONNECTED|OFFLINE/.test(error)) return "the computer is offline";
  return "a network error occurred";
}
