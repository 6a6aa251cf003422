/** Methods (cors-failures.md 1.2). */

/** Byte-exact: `get` is not safelisted (but fetch() normalizes it to GET). */
const SAFELISTED = new Set(["GET", "HEAD", "POST"]);
const NORMALIZED = new Set(["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"]);
const FORBIDDEN = new Set(["CONNECT", "TRACE", "TRACK"]);

export function isSafelistedMethod(method: string): boolean {
  return SAFELISTED.has(method);
}

/** Script gets a TypeError for these, in any case. */
export function isForbiddenMethod(method: string): boolean {
  return FORBIDDEN.has(method.toUpperCase());
}

/** What fetch()/XHR send for a method the script typed: only the six are uppercased. */
export function normalizeMethod(method: string): string {
  const upper = method.toUpperCase();
  return NORMALIZED.has(upper) ? upper : method;
}

/** True when the method would have been uppercased by fetch()/XHR. */
export function isNormalizedMethod(method: string): boolean {
  return NORMALIZED.has(method.toUpperCase());
}

/** The method of the request that follows a redirect (Fetch, HTTP-redirect fetch): a 303 turns
 * anything but HEAD into GET, a 301 or 302 turns POST into GET; otherwise it is kept. */
export function redirectedMethod(method: string, status: number): string {
  const upper = method.toUpperCase();
  if (status === 303 && upper !== "HEAD") return "GET";
  if ((status === 301 || status === 302) && upper === "POST") return "GET";
  return method;
}
