/**
 * A CORS check that failed on a request whose origin a redirect to another server made `null`
 * (the Fetch Standard's tainted origin, 4.4 step 7): `redirect-origin-null` when the server
 * answered the page's own origin, otherwise the check's plain id (acao-*, acac-*), which the
 * rule walk (evaluate.ts) reports in the redirect phase on the hop that failed. Such a request
 * no longer carries the page's origin, so naming that origin fixes nothing: the explanation
 * and the fix say so instead (agreement scenario seed 28 #32, Firefox: a 303 to a third origin
 * answered `Access-Control-Allow-Origin: https://example.com`, for which the fix named the page
 * origin on the server of the 3xx).
 */
import type { Failure } from "./model";

export function failedOnNullOrigin(f: Pick<Failure, "id" | "phase">): boolean {
  return f.id === "redirect-origin-null" || (f.phase === "redirect" && /^(acao|acac)-/.test(f.id));
}

/** The id whose advice a fix gives for `f`: redirect-origin-null's for every such failure. */
export function adviceIdOf(f: Pick<Failure, "id" | "phase">): string {
  return failedOnNullOrigin(f) ? "redirect-origin-null" : f.id;
}
