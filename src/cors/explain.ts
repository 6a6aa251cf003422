/**
 * Plain-language explanations (two or three sentences, no markup) naming the page origin, the
 * URL, the method and the header involved. Jargon is glossed: a preflight is "the browser's
 * permission check (an OPTIONS request)".
 */
import type { Finding } from "./finding";
import { netErrorWords } from "./net-errors";
import { failedOnNullOrigin } from "./null-origin";

export interface ExplainContext {
  origin: string;
  url: string;
  method: string;
  /** first URL of the chain */
  initialUrl: string;
  /** credentials were inferred from the outcome, not observed */
  credentialsInferred: boolean;
}

const CHECK = "the browser's permission check (an OPTIONS request)";
/** Firefox-only ambiguity (cors-check.ts): webRequest joins repeated header lines. */
const JOINED_LINES =
  " Firefox gives extensions repeated header lines already joined with \", \", so CORS Lens cannot tell two Access-Control-Allow-Origin lines (Firefox then says \"Multiple CORS header 'Access-Control-Allow-Origin' not allowed\") from one line holding a list (Firefox then says \"does not match\"); Chromium calls both multiple values. The fix is the same: send exactly one value, once.";

function statusNote(status: number | undefined): string {
  if (status === undefined) return "";
  if (status >= 500) return ` The response was an HTTP ${status} server error: the application probably failed and its error handler dropped the CORS headers, so fix the error and make error responses carry CORS headers too.`;
  if (status >= 400) return ` The response was HTTP ${status}: error responses need CORS headers too, otherwise the page only sees a CORS error instead of the real status.`;
  return ` The request did reach the server (status ${status}).`;
}

function originProblem(base: string, f: Finding, ctx: ExplainContext): string {
  const value = f.received ?? "";
  switch (base) {
    case "acao-missing":
      return `The server answered the ${ctx.method} request to ${f.url} without an Access-Control-Allow-Origin header, so the browser hid the response from ${ctx.origin}.`;
    case "acao-mismatch":
      if (f.variant === "null-literal") return `The server allows the origin "null", but this page's origin is ${ctx.origin}; "null" is not a wildcard and must not be used.`;
      return `The server allows "${value}", but this page's origin is ${ctx.origin}, and the two must match exactly, character for character${f.variant === "trailing-slash" ? " (here a trailing slash is the difference)" : f.variant ? ` (here the ${f.variant} differs)` : ""}.`;
    case "acao-multiple":
      return `Access-Control-Allow-Origin carries more than one value ("${value}"), but browsers accept exactly one origin or *; usually two layers (application and proxy/CDN) both add the header.${f.variant === "joined-lines" ? JOINED_LINES : ""}`;
    case "acao-invalid":
      return `Access-Control-Allow-Origin is "${value}", which is not a valid origin, so the browser cannot compare it with ${ctx.origin}; origins are written as https://host[:port] and wildcard subdomains are not supported.`;
    case "acao-wildcard-with-credentials":
      return `The request is sent with credentials (cookies or HTTP authentication)${ctx.credentialsInferred ? ", as the browser's refusal shows" : ""}, and for such requests the server must name the exact origin ${ctx.origin}; Access-Control-Allow-Origin: * is refused.`;
    case "acac-missing-or-not-true":
      return `The origin is allowed, but the request is sent with credentials${ctx.credentialsInferred ? " (inferred from the browser's refusal)" : ""} and the server did not confirm with exactly "Access-Control-Allow-Credentials: true" (received: ${f.received === null ? "nothing" : `"${value}"`}).`;
    default:
      return "";
  }
}

/** The check that failed on a request sent with `Origin: null` (null-origin.ts), in words. */
function nullOriginProblem(f: Finding, ctx: ExplainContext): string {
  switch (f.id) {
    case "acao-missing":
      return "The final server answered without an Access-Control-Allow-Origin header.";
    case "acao-mismatch":
      return `The final server allows "${f.received ?? ""}", not null, so the browser hid the response from the page at ${ctx.origin}.`;
    case "acao-wildcard-with-credentials":
      return "The final server answered *, which a request with credentials may not use.";
    default:
      return originProblem(f.id, f, { ...ctx, origin: "null" });
  }
}

export function explainFinding(f: Finding, ctx: ExplainContext): string {
  const m = ctx.method;
  if (f.id !== "redirect-origin-null" && failedOnNullOrigin(f)) {
    return `The ${m} request was redirected from one server to another (${ctx.initialUrl} → ${f.url}), and after such a hop the browser hides the page's origin and sends "Origin: null". ${nullOriginProblem(f, ctx)} Avoid the cross-origin redirect or call the final URL directly.`;
  }
  if (f.id.startsWith("preflight-acao-") || f.id.startsWith("preflight-acac-")) {
    const base = f.id.slice("preflight-".length);
    const status = f.status !== undefined && (f.status < 200 || f.status > 299) ? ` The OPTIONS answer had status ${f.status}: the OPTIONS route is probably missing, requires authentication (preflights never carry cookies or Authorization) or crashes.` : "";
    return `Before sending ${m} ${ctx.url}, the browser first asked for permission (a preflight: an OPTIONS request), and the answer had a problem: ${originProblem(base, f, { ...ctx, method: "OPTIONS" })} So the real request was never sent.${status}`;
  }
  if (f.id.startsWith("redirect-acao-") || f.id.startsWith("redirect-acac-")) {
    const base = f.id.slice("redirect-".length);
    return `${originProblem(base, f, ctx)} That response was a redirect (status ${f.status ?? "3xx"}) to ${f.location ?? "another URL"}, and the redirect response itself needs valid CORS headers, so the browser stopped there. Add the CORS headers to the redirect, or let the page call the final URL directly.`;
  }
  switch (f.id) {
    case "acao-missing":
    case "acao-mismatch":
    case "acao-multiple":
    case "acao-invalid":
      return `${originProblem(f.id, f, ctx)}${f.id === "acao-missing" ? statusNote(f.status) : ` The page at ${ctx.origin} made a ${m} request.`}`;
    case "acao-wildcard-with-credentials":
    case "acac-missing-or-not-true":
      return `${originProblem(f.id, f, ctx)} The ${m} request to ${ctx.url} was answered, but the browser will not show a credentialed response to the page without this.`;
    case "redirect-origin-null":
      return `The request was redirected from one server to another (${ctx.initialUrl} → ${f.url}), and after such a hop the browser hides the page's origin and sends "Origin: null". The final server answered with ${ctx.origin}, which no longer matches; avoid the cross-origin redirect or call the final URL directly.`;
    case "redirect-userinfo":
      return `The server redirected the ${m} request for ${ctx.url} to ${f.location ?? "a URL"} that embeds a username and password. Browsers refuse to follow such redirects for cross-origin requests.`;
    case "redirect-disallowed-scheme":
      return `The server redirected the ${m} request for ${ctx.url} to ${f.location ?? "a URL"}, which is not an http(s) address; CORS requests cannot follow it. This is a redirect problem, not a missing header.`;
    case "non-cors-too-many-redirects":
      return `The request for ${ctx.url} was redirected more than 20 times (a redirect loop). This is not a CORS problem.`;
    case "preflight-status-not-ok":
      return `Because ${m} ${ctx.url} needs ${CHECK}, the browser asked first, and the OPTIONS answer had status ${f.status ?? "?"}; only 200-299 is accepted. ${f.status === 401 || f.status === 403 ? "Authentication middleware probably runs before the CORS handler (preflights never carry cookies or Authorization)." : f.status === 404 || f.status === 405 ? "The server probably has no OPTIONS route for this URL." : "The server returned CORS headers but treated OPTIONS as an error."}`;
    case "preflight-redirect":
      return `The server answered ${CHECK} for ${ctx.url} with a redirect${f.location ? ` to ${f.location}` : ""}. Browsers never follow redirects for this check, so the real ${m} request was blocked.`;
    case "acam-unparseable":
      return `Access-Control-Allow-Methods in the answer to ${CHECK} must be a comma-separated list of plain method names, but it contains "${f.detail ?? f.received ?? ""}". Because the list cannot be read, the browser rejected the whole check and never sent ${m} ${ctx.url}.`;
    case "acah-unparseable":
      return `Access-Control-Allow-Headers in the answer to ${CHECK} must be a comma-separated list of header names, but it contains "${f.detail ?? f.received ?? ""}". Because the list cannot be read, the browser rejected the whole check and never sent the request to ${ctx.url}.`;
    case "method-not-allowed":
      return `The request uses ${f.detail ?? m}, and the answer to ${CHECK} did not list it in Access-Control-Allow-Methods${f.variant === "case" ? " with exactly this case (methods are compared character for character)" : f.variant === "wildcard-with-credentials" ? " (a * there does not count for credentialed requests)" : f.variant === "missing-header" ? " (the header is absent)" : ""}. GET, HEAD and POST never need listing; every other method does, spelled exactly as sent.`;
    case "header-not-allowed": {
      const names = (f.missing ?? [f.detail ?? ""]).join(", ");
      const why =
        f.variant === "content-type-value"
          ? " Content-Type is only exempt for form and text/plain values, so a JSON body makes it need permission."
          : f.variant === "value-too-long"
            ? " The header is normally exempt but its value is longer than 128 bytes."
            : f.variant === "total-too-long"
              ? " These headers are normally exempt, but together their values exceed 1024 bytes."
              : f.variant === "unsafe-bytes"
                ? " The header is normally exempt, but its value contains characters (such as a quote) that make it need permission."
                : f.variant === "wildcard-with-credentials"
                  ? " A * there does not count for credentialed requests."
                  : "";
      return `The ${m} request from ${ctx.origin} to ${ctx.url} includes ${names}, which needs the server's explicit permission, and the answer to ${CHECK} did not list ${f.missing && f.missing.length > 1 ? "them" : "it"} in Access-Control-Allow-Headers.${why}`;
    }
    case "invalid-response":
      return `The browser could not even complete ${CHECK} to ${ctx.url}: ${netErrorWords(f.netError ?? "")} (${f.netError ?? "network error"}). This is a connectivity problem, not a header problem, and the real ${m} request was never sent.`;
    case "cors-disabled-scheme":
      return `CORS only works over http and https, but this request targets ${ctx.url}. This usually happens when the page was opened straight from disk (file://); serve it from a local web server instead.`;
    case "disallowed-by-mode":
      return `The code asked the browser to fetch ${ctx.url} in "same-origin" mode, but it belongs to another origin than ${ctx.origin}, so the browser refused before sending anything. The server never saw the request.`;
    case "no-cors-redirect-mode-not-follow":
      return `An opaque (no-cors) request to ${ctx.url} may only follow redirects automatically, but the code set another redirect mode. Nothing was sent.`;
    case "origin-header-not-added":
      return `The request to ${ctx.url} came from code that acts for more than one origin (such as an extension content script), so Firefox could not decide which Origin header to send and blocked it.`;
    case "cors-disabled-by-user":
      return "This Firefox profile has CORS switched off (content.cors.disable in about:config), so every cross-origin request fails. Nothing is wrong with the site.";
    case "lna-permission-denied":
      return `A page on ${ctx.origin} tried to reach a device on the local network or this computer (${ctx.url}), and the browser's local-network permission was not granted. No response header can fix this; the server never received the request.`;
    case "lna-insecure-initiator":
      return `An http:// page on ${ctx.origin} tried to reach a more private address (${ctx.url}). Only HTTPS pages may ask for local-network access, so serve the page over HTTPS.`;
    case "lna-address-space-mismatch":
      return `The code declared the address space of ${ctx.url} as "${f.received ?? "?"}", but it resolved to "${f.detail ?? "?"}". Set targetAddressSpace to match, or omit it.`;
    default:
      if (f.id.startsWith("pna-")) return `An older Chromium blocked the request from ${ctx.origin} to the private-network address ${ctx.url} under the retired Private Network Access rules (${f.id}). Current Chrome uses a user permission instead; the OPTIONS answer needed Access-Control-Allow-Private-Network: true.`;
      return `The ${m} request from ${ctx.origin} to ${ctx.url} failed.`;
  }
}

/** A request cancelled at a redirect it did not follow (redirect-stop.ts). */
export function explainRedirectStop(ctx: ExplainContext, status: number, location: string | null): string {
  const to = location ? ` to ${location}` : "";
  return `The ${ctx.method} request to ${ctx.url} stopped at its ${status} redirect${to}: the browser did not request the target. A fetch with redirect: "manual" ends this way, and the page then gets an opaque-redirect response (type "opaqueredirect", status 0, no headers or body) rather than an error; with redirect: "error" fetch fails instead; a page that cancelled the request at that moment looks the same. This is not a CORS problem.`;
}

/** Network failures that are not CORS. */
export function explainNetwork(id: string, error: string, ctx: ExplainContext): string {
  switch (id) {
    case "non-cors-aborted":
      return `The ${ctx.method} request to ${ctx.url} was cancelled by the page (AbortController, navigation away or a closed tab). This is not a CORS problem.`;
    case "non-cors-tls-error":
      return `The HTTPS connection to ${ctx.url} failed because the certificate or TLS handshake was rejected (${error}). This is not a CORS problem; open the URL once in a tab to see the certificate error.`;
    case "non-cors-blocked-by-client":
      return `Something inside the browser (an ad blocker, another extension or a policy) blocked the request to ${ctx.url} (${error}). The server was never contacted, and this is not a CORS problem.`;
    case "non-cors-mixed-content":
      return `The HTTPS page ${ctx.origin} requested the insecure URL ${ctx.url}, and the browser blocks mixed content before sending it. Serve the API over HTTPS; this is not a CORS problem.`;
    case "non-cors-csp-blocked":
      return `The page's own Content-Security-Policy forbids loading ${ctx.url}, so the browser never sent the request. Fix the page's CSP (connect-src and similar), not the API's CORS headers.`;
    case "non-cors-orb-corb":
      return `The browser's Opaque Response Blocking hid the response from ${ctx.url} because a JSON or HTML response was loaded as an image, script or similar. Use fetch() in cors mode or the right element; this is not a CORS header problem.`;
    case "non-cors-corp-coep":
      return `The response from ${ctx.url} was blocked by Cross-Origin-Resource-Policy or the page's Cross-Origin-Embedder-Policy (${error}). Send Cross-Origin-Resource-Policy: cross-origin, or load it with crossorigin and CORS headers.`;
    case "non-cors-unsafe-port":
      return `The browser refuses to connect to the port of ${ctx.url} (${error}); browsers block ports used by other protocols. Pick another port.`;
    case "non-cors-too-many-redirects":
      return `The request to ${ctx.url} was redirected more than 20 times (a redirect loop, ${error}). This is not a CORS problem.`;
    case "non-cors-service-worker-opaque":
      return `The page's service worker answered this CORS request to ${ctx.url} with an opaque (no-cors) response, which the browser refuses. Fix the service worker, not the server's CORS headers.`;
    case "non-cors-websocket":
      return `The WebSocket connection to ${ctx.url} failed (${error}). WebSockets have no CORS; the server must check the Origin header itself.`;
    case "redirect-disallowed-scheme":
      return `The server redirected the ${ctx.method} request for ${ctx.url} to an address that is not http(s) (${error}). CORS requests cannot follow such redirects; redirect only to http(s) URLs.`;
    default:
      return `The ${ctx.method} request from ${ctx.origin} to ${ctx.url} failed at the network level: ${netErrorWords(error)} (${error}). This is not a CORS problem: make the server reachable, then check CORS again.`;
  }
}
