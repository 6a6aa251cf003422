/**
 * The browser's own text for a finding: Chromium's console line (cors-failures.md 2.0 frame
 * and reasons of 2.2–2.6) and Firefox's "Cross-Origin Request Blocked: … (Reason: …)" line.
 */
import type { Finding } from "./finding";
import type { ResourceType } from "./model";

/** The word Chromium puts after "Access to". `xmlhttprequest` covers fetch() and XHR; fetch is the usual one. */
export function chromiumKind(type: ResourceType): string {
  switch (type) {
    case "xmlhttprequest":
      return "fetch";
    case "font":
      return "font";
    case "image":
      return "image";
    case "script":
      return "script";
    case "stylesheet":
      return "CSS stylesheet";
    case "media":
      return "media";
    default:
      return "resource";
  }
}

/** Chromium escapes non-printable and non-ASCII characters in quoted values as \uXXXX. */
export function escapeValue(value: string): string {
  let out = "";
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    out += c < 0x20 || c > 0x7e ? `\\u${c.toString(16).toUpperCase().padStart(4, "0")}` : value[i];
  }
  return out;
}

const FETCH_ACAO_TAIL = " Have the server send the header with a valid value.";
const XHR_CREDENTIALS_TAIL = " The credentials mode of requests initiated by the XMLHttpRequest is controlled by the withCredentials attribute.";

function baseId(id: string): string {
  if (id.startsWith("preflight-acao-") || id.startsWith("preflight-acac-")) return id.slice("preflight-".length);
  if (id.startsWith("redirect-acao-") || id.startsWith("redirect-acac-")) return id.slice("redirect-".length);
  if (id === "redirect-origin-null") return "acao-mismatch";
  return id;
}

/** Chromium's reason text (after "has been blocked by CORS policy: "); null when Chromium prints no CORS line. */
export function chromiumReason(f: Finding, kind: string): string | null {
  const value = escapeValue(f.received ?? "");
  const space = f.detail ?? "unknown";
  switch (baseId(f.id)) {
    case "acao-missing":
      return "No 'Access-Control-Allow-Origin' header is present on the requested resource.";
    case "acao-multiple":
      return `The 'Access-Control-Allow-Origin' header contains multiple values '${value}', but only one is allowed.${kind === "fetch" ? FETCH_ACAO_TAIL : ""}`;
    case "acao-invalid":
      return `The 'Access-Control-Allow-Origin' header contains the invalid value '${value}'.${kind === "fetch" ? FETCH_ACAO_TAIL : ""}`;
    case "acao-mismatch":
      return `The 'Access-Control-Allow-Origin' header has a value '${value}' that is not equal to the supplied origin.${kind === "fetch" ? FETCH_ACAO_TAIL : ""}`;
    case "acao-wildcard-with-credentials":
      return `The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '*' when the request's credentials mode is 'include'.${kind === "XMLHttpRequest" ? XHR_CREDENTIALS_TAIL : ""}`;
    case "acac-missing-or-not-true":
      return `The value of the 'Access-Control-Allow-Credentials' header in the response is '${value}' which must be 'true' when the request's credentials mode is 'include'.${kind === "XMLHttpRequest" ? XHR_CREDENTIALS_TAIL : ""}`;
    case "preflight-status-not-ok":
      return "It does not have HTTP ok status.";
    case "preflight-redirect":
      return "Redirect is not allowed for a preflight request.";
    case "acam-unparseable":
      return "Cannot parse Access-Control-Allow-Methods response header field in preflight response.";
    case "acah-unparseable":
      return "Cannot parse Access-Control-Allow-Headers response header field in preflight response.";
    case "method-not-allowed":
      return `Method ${f.detail ?? ""} is not allowed by Access-Control-Allow-Methods in preflight response.`;
    case "header-not-allowed":
      return `Request header field ${(f.detail ?? "").toLowerCase()} is not allowed by Access-Control-Allow-Headers in preflight response.`;
    case "redirect-userinfo":
      // Current builds create this error without its parameter, so the location prints empty [obs].
      return "Redirect location '' contains a username and password, which is disallowed for cross-origin requests.";
    case "cors-disabled-scheme":
      return "Cross origin requests are only supported for protocol schemes: http, data, isolated-app, chrome-extension, chrome, https, chrome-untrusted.";
    case "disallowed-by-mode":
      return "Cross origin requests are not allowed by request mode.";
    case "lna-permission-denied":
      return `Permission was denied for this request to access the \`${space}\` address space.`;
    case "lna-insecure-initiator":
      return `The request client is not a secure context and the resource is in more-private address space \`${space}\`.`;
    case "lna-address-space-mismatch":
      return `Request had a target IP address space of \`${f.received ?? "unknown"}\` yet the resource is in address space \`${space}\`.`;
    case "pna-unexpected-address-space":
      return `Request had no target IP address space, yet the resource is in address space \`${space}\`.`;
    case "pna-preflight-allow-private-network-missing":
      return `No 'Access-Control-Allow-Private-Network' header was present in the preflight response for this private network request targeting the \`${space}\` address space.`;
    case "pna-preflight-allow-private-network-invalid":
      return `The 'Access-Control-Allow-Private-Network' header in the preflight response for this private network request targeting the \`${space}\` address space had a value of '${value}',  not 'true'.`;
    case "pna-preflight-missing-id":
      return `No 'Private-Network-Access-Id' header was present in the preflight response for this private network request targeting the \`${space}\` address space.`;
    case "pna-preflight-missing-name":
      return `No 'Private-Network-Access-Name' header was present in the preflight response for this private network request targeting the \`${space}\` address space.`;
    case "pna-permission-unavailable":
      return `Unable to ask for permission to access the \`${space}\` IP address space.`;
    default:
      return null;
  }
}

export interface MessageFrame {
  kind: string;
  url: string;
  initialUrl: string;
  /** the page origin (never the tainted null) */
  origin: string;
}

/** Chromium's whole console line for a finding; for ids without a CORS line, what the console shows instead. */
export function chromiumMessage(f: Finding, frame: MessageFrame): string {
  if (f.id === "no-cors-redirect-mode-not-follow") return `Fetch API cannot load ${frame.url}. Request mode is "no-cors" but the redirect mode is not "follow".`;
  if (f.id === "redirect-disallowed-scheme") return "Failed to load resource: net::ERR_UNSAFE_REDIRECT";
  if (f.id === "invalid-response" || f.id.startsWith("non-cors-")) return `Failed to load resource: ${f.netError ?? "net::ERR_FAILED"}`;
  const reason = chromiumReason(f, frame.kind);
  if (reason === null) return `Failed to load resource: ${f.netError ?? "net::ERR_FAILED"}`;
  const redirected = frame.url !== frame.initialUrl ? `(redirected from '${frame.initialUrl}') ` : "";
  const pre = f.preflightPrefix ? "Response to preflight request doesn't pass access control check: " : "";
  return `Access to ${frame.kind} at '${frame.url}' ${redirected}from origin '${frame.origin}' has been blocked by CORS policy: ${pre}${reason}`;
}

const LQ = "\u2018";
const RQ = "\u2019";

/** Firefox's reason (security.properties, en-US, typographic quotes). */
export function firefoxReason(f: Finding): string {
  const q = (s: string) => `${LQ}${s}${RQ}`;
  switch (baseId(f.id)) {
    case "acao-missing":
      return `CORS header ${q("Access-Control-Allow-Origin")} missing`;
    case "acao-multiple":
      return `Multiple CORS header ${q("Access-Control-Allow-Origin")} not allowed`;
    case "acao-invalid":
    case "acao-mismatch":
      return `CORS header ${q("Access-Control-Allow-Origin")} does not match ${q(f.received ?? "")}`;
    case "acao-wildcard-with-credentials":
      return `Credential is not supported if the CORS header ${q("Access-Control-Allow-Origin")} is ${q("*")}`;
    case "acac-missing-or-not-true":
      return `expected ${q("true")} in CORS header ${q("Access-Control-Allow-Credentials")}`;
    case "preflight-status-not-ok":
      return "CORS preflight response did not succeed";
    case "preflight-redirect":
      return "CORS request external redirect not allowed";
    case "acam-unparseable":
      return `invalid token ${q(f.detail ?? "")} in CORS header ${q("Access-Control-Allow-Methods")}`;
    case "acah-unparseable":
      return `invalid token ${q(f.detail ?? "")} in CORS header ${q("Access-Control-Allow-Headers")}`;
    case "method-not-allowed":
      return `Did not find method in CORS header ${q("Access-Control-Allow-Methods")}`;
    case "header-not-allowed":
      return `header ${q((f.detail ?? "").toLowerCase())} is not allowed according to header ${q("Access-Control-Allow-Headers")} from CORS preflight response`;
    case "cors-disabled-scheme":
      return "CORS request not http";
    case "origin-header-not-added":
      return `CORS header ${q("Origin")} cannot be added`;
    case "cors-disabled-by-user":
      return "CORS disabled";
    default:
      return "CORS request did not succeed";
  }
}

/** Firefox's whole line. The status is `(null)` when no response was read. */
export function firefoxMessage(f: Finding, url: string): string {
  const reason = firefoxReason(f);
  const at = baseId(f.id) === "acao-wildcard-with-credentials" ? `${LQ}${url}${RQ}` : url;
  const status = f.status === undefined || f.id === "invalid-response" ? "(null)" : String(f.status);
  return `Cross-Origin Request Blocked: The Same Origin Policy disallows reading the remote resource at ${at}. (Reason: ${reason}). Status code: ${status}.`;
}
