/**
 * Small header helpers for the capture layer. Values are kept exactly as received (several
 * lines stay several entries).
 */
import { schemeOf, originOf as serializedOrigin } from "../cors/origin";

/** the engine's lookup (lower-case names, several lines joined with ", ", malformed lines skipped) */
export { headerValue } from "../cors/headers";

/** `Access-Control-Request-Headers` as a sorted list of lower-case names. */
export function parseNameList(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s.length > 0)
    .sort();
}

/** Schemes whose URLs the capture gives an origin (the engine's originOf gives one to more:
 * blob:, ftp:). */
const ORIGIN_SCHEMES = new Set(["http", "https", "ws", "wss", "chrome-extension", "moz-extension"]);

/** Origin of a URL, or null when it has none (data:, about:, unparsable). */
export function originOf(url: string | null | undefined): string | null {
  if (!url || !ORIGIN_SCHEMES.has(schemeOf(url))) return null;
  const origin = serializedOrigin(url);
  return origin === "null" ? null : origin;
}

export function isHttpUrl(url: string): boolean {
  return url.startsWith("http://") || url.startsWith("https://");
}
