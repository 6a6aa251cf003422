/**
 * A request that ended at a redirect the browser did not follow. Each browser shows fetch's
 * redirect: "manual" and redirect: "error" alike: Chromium the 3xx, onBeforeRedirect, then
 * net::ERR_ABORTED before the target is requested; Firefox the 3xx, then onCompleted
 * (agreement scenarios redirect-mode-*, 2026-11-26, Chromium 156, firefox-esr). The page
 * got an opaque-redirect response in the first case and a TypeError in the second; nothing in
 * the capture tells them apart, nor from a page that cancelled the request at that moment.
 */
import { REDIRECT_STATUSES } from "./finding";
import { headerValue } from "./headers";
import { LOCATION_RULES } from "./ids";
import type { BrowserKind, Exchange } from "./model";

export interface RedirectStop {
  /** the hop that answered with the 3xx */
  index: number;
  status: number;
  /** where it pointed (never requested) */
  location: string | null;
}

export function redirectStop(ex: Exchange): RedirectStop | null {
  const hops = ex.hops;
  for (let i = hops.length - 1; i >= 0; i--) {
    const hop = hops[i];
    const status = hop?.response?.status;
    if (typeof status === "number" && REDIRECT_STATUSES.has(status)) {
      const location = typeof hop?.redirectUrl === "string" ? hop.redirectUrl : headerValue(hop?.response?.headers, "location");
      return { index: i, status, location };
    }
    // a later hop that was sent or answered: the browser followed the redirect
    if (hop?.response || (Array.isArray(hop?.requestHeaders) && hop.requestHeaders.length > 0)) return null;
  }
  return null;
}

/**
 * Whether the rule `id` still stops a request at a redirect the browser does not follow. The
 * browser stops at a 3xx that passed the CORS check before it looks at the Location, so the
 * Location's own rules (LOCATION_RULES) do not apply, but for Chromium's refusal of a
 * non-http(s) Location, which its network stack makes in every mode (net::ERR_UNSAFE_REDIRECT;
 * agreement scenarios redirect-mode-manual-userinfo and redirect-mode-manual-data-url).
 */
export function stopsUnfollowedRedirect(id: string, browser: BrowserKind): boolean {
  return !LOCATION_RULES.has(id) || (browser === "chromium" && id === "redirect-disallowed-scheme");
}
