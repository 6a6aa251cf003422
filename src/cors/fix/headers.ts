/**
 * Small header helpers local to the fix builder (the engine's own parsers live elsewhere and
 * are written in parallel; these follow cors-failures.md 1.3, 1.6 and 1.11 directly).
 */
import type { Header } from "../model";
import { isChromiumOnlySafelisted, isForbiddenRequestHeader } from "../request-headers";

/** Items of a `#rule` list header: split on commas, trimmed, empties dropped. */
export function listItems(value: string | null): string[] {
  if (value === null) return [];
  return value
    .split(",")
    .map((item) => item.replace(/^[ \t]+|[ \t]+$/g, ""))
    .filter((item) => item.length > 0);
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** RFC 9110 token: what a method or a header name must be. */
export function isToken(value: string): boolean {
  return TOKEN.test(value);
}

/**
 * A serialized tuple origin as browsers send it: scheme://host[:port], lower-case host,
 * no path, no trailing slash, no default port. `null` (opaque) is deliberately not accepted.
 */
export function isSerializedOrigin(value: string): boolean {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/.test(value)) return false;
  try {
    const url = new URL(value);
    return url.origin === value;
  } catch {
    return false;
  }
}

/** Origin of a URL, or null when it has none (opaque or unparseable). */
export function originOf(url: string): string | null {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? null : origin;
  } catch {
    return null;
  }
}

export const SAFELISTED_METHODS: readonly string[] = ["GET", "HEAD", "POST"];

/** Response headers scripts can always read (1.11). */
const SAFELISTED_RESPONSE = new Set([
  "cache-control",
  "content-language",
  "content-length",
  "content-type",
  "expires",
  "last-modified",
  "pragma",
]);

export function isSafelistedResponseHeader(name: string): boolean {
  return SAFELISTED_RESPONSE.has(name.toLowerCase());
}

/** Headers the browser or its HTTP cache adds by itself, beyond the forbidden names
 * (request-headers.ts): never in Access-Control-Request-Headers. */
const BROWSER_OWNED_EXTRA = new Set([
  "user-agent",
  "cache-control",
  "pragma",
  "if-none-match",
  "if-modified-since",
  "upgrade-insecure-requests",
  "priority",
]);

export function isBrowserOwnedHeader(name: string): boolean {
  return isForbiddenRequestHeader(name) || BROWSER_OWNED_EXTRA.has(name.toLowerCase());
}

/** C0 controls and DEL; written as code because biome rejects control characters in regexes. */
export function isControlCode(code: number): boolean {
  return code < 0x20 || code === 0x7f;
}

export function hasControlChar(value: string): boolean {
  for (let i = 0; i < value.length; i++) if (isControlCode(value.charCodeAt(i))) return true;
  return false;
}

/** Contains a CORS-unsafe request-header byte (1.3): controls except TAB, and the listed punctuation. */
function hasUnsafeByte(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code !== 0x09 && isControlCode(code)) return true;
    if ('"():<>?@[\\]{}'.includes(value.charAt(i))) return true;
  }
  return false;
}

function safelistedContentType(value: string): boolean {
  // strict enough for a fix: type/subtype tokens, then `;name=value` parameters
  const match = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)\/([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*(;.*)?$/.exec(value.trim());
  if (!match) return false;
  const essence = `${match[1]}/${match[2]}`.toLowerCase();
  return ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"].includes(essence);
}

/** One header taken alone against 1.3 (value rules, 128-byte cap). */
function safelistedAlone(name: string, value: string): boolean {
  if (new TextEncoder().encode(value).length > 128) return false;
  switch (name.toLowerCase()) {
    case "accept":
      return !hasUnsafeByte(value);
    case "accept-language":
    case "content-language":
      return /^[0-9A-Za-z *,\-.;=]*$/.test(value);
    case "content-type":
      return !hasUnsafeByte(value) && safelistedContentType(value);
    case "range":
      return /^bytes=(\d+)-(\d+)?$/.test(value) && rangeOrdered(value);
    default:
      return false;
  }
}

function rangeOrdered(value: string): boolean {
  const [start, end] = value.slice("bytes=".length).split("-");
  return end === undefined || end === "" || Number(start) <= Number(end);
}

/**
 * Names of the CORS-unsafe request headers among `headers` (lower-case, sorted, unique): what
 * a preflight would list in Access-Control-Request-Headers. Browser-owned headers are skipped,
 * so this is an inference when the preflight itself was not observed.
 */
export function unsafeRequestHeaderNames(headers: Header[]): string[] {
  const scriptSet = headers.filter((h) => !isBrowserOwnedHeader(h.name) && !isChromiumOnlySafelisted(h.name));
  const unsafe = new Set<string>();
  let safelistedBytes = 0;
  const safelisted: string[] = [];
  for (const h of scriptSet) {
    if (safelistedAlone(h.name, h.value)) {
      safelisted.push(h.name.toLowerCase());
      safelistedBytes += new TextEncoder().encode(h.value).length;
    } else {
      unsafe.add(h.name.toLowerCase());
    }
  }
  if (safelistedBytes > 1024) for (const name of safelisted) unsafe.add(name);
  return [...unsafe].sort();
}

/** Access-Control-Max-Age as a browser reads it: digits only, else null. */
export function parseMaxAge(value: string | null): number | null {
  if (value === null || !/^\d+$/.test(value.trim())) return null;
  return Number(value.trim());
}
