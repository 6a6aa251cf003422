/**
 * A request that ended at a redirect the browser did not follow. Chromium shows fetch's
 * redirect: "manual" and redirect: "error" alike: the 3xx, onBeforeRedirect, then
 * net::ERR_ABORTED before the target is requested (recorded 2026-11-26, Chromium 156). The page
 * got an opaque-redirect response in the first case and a TypeError in the second; nothing in
 * the capture tells them apart, nor from a page that cancelled the request at that moment.
 */
import { REDIRECT_STATUSES } from "./finding";
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
      return { index: i, status, location: typeof hop?.redirectUrl === "string" ? hop.redirectUrl : null };
    }
    // a later hop that was sent or answered: the browser followed the redirect
    if (hop?.response || (Array.isArray(hop?.requestHeaders) && hop.requestHeaders.length > 0)) return null;
  }
  return null;
}
