/**
 * Browser console text → failure id (cors-failures.md section 6). Used by the browser-agreement
 * tests and by diagnose() when a console line reached the exchange as a hint.
 */
import type { BrowserKind } from "./model";
import { netErrorId } from "./net-errors";

export interface MessageMatch {
  id: string;
  kind?: string;
  url?: string;
  initialUrl?: string;
  origin?: string;
  /** Chromium printed the preflight prefix (or the text names the preflight) */
  preflight: boolean;
  /** a value quoted by the message (ACAO/ACAC value, method, header, token, address space, status) */
  value?: string;
}

const CR_FRAME =
  /^Access to (?<kind>.+?) at '(?<url>.+?)' (?:\(redirected from '(?<initialUrl>.+?)'\) )?from origin '(?<origin>.+?)' has been blocked by CORS policy: (?<pre>Response to preflight request doesn't pass access control check: )?(?<reason>.+)$/s;

/** [reason regex, id, takes the P prefix] in section 6.1 order. */
const CR_REASONS: [RegExp, string, boolean][] = [
  [/^No 'Access-Control-Allow-Origin' header is present on the requested resource\./, "acao-missing", true],
  [/^The 'Access-Control-Allow-Origin' header contains multiple values '(?<value>.*)', but only one is allowed\./s, "acao-multiple", true],
  [/^The 'Access-Control-Allow-Origin' header contains the invalid value '(?<value>.*)'\./s, "acao-invalid", true],
  [/^The 'Access-Control-Allow-Origin' header has a value '(?<value>.*)' that is not equal to the supplied origin\./s, "acao-mismatch", true],
  [/^The value of the 'Access-Control-Allow-Origin' header in the response must not be the wildcard '\*' when the request's credentials mode is 'include'\./, "acao-wildcard-with-credentials", true],
  [/^The value of the 'Access-Control-Allow-Credentials' header in the response is '(?<value>.*)' which must be 'true' when the request's credentials mode is 'include'\./s, "acac-missing-or-not-true", true],
  [/^It does not have HTTP ok status\.$/, "preflight-status-not-ok", false],
  [/^Redirect is not allowed for a preflight request\.$/, "preflight-redirect", false],
  [/^Cannot parse Access-Control-Allow-Methods response header field in preflight response\.$/, "acam-unparseable", false],
  [/^Cannot parse Access-Control-Allow-Headers response header field in preflight response\.$/, "acah-unparseable", false],
  [/^Method (?<value>.+) is not allowed by Access-Control-Allow-Methods in preflight response\.$/, "method-not-allowed", false],
  [/^Request header field (?<value>.+) is not allowed by Access-Control-Allow-Headers in preflight response\.$/, "header-not-allowed", false],
  [/^Redirect location '(?<value>.*)' contains a username and password, which is disallowed for cross-origin requests\.$/, "redirect-userinfo", false],
  [/^Cross origin requests are only supported for protocol schemes: (?<value>.+)\.$/, "cors-disabled-scheme", false],
  [/^Cross origin requests are not allowed by request mode\.$/, "disallowed-by-mode", false],
  [/^The response is invalid\.$/, "invalid-response", false],
  [/^Permission was denied for this request to access the `(?<value>[\w-]+)` address space\.$/, "lna-permission-denied", false],
  [/^The request client is not a secure context and the resource is in more-private address space `(?<value>[\w-]+)`\.$/, "lna-insecure-initiator", false],
  [/^Request had a target IP address space of `(?<target>[\w-]+)` yet the resource is in address space `(?<value>[\w-]+)`\.$/, "lna-address-space-mismatch", false],
  [/^Request had no target IP address space, yet the resource is in address space `(?<value>[\w-]+)`\.$/, "pna-unexpected-address-space", false],
  [/^No 'Access-Control-Allow-(?:Private-Network' header .*|External' header .*)$/s, "pna-preflight-allow-private-network-missing", false],
  [/^The 'Access-Control-Allow-(?:Private-Network|External)' header in the preflight response .* had a value of '(?<value>.*)',\s+not 'true'/s, "pna-preflight-allow-private-network-invalid", false],
  [/^No 'Private-Network-Access-Id' header was present/, "pna-preflight-missing-id", false],
  [/^No 'Private-Network-Access-Name' header was present/, "pna-preflight-missing-name", false],
  [/^Unable to ask for permission to access the `(?<value>[\w-]+)` IP address space\.$/, "pna-permission-unavailable", false],
];

/** Chromium messages outside the CORS frame. */
const CR_OTHER: [RegExp, string][] = [
  [/^Fetch API cannot load (?<url>.+)\. Request mode is "same-origin" but the URL's origin is not same as the request origin (?<origin>.+)\.$/, "disallowed-by-mode"],
  [/^Fetch API cannot load (?<url>.+)\. Request mode is "no-cors" but the redirect mode is not "follow"\.$/, "no-cors-redirect-mode-not-follow"],
  [/^Fetch API cannot load (?<url>.+)\. URL scheme "(?<value>[^"]+)" is not supported\.$/, "cors-disabled-scheme"],
  [/^Mixed Content: The page at '.+' was loaded over HTTPS, but requested an insecure /, "non-cors-mixed-content"],
  [/^Refused to connect to '(?<url>.+?)' because it violates /, "non-cors-csp-blocked"],
  [/net::ERR_BLOCKED_BY_ORB|^Cross-Origin Read Blocking \(CORB\) blocked/, "non-cors-orb-corb"],
  [/resulted in a network error response: an "opaque" response was used for a request whose type is not no-cors/, "non-cors-service-worker-opaque"],
  [/^Authorization will not be covered by the wildcard symbol/, "warn-authorization-covered-by-wildcard"],
  [/net::ERR_BLOCKED_BY_CLIENT/, "non-cors-blocked-by-client"],
  [/^Failed to load resource: net::ERR_UNSAFE_REDIRECT$/, "redirect-disallowed-scheme"],
];
const CR_FAILED_TO_LOAD = /^Failed to load resource: (?<code>net::ERR_(?!FAILED$)[A-Z0-9_.]+)$/;

const FF_FRAME =
  /^Cross-Origin Request (?:Blocked|Warning): The Same Origin Policy (?:disallows|will disallow) reading the remote resource at '?(?<url>.+?)'?(?: soon)?\. \(Reason: (?<reason>.+?)\)\.(?: Status code: (?<status>.*)\.)?$/s;

/** [reason regex, id, +P/R applies] in section 6.2 order. */
const FF_REASONS: [RegExp, string, boolean][] = [
  [/^CORS disabled$/, "cors-disabled-by-user", false],
  [/^CORS request did not succeed$/, "non-cors-network-error", false],
  [/^CORS header 'Origin' cannot be added$/, "origin-header-not-added", false],
  [/^CORS request external redirect not allowed$/, "preflight-redirect", false],
  [/^CORS request not http$/i, "cors-disabled-scheme", false],
  [/^CORS header 'Access-Control-Allow-Origin' missing$/, "acao-missing", true],
  [/^Multiple CORS header 'Access-Control-Allow-Origin' not allowed$/, "acao-multiple", true],
  [/^CORS header 'Access-Control-Allow-Origin' does not match '(?<value>.*)'$/s, "acao-mismatch", true],
  [/^Credential is not supported if the CORS header 'Access-Control-Allow-Origin' is '\*'$/, "acao-wildcard-with-credentials", true],
  [/^Did not find method in CORS header 'Access-Control-Allow-Methods'$/, "method-not-allowed", false],
  [/^expected 'true' in CORS header 'Access-Control-Allow-Credentials'$/, "acac-missing-or-not-true", true],
  [/^CORS preflight (?:response|channel) did not succeed$/, "preflight-status-not-ok", false],
  [/^invalid token '(?<value>.*)' in CORS header 'Access-Control-Allow-Methods'$/s, "acam-unparseable", false],
  [/^invalid token '(?<value>.*)' in CORS header 'Access-Control-Allow-Headers'$/s, "acah-unparseable", false],
  [/^header '(?<value>.*)' is not allowed according to header 'Access-Control-Allow-Headers' from CORS preflight response$/s, "header-not-allowed", false],
  [/^missing token '(?<value>.*)' in CORS header 'Access-Control-Allow-Headers' from CORS preflight channel$/s, "header-not-allowed", false],
  [/^When the .Access-Control-Allow-Headers. is .\*., the .Authorization. header is not covered/, "warn-authorization-covered-by-wildcard", false],
];
const FF_REDIRECT_STATUS = /^30[12378]$/;
const TYPOGRAPHIC_QUOTES = /[\u2018\u2019]/g;

function matchChromium(text: string): MessageMatch | null {
  const frame = CR_FRAME.exec(text);
  if (frame?.groups) {
    const g = frame.groups;
    const reason = g.reason as string;
    const pre = g.pre !== undefined;
    for (const [re, id, takesP] of CR_REASONS) {
      const m = re.exec(reason);
      if (!m) continue;
      let out = id;
      if (pre && takesP) out = `preflight-${id}`;
      const value = m.groups?.value;
      // Section 6.1: a mismatch that names the page origin after a redirect is the tainted-origin case.
      if (id === "acao-mismatch" && !pre && g.initialUrl !== undefined && value === g.origin) out = "redirect-origin-null";
      const match: MessageMatch = { id: out, kind: g.kind, url: g.url, origin: g.origin, preflight: pre || id.startsWith("preflight-") || /in preflight response/.test(reason) };
      if (g.initialUrl !== undefined) match.initialUrl = g.initialUrl;
      if (value !== undefined) match.value = value;
      return match;
    }
    return null;
  }
  for (const [re, id] of CR_OTHER) {
    const m = re.exec(text);
    if (!m) continue;
    const match: MessageMatch = { id, preflight: false };
    if (m.groups?.url !== undefined) match.url = m.groups.url;
    if (m.groups?.origin !== undefined) match.origin = m.groups.origin;
    if (m.groups?.value !== undefined) match.value = m.groups.value;
    return match;
  }
  const failed = CR_FAILED_TO_LOAD.exec(text);
  if (failed?.groups?.code) return { id: netErrorId(failed.groups.code), preflight: false, value: failed.groups.code };
  return null;
}

function matchFirefox(raw: string): MessageMatch | null {
  const text = raw.replace(TYPOGRAPHIC_QUOTES, "'");
  const frame = FF_FRAME.exec(text);
  if (!frame?.groups) return null;
  const { url, reason, status } = frame.groups;
  for (const [re, id, takesPR] of FF_REASONS) {
    const m = re.exec(reason as string);
    if (!m) continue;
    // Firefox never says which request failed; a 30x status reveals a redirect hop (6.2 "+R").
    const out = takesPR && status !== undefined && FF_REDIRECT_STATUS.test(status) ? `redirect-${id}` : id;
    const match: MessageMatch = { id: out, url, preflight: id === "preflight-status-not-ok" || id === "preflight-redirect" };
    const value = m.groups?.value ?? (status !== undefined && id === "preflight-status-not-ok" ? status : undefined);
    if (value !== undefined) match.value = value;
    return match;
  }
  return null;
}

/** Maps one console line to an id (null when the text is not a known CORS-related message). */
export function matchBrowserMessage(text: string, browser: BrowserKind): MessageMatch | null {
  if (typeof text !== "string") return null;
  const trimmed = text.trim();
  return browser === "firefox" ? matchFirefox(trimmed) : matchChromium(trimmed);
}
