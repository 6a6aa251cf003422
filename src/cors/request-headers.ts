/**
 * Request headers (cors-failures.md 1.3, 1.4): which names a script may set, which values are
 * CORS-safelisted, which headers the browser adds by itself, and the CORS-unsafe names that
 * make a preflight necessary (and fill Access-Control-Request-Headers).
 */
import { mimeEssence } from "./mime";
import type { BrowserKind, Header } from "./model";

const MAX_VALUE_BYTES = 128;
const MAX_TOTAL_BYTES = 1024;

/** UTF-8 byte length (header values may arrive as decoded UTF-8 text). */
export function byteLength(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** CORS-unsafe request-header byte: < 0x20 except TAB, `"():<>?@[\]{}` and DEL. */
const UNSAFE_BYTE = new Uint8Array(128);
for (let c = 0; c < 0x20; c++) if (c !== 0x09) UNSAFE_BYTE[c] = 1;
for (const ch of '"():<>?@[\\]{}') UNSAFE_BYTE[ch.charCodeAt(0)] = 1;
UNSAFE_BYTE[0x7f] = 1;

export function firstUnsafeByte(value: string): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 128 && UNSAFE_BYTE[c] === 1) return i;
  }
  return -1;
}

const LANGUAGE_BYTE = /^[0-9A-Za-z *,\-.;=]*$/;
const SAFE_CONTENT_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"]);
const RANGE = /^bytes=(\d+)-(\d*)$/;
const DIGITS = /^\d+$/;
const DECIMAL = /^\d+(?:\.\d+)?$/;
const ECT_VALUES = new Set(["slow-2g", "2g", "3g", "4g"]);

/** Why a script-set header is not safelisted (drives header-not-allowed variants). */
export type UnsafeReason = "name" | "value-too-long" | "unsafe-bytes" | "content-type-value" | "value" | "total-too-long";

function validRange(value: string): boolean {
  const m = RANGE.exec(value);
  if (!m) return false;
  if (m[2] === "") return true;
  // Numbers beyond 2^53 compare imprecisely, but such ranges are absurd anyway.
  return Number(m[1]) <= Number(m[2]);
}

/** The spec's value rule for a safelisted name; null when the name is not on the spec list. */
function specValueRule(lower: string, value: string): UnsafeReason | null | "ok" {
  switch (lower) {
    case "accept":
      return firstUnsafeByte(value) >= 0 ? "unsafe-bytes" : "ok";
    case "accept-language":
    case "content-language":
      return LANGUAGE_BYTE.test(value) ? "ok" : "unsafe-bytes";
    case "content-type": {
      if (firstUnsafeByte(value) >= 0) return "unsafe-bytes";
      const essence = mimeEssence(value);
      return essence !== null && SAFE_CONTENT_TYPES.has(essence) ? "ok" : "content-type-value";
    }
    case "range":
      return validRange(value) ? "ok" : "value";
    default:
      return null;
  }
}

/** Chromium's extra safelisted names [cr] (Firefox and the spec preflight them). */
export const CHROMIUM_ONLY_SAFELISTED = ["dpr", "device-memory", "downlink", "width", "viewport-width", "rtt", "ect", "save-data", "intervention"];

/** A name on Chromium's extra safelist (case-insensitive); its value rule is not checked here. */
export function isChromiumOnlySafelisted(name: string): boolean {
  return CHROMIUM_ONLY_SAFELISTED.includes(name.toLowerCase());
}

function chromiumValueRule(lower: string, value: string): UnsafeReason | null | "ok" {
  switch (lower) {
    case "intervention":
      return "ok";
    case "dpr":
    case "device-memory":
    case "downlink":
      return DECIMAL.test(value) ? "ok" : "value";
    case "width":
    case "viewport-width":
    case "rtt":
      return DIGITS.test(value) ? "ok" : "value";
    case "ect":
      return ECT_VALUES.has(value) ? "ok" : "value";
    case "save-data":
      return value.toLowerCase() === "on" ? "ok" : "value";
    default:
      return null;
  }
}

/** Is this one header CORS-safelisted on its own (ignoring the 1024-byte total)? */
export function safelistVerdict(name: string, value: string, browser: BrowserKind): "ok" | UnsafeReason {
  const lower = name.toLowerCase();
  let rule = specValueRule(lower, value);
  if (rule === null && browser === "chromium") rule = chromiumValueRule(lower, value);
  if (rule === null) return "name";
  if (byteLength(value) > MAX_VALUE_BYTES) return "value-too-long";
  return rule;
}

/** Forbidden request-header names (1.4): a script cannot set them. */
const FORBIDDEN = new Set([
  "accept-charset",
  "accept-encoding",
  "access-control-request-headers",
  "access-control-request-method",
  "connection",
  "content-length",
  "cookie",
  "cookie2",
  "date",
  "dnt",
  "expect",
  "host",
  "keep-alive",
  "origin",
  "referer",
  "set-cookie",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "via",
]);
const METHOD_OVERRIDE = new Set(["x-http-method", "x-http-method-override", "x-method-override"]);
const FORBIDDEN_METHOD_ITEM = /(?:^|,)\s*(?:connect|trace|track)\s*(?:,|$)/i;

export function isForbiddenRequestHeader(name: string, value = ""): boolean {
  const lower = name.toLowerCase();
  if (FORBIDDEN.has(lower) || lower.startsWith("proxy-") || lower.startsWith("sec-")) return true;
  return METHOD_OVERRIDE.has(lower) && FORBIDDEN_METHOD_ITEM.test(value);
}

/**
 * Names Chromium or Firefox put on requests by themselves (besides the forbidden ones): a
 * header with one of these names in the as-sent list is not evidence that the script set it.
 * Conditional and no-cache headers come from the HTTP cache / DevTools "Disable cache", which
 * act after the CORS decision. Client hints are Chromium-safelisted anyway.
 */
const BROWSER_ADDED = new Set([
  "user-agent",
  "priority",
  "alt-used",
  "upgrade-insecure-requests",
  "purpose",
  "x-client-data",
  "if-none-match",
  "if-modified-since",
  "if-match",
  "if-unmodified-since",
  "if-range",
  "access-control-request-private-network",
]);
const NO_CACHE = new Set(["no-cache", "max-age=0"]);

/**
 * True when the as-sent header was (most likely) added by the browser, not by script.
 * `Accept` and `Accept-Language` are browser defaults when their value is safelisted; a value
 * that is not safelisted can only come from script (browser defaults always are).
 */
export function isBrowserAdded(name: string, value: string): boolean {
  const lower = name.toLowerCase();
  if (isForbiddenRequestHeader(lower, value) || BROWSER_ADDED.has(lower)) return true;
  if (lower === "cache-control" || lower === "pragma") return NO_CACHE.has(value.trim().toLowerCase());
  if (lower === "accept" || lower === "accept-language") return safelistVerdict(lower, value, "firefox") === "ok";
  return false;
}

export interface UnsafeHeader {
  /** lower-case */
  name: string;
  reason: UnsafeReason;
}

/**
 * The CORS-unsafe request-header names of a script-set header list (spec algorithm): every
 * non-safelisted header, and, when the safelisted values together exceed 1024 bytes, all of
 * them. Names lower-case, de-duplicated, sorted (as in Access-Control-Request-Headers).
 */
export function unsafeRequestHeaders(scriptHeaders: readonly Header[], browser: BrowserKind): UnsafeHeader[] {
  const unsafe = new Map<string, UnsafeReason>();
  const safe: string[] = [];
  let total = 0;
  for (const h of scriptHeaders) {
    const lower = h.name.toLowerCase();
    const verdict = safelistVerdict(lower, h.value, browser);
    if (verdict === "ok") {
      safe.push(lower);
      total += byteLength(h.value);
    } else if (!unsafe.has(lower)) unsafe.set(lower, verdict);
  }
  if (total > MAX_TOTAL_BYTES) for (const name of safe) if (!unsafe.has(name)) unsafe.set(name, "total-too-long");
  return [...unsafe.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([name, reason]) => ({ name, reason }));
}

/** The headers of an as-sent list that script (probably) set. */
export function scriptSetHeaders(sent: readonly Header[]): Header[] {
  const out: Header[] = [];
  for (const h of sent) if (!isBrowserAdded(h.name, h.value)) out.push(h);
  return out;
}
