/**
 * Plain-text advice for a failure id or a warning id (cors-failures.md sections 2-4). Values
 * quoted here come from servers: they are shortened and only ever shown as text.
 */
import { REDIRECT_STATUSES } from "../finding";
import { checkRuleOf } from "../ids";
import type { Failure, Warning } from "../model";
import { headerValue } from "../headers";
import { adviceIdOf } from "../null-origin";
import { isControlCode } from "./headers";
import type { HopRequirement } from "./requirements";

/** Failures no response header can fix: the advice replaces the headers. */
const NO_HEADER_FIX: Record<string, string> = {
  "disallowed-by-mode":
    "No server header will fix this: the page asked for mode: 'same-origin'. Drop that option (use the default cors mode) and give the server the CORS headers, or call a same-origin proxy.",
  "no-cors-redirect-mode-not-follow":
    "No server header will fix this: a no-cors request may only use redirect: 'follow'. Remove the redirect option or switch to mode: 'cors'.",
  "cors-disabled-scheme":
    "No server header will fix this: CORS works only over http and https. Serve the page and the data from a web server (http://localhost:…) instead of opening files directly.",
  "origin-header-not-added":
    "No server header will fix this: Firefox could not pick one Origin for code acting for several origins. Make the request from the page script or the extension's background context.",
  "cors-disabled-by-user":
    "No server header will fix this: this Firefox profile has CORS switched off. Set content.cors.disable back to false in about:config.",
  "invalid-response":
    "No CORS header will fix this yet: the preflight never got an HTTP answer (connection, DNS or TLS failure). Make the server reachable on this host, port and scheme, then check CORS again.",
  "redirect-userinfo":
    "No CORS header will fix this: the redirect target embeds user:password@ in its URL. Redirect to a URL without credentials and pass them in a header (listed in Access-Control-Allow-Headers) instead.",
  "redirect-disallowed-scheme": "No CORS header will fix this: CORS requests only follow redirects to http(s) URLs. Redirect to an http(s) address.",
  "lna-permission-denied":
    "No response header will fix this: Local Network Access needs the user's permission for this site. Serve the page over HTTPS, make the request after a user gesture, optionally pass targetAddressSpace in fetch(), and delegate with Permissions-Policy to iframes.",
  "lna-insecure-initiator": "No response header will fix this: only HTTPS pages may ask for local-network access. Serve the page over HTTPS.",
  "lna-address-space-mismatch":
    "No response header will fix this: the fetch() targetAddressSpace does not match where the server really is. Use 'loopback' for localhost/127.x, 'local' for LAN addresses, or omit the option.",
};

/** What to say for each non-CORS id (cors-failures.md section 3). */
const NON_CORS: Record<string, string> = {
  "non-cors-same-origin": "This is a same-origin request: CORS headers play no part in it.",
  "non-cors-no-cors-opaque":
    "The request was made in no-cors mode, so the response is opaque on purpose. To read it, use mode: 'cors' and send CORS headers from the server.",
  "non-cors-network-error": "The server could not be reached (connection refused, DNS, reset or timeout). Start the server or fix the host and port; CORS headers cannot help.",
  "non-cors-aborted": "The page itself cancelled the request (AbortController, navigation or a closed tab). Nothing to change on the server.",
  "non-cors-tls-error": "The server's TLS certificate was rejected. Open the URL once in a tab to see why and fix the certificate; CORS headers cannot help.",
  "non-cors-blocked-by-client": "Something inside the browser (an extension, an ad blocker or a policy) blocked the request before it left. The server was never contacted.",
  "non-cors-mixed-content": "An HTTPS page may not call an http:// URL. Serve the API over HTTPS.",
  "non-cors-csp-blocked": "The page's own Content-Security-Policy (connect-src) forbids this URL. Change the page's CSP, not the API's CORS headers.",
  "non-cors-orb-corb":
    "Opaque Response Blocking hid a JSON/HTML response loaded as an image, script or no-cors fetch. Use fetch() in cors mode, or the right element for the content type.",
  "non-cors-corp-coep":
    "Cross-Origin-Resource-Policy / Cross-Origin-Embedder-Policy blocked it. Have the server send Cross-Origin-Resource-Policy: cross-origin, or load it with crossorigin and CORS.",
  "non-cors-unsafe-port": "Browsers refuse this port. Serve the API on another port.",
  "non-cors-too-many-redirects": "The URL redirects in a loop (more than 20 hops). Fix the redirect rules.",
  "non-cors-service-worker-opaque":
    "The page's service worker answered a CORS request with a cached opaque response. Fix the worker (fetch it in cors mode or do not intercept it).",
  "non-cors-http-error": "CORS passed; the server answered with an application error. Fix the error itself.",
  "non-cors-websocket": "WebSocket has no CORS: the server must check the Origin header itself during the handshake.",
  "non-cors-extension-context": "This is the extension's own traffic, which bypasses CORS.",
};

export function noHeaderFixAdvice(id: string): string | null {
  if (Object.hasOwn(NO_HEADER_FIX, id)) return NO_HEADER_FIX[id] ?? null;
  if (id.startsWith("non-cors-")) return (Object.hasOwn(NON_CORS, id) ? NON_CORS[id] : undefined) ?? "This is not a CORS problem, so no CORS header will fix it.";
  return null;
}

/** Shortened, single-line copy of a server value for a sentence. */
export function quote(value: string | null): string {
  if (value === null) return "(absent)";
  let oneLine = "";
  for (const ch of value) oneLine += isControlCode(ch.charCodeAt(0)) ? " " : ch;
  return `"${oneLine.length > 120 ? `${oneLine.slice(0, 117)}...` : oneLine}"`;
}

/** What to do about a request that goes with Origin: null after a redirect to another server. */
function nullOriginNote(credentials: boolean): string {
  return credentials
    ? "After a redirect to another server the browser sends Origin: null, which no safe allowlist should accept. Avoid the cross-origin redirect: call the final URL directly from the page (these headers are for that direct call) or redirect within the same origin. Never allow null: any sandboxed page can send it."
    : "After a redirect to another server the browser sends Origin: null. Avoid the cross-origin redirect (call the final URL directly), or, since the data is requested without credentials, answer with Access-Control-Allow-Origin: *. Never allow null: any sandboxed page can send it.";
}

export function failureNotes(failure: Failure, req: HopRequirement, location: string | null): string[] {
  const notes: string[] = [];
  const origin = req.pageOrigin ?? "the page origin";
  const status = failure.phase === "preflight" ? req.preflightResponse?.status : req.response?.status;
  // a failure on a request whose origin a redirect made null gets that case's advice
  const id = adviceIdOf(failure);

  if (id.startsWith("preflight-") && id !== "preflight-status-not-ok" && id !== "preflight-redirect") {
    notes.push("The OPTIONS preflight failed, so the real request was never sent: make the OPTIONS handler send the same CORS headers as the real route, with a 2xx status.");
    if (status !== undefined && [401, 403, 404, 405, 500].includes(status)) {
      notes.push(`The preflight got status ${status}: OPTIONS is probably not routed, requires authentication, or crashes. Preflights never carry cookies or Authorization; answer them before any auth check.`);
    }
    // Firefox names the CORS check of a redirected preflight before the redirect itself
    if (status !== undefined && REDIRECT_STATUSES.has(status)) {
      notes.push(`The preflight was also redirected (status ${status}${location ? ` to ${quote(location)}` : ""}), and browsers never follow a redirect for a preflight: answer OPTIONS on this URL without redirecting, or call the final URL directly from the page.`);
    }
  }
  if (id.startsWith("redirect-") && id.includes("aca")) {
    notes.push(`The redirect response itself must carry these CORS headers${location ? `, or the page can call ${quote(location)} directly` : ""}.`);
  }

  switch (checkRuleOf(id)) {
    case "acao-missing":
      if (status !== undefined && status >= 400) {
        notes.push(`The response was an error (status ${status}) and the error path dropped the CORS headers. Send the CORS headers on error responses too (register CORS before routes and error handlers; nginx "always"), and fix the error itself.`);
      }
      if (failure.phase === "response" && req.preflightResponse) notes.push("The preflight passed, but the actual response needs Access-Control-Allow-Origin as well.");
      if (failure.phase !== "preflight") notes.push("If a CDN or proxy sits in front of the server, make sure it does not strip these headers.");
      break;
    case "acao-mismatch":
      notes.push(`The server allowed ${quote(failure.received)}, but the page origin is ${origin}: the two must be equal character for character (scheme, host, port, no trailing slash). Pick the value from an exact-match allowlist and send Vary: Origin.`);
      break;
    case "acao-multiple":
      notes.push(`The response carried several Access-Control-Allow-Origin values (${quote(failure.received)}). Let one layer only (application or proxy/CDN) set the header, with the single caller origin picked from the allowlist.`);
      break;
    case "acao-invalid":
      notes.push(`${quote(failure.received)} is not an origin. Compute the value on the server: if the caller's Origin is in the allowlist, echo it exactly; wildcard subdomains (*.example.com) are not supported by browsers.`);
      break;
    case "acao-wildcard-with-credentials":
      notes.push("The request carries credentials, and then * is refused: name the exact origin and send Access-Control-Allow-Credentials: true. If the data is public, the page can instead drop credentials: 'include' / withCredentials.");
      break;
    case "acac-missing-or-not-true":
      notes.push(`Access-Control-Allow-Credentials was ${quote(failure.received)}; it must be exactly true (one line, lower case). Or stop sending credentials from the page.`);
      break;
    case "preflight-status-not-ok":
      if (status === 401 || status === 403) {
        notes.push(`The OPTIONS preflight got ${status}: authentication middleware runs before the CORS handler. Preflights never carry cookies or Authorization, so let CORS answer OPTIONS before any auth check.`);
      } else if (status === 404 || status === 405) {
        notes.push(`The OPTIONS preflight got ${status}: the server has no OPTIONS route here. Let the CORS middleware answer OPTIONS for every route.`);
      } else if (status !== undefined) {
        notes.push(`The OPTIONS preflight got status ${status}; browsers only accept 200-299 for it.`);
      }
      notes.push("Answer OPTIONS with 204 (or 200) and the CORS headers, without requiring authentication.");
      break;
    case "preflight-redirect":
      notes.push(`The OPTIONS preflight was redirected${location ? ` to ${quote(location)}` : ""}, and browsers never follow redirects for preflights. Call the final URL directly from the page, and make the server answer OPTIONS on the original URL without redirecting (exempt OPTIONS from HTTPS, trailing-slash and login redirects).`);
      break;
    case "acam-unparseable":
      notes.push(`Access-Control-Allow-Methods ${quote(failure.received)} cannot be parsed: it must be a comma-separated list of plain method names (no quotes, no semicolons, no spaces inside a name).`);
      break;
    case "acah-unparseable":
      notes.push(`Access-Control-Allow-Headers ${quote(failure.received)} cannot be parsed: it must be a comma-separated list of header names (no quotes, no "Name: value" lines).`);
      break;
    case "method-not-allowed":
      notes.push(`List ${req.method} in Access-Control-Allow-Methods exactly as the page sends it; GET, HEAD and POST never need listing.`);
      if (req.method !== req.method.toUpperCase()) {
        notes.push(`The page sends "${req.method}" in lower case and browsers compare it byte for byte with the list ("${req.method.toUpperCase()}" does not match). Better: send method: "${req.method.toUpperCase()}" from the page and list ${req.method.toUpperCase()}.`);
      }
      if (failure.variant === "wildcard-with-credentials" || (req.credentials && failure.received?.includes("*"))) {
        notes.push("* in Access-Control-Allow-Methods is a literal name for credentialed requests: list the methods explicitly.");
      }
      break;
    case "header-not-allowed": {
      const missing = failure.missing && failure.missing.length > 0 ? failure.missing : failure.received ? [failure.received] : [];
      notes.push(`Access-Control-Allow-Headers must list every request header the preflight asked for${missing.length > 0 ? `; missing: ${missing.join(", ")}` : ""}. Or stop sending the header from the page.`);
      if (missing.some((m) => m.toLowerCase() === "content-type")) {
        notes.push("Content-Type needs listing for anything other than form or text/plain bodies (application/json always does).");
      }
      break;
    }
    case "redirect-origin-null":
      notes.push(nullOriginNote(req.credentials));
      break;
    case "pna-preflight-allow-private-network-missing":
    case "pna-preflight-allow-private-network-invalid":
      notes.push("Older Chromium wanted Access-Control-Allow-Private-Network: true on the preflight; current Chrome ignores it and asks the user for local-network permission instead.");
      break;
    default:
      break;
  }
  // another rule failed on a request that went with Origin: null: the origin needs the same care
  if (req.nullOrigin && id !== "redirect-origin-null") notes.push(nullOriginNote(req.credentials));
  return notes;
}

export function warningNotes(warnings: Warning[], req: HopRequirement): string[] {
  const notes: string[] = [];
  for (const w of warnings) {
    switch (w.id) {
      case "warn-origin-reflected-with-credentials":
        notes.push("The server echoes any Origin together with Access-Control-Allow-Credentials: true, so any site can read this user's data. Replace the reflection by an exact-match allowlist (as in the snippets).");
        break;
      case "warn-null-origin-allowed":
        notes.push("Stop allowing the origin null: sandboxed iframes, data: pages and redirected requests all send it, so an attacker can too.");
        break;
      case "warn-missing-vary-origin":
        notes.push("Send Vary: Origin whenever Access-Control-Allow-Origin depends on the caller, so shared caches do not serve one origin's answer to another.");
        break;
      case "warn-wildcard-on-authenticated-api":
        notes.push("This API is authenticated; * lets every site read it whenever the browser can attach the token. Allow known origins only.");
        break;
      case "warn-wildcard-with-acac-true":
        notes.push("* together with Access-Control-Allow-Credentials: true only works while no credentials are sent: name the origin, or drop the credentials header.");
        break;
      case "warn-origin-pattern-matching":
        notes.push("Compare the full Origin with a list (or parse it and check the host exactly); substring or unanchored regex checks also accept look-alike attacker domains.");
        break;
      case "warn-cors-only-on-preflight":
        notes.push("Send the same CORS headers from one shared middleware for every method and status, not only on OPTIONS.");
        break;
      case "warn-header-not-exposed":
        notes.push(`The page reads null for response headers that are not exposed; list them in Access-Control-Expose-Headers${req.expose.length > 0 ? ` (${req.expose.join(", ")})` : ""}.`);
        break;
      case "warn-wildcard-literal-under-credentials":
        notes.push("For credentialed requests * in Allow-Methods, Allow-Headers and Expose-Headers is a literal name: list them explicitly.");
        break;
      case "warn-max-age":
        notes.push(`Send a plain integer Access-Control-Max-Age (600 to 7200) so browsers do not preflight almost every request.`);
        break;
      case "warn-authorization-covered-by-wildcard":
        notes.push("List authorization explicitly in Access-Control-Allow-Headers: the spec says * does not cover it, and browsers are preparing to enforce that.");
        break;
      case "warn-method-case":
        notes.push(`The page sends "${req.method}"; it must appear in Access-Control-Allow-Methods with exactly that case. Prefer upper-case methods in code.`);
        break;
      case "warn-chromium-only-safelisted-header":
        notes.push("Chromium sends some client-hint headers without a preflight, Firefox and Safari do not: they are listed in Access-Control-Allow-Headers so the request works everywhere.");
        break;
      case "warn-obsolete-private-network-header":
        notes.push("Access-Control-Allow-Private-Network / Private-Network-Access-* headers are no longer used by Chrome; they can be removed.");
        break;
      default:
        break;
    }
  }
  return notes;
}

/** The Location of the hop the failure is about, for notes. */
export function locationOf(headers: { name: string; value: string }[] | undefined): string | null {
  return headerValue(headers ?? null, "location");
}
