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
import type { Exchange } from "./model";

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
