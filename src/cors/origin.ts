/**
 * Origins (cors-failures.md 1.1): `scheme://host[:port]`, lower-case host, default port
 * omitted, no trailing slash; opaque origins serialize as `null`.
 */

/** Results of URL parsing, kept because the same few URLs come back for every exchange. */
const cache = new Map<string, string>();
const CACHE_LIMIT = 2000;

/** The serialized origin of a URL: `null` for opaque origins (data:, file:, about:) and unparsable text. */
export function originOf(url: string): string {
  const hit = cache.get(url);
  if (hit !== undefined) return hit;
  let origin = "null";
  try {
    const u = new URL(url);
    // URL.origin is "null" for schemes without a tuple origin; extension schemes are
    // given their host origin here because browsers treat them as such.
    if (u.origin !== "null") origin = u.origin;
    else if (u.protocol === "chrome-extension:" || u.protocol === "moz-extension:") origin = `${u.protocol}//${u.host}`;
  } catch {
    origin = "null";
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(url, origin);
  return origin;
}

/** The scheme of a URL without the colon, lower-case; "" when there is none. */
export function schemeOf(url: string): string {
  const colon = url.indexOf(":");
  if (colon <= 0) return "";
  return url.slice(0, colon).toLowerCase();
}

export function isHttpScheme(url: string): boolean {
  const s = schemeOf(url);
  return s === "http" || s === "https";
}

/** True when the URL embeds `user[:pass]@` (a redirect there is refused for CORS requests). */
export function hasUserinfo(url: string): boolean {
  try {
    const u = new URL(url);
    return u.username !== "" || u.password !== "";
  } catch {
    return false;
  }
}

/** The host of a URL (brackets kept for IPv6), "" when unparsable. */
export function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "";
  }
}

/** Chromium's "does the ACAO value parse as a URL" test (GURL::is_valid), approximated with WHATWG URL. */
export function parsesAsUrl(value: string): boolean {
  if (value === "") return false;
  try {
    new URL(value);
    return true;
  } catch {
    return false;
  }
}
