/**
 * Origins (cors-failures.md 1.1): `scheme://host[:port]`, lower-case host, default port
 * omitted, no trailing slash; opaque origins serialize as `null`.
 */

interface Parsed {
  origin: string;
  hostname: string;
}

/** Results of URL parsing by the part of the URL that decides them (urlKey): every request of
 * a page has its own URL (a query, an id), but they go to a few hosts, so a cache keyed by the
 * whole URL missed nearly always and `new URL` was a tenth of the worker's time in a burst. */
const cache = new Map<string, Parsed>();
const CACHE_LIMIT = 2000;
const UNPARSABLE: Parsed = { origin: "null", hostname: "" };

/**
 * For an http(s) URL, its scheme and authority: what decides its origin and host. The URL
 * parser ends the authority at the first `/`, `?` or `#` (or earlier, at a `\`), so the text
 * before the first of those parses to the same origin and host as the whole URL. Other URLs
 * (and upper-case schemes, which the parser would lower) are their own key.
 */
function urlKey(url: string): string {
  if (!url.startsWith("http://") && !url.startsWith("https://")) return url;
  for (let i = url.indexOf("//") + 2; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) return url.slice(0, i);
  }
  return url;
}

function parse(url: string): Parsed {
  const key = urlKey(url);
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  let parsed = UNPARSABLE;
  try {
    const u = new URL(key);
    // URL.origin is "null" for schemes without a tuple origin; extension schemes are
    // given their host origin here because browsers treat them as such.
    const origin = u.origin !== "null" ? u.origin : u.protocol === "chrome-extension:" || u.protocol === "moz-extension:" ? `${u.protocol}//${u.host}` : "null";
    parsed = { origin, hostname: u.hostname };
  } catch {
    // unparsable: no origin, no host
  }
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, parsed);
  return parsed;
}

/** The serialized origin of a URL: `null` for opaque origins (data:, file:, about:) and unparsable text. */
export function originOf(url: string): string {
  return parse(url).origin;
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
  return parse(url).hostname;
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
