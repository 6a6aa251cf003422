/**
 * webRequest details → CaptureEvent. Copies only the fields the capture layer uses, checks
 * every type (details come from the browser, header values from hostile servers), and never
 * throws: a detail that cannot be understood gives null.
 */

import type { CaptureEvent, CaptureEventKind } from "../capture/events";
import type { BrowserKind, Header } from "../cors/model";

/** A single header value longer than this is cut (a server could send megabytes). */
export const MAX_HEADER_VALUE = 16 * 1024;
/** More header lines than this are dropped (same reason). */
export const MAX_HEADERS = 256;

function str(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) ? value : undefined;
}

function clip(value: string): string {
  return value.length > MAX_HEADER_VALUE
    ? `${value.slice(0, MAX_HEADER_VALUE)}…[${value.length - MAX_HEADER_VALUE} more characters]`
    : value;
}

/** Header lines that decide or explain a CORS verdict: kept even beyond MAX_HEADERS. */
function corsRelevant(name: string): boolean {
  const n = name.toLowerCase();
  return (
    n.startsWith("access-control-") ||
    n.startsWith("sec-fetch-") ||
    n === "origin" ||
    n === "vary" ||
    n === "location" ||
    n === "content-type" ||
    n === "cookie" ||
    n === "authorization" ||
    n === "set-cookie"
  );
}

/** Name of the line that says how many header lines were not kept. Not a token, so it cannot
 * be a header a server sent. */
export const DROPPED_HEADERS_NAME = "(cors-lens)";

function headerOf(item: unknown): Header | null {
  if (typeof item !== "object" || item === null) return null;
  const name = str((item as { name?: unknown }).name);
  if (name === undefined || name.length === 0) return null;
  let v = str((item as { value?: unknown }).value);
  if (v === undefined) {
    const binary = (item as { binaryValue?: unknown }).binaryValue;
    if (Array.isArray(binary)) {
      // Bytes as Latin-1 characters: lossless and never throws.
      v = binary
        .slice(0, MAX_HEADER_VALUE)
        .map((b) => String.fromCharCode(typeof b === "number" ? b & 0xff : 0x3f))
        .join("");
    } else {
      v = "";
    }
  }
  return { name: clip(name), value: clip(v) };
}

/**
 * webRequest HttpHeaders: `{ name, value? , binaryValue? }[]`. At most MAX_HEADERS lines come
 * out. When a server sends more, the lines that bear on CORS are kept wherever they are (one
 * after 3,000 others still decides the verdict), other lines fill the rest in order, and a last
 * line named DROPPED_HEADERS_NAME says how many were not kept.
 */
export function normalizeHeaders(value: unknown): Header[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const all: Header[] = [];
  for (const item of value) {
    const h = headerOf(item);
    if (h) all.push(h);
  }
  if (all.length <= MAX_HEADERS) return all;
  const room = MAX_HEADERS - 1;
  const relevant = all.filter((h) => corsRelevant(h.name)).length;
  let others = Math.max(0, room - relevant);
  let kept = 0;
  const out: Header[] = [];
  for (const h of all) {
    if (kept >= room) break;
    if (corsRelevant(h.name) || others-- > 0) {
      out.push(h);
      kept++;
    }
  }
  out.push({ name: DROPPED_HEADERS_NAME, value: `${all.length - kept} more header lines not kept` });
  return out;
}

/** Turns one listener's details into a CaptureEvent, or null when essential fields are missing. */
export function normalizeDetails(kind: CaptureEventKind, details: unknown, browser: BrowserKind): CaptureEvent | null {
  if (typeof details !== "object" || details === null) return null;
  const d = details as Record<string, unknown>;
  const rawId = d.requestId;
  const requestId = typeof rawId === "string" ? rawId : typeof rawId === "number" ? String(rawId) : undefined;
  const url = str(d.url);
  if (requestId === undefined || url === undefined) return null;
  const event: CaptureEvent = {
    kind,
    browser,
    requestId,
    tabId: num(d.tabId) ?? -1,
    frameId: num(d.frameId) ?? 0,
    url,
    method: (str(d.method) ?? "GET").slice(0, 64),
    type: (str(d.type) ?? "other").slice(0, 64),
    timeStamp: num(d.timeStamp) ?? Date.now(),
  };
  const initiator = str(d.initiator);
  if (initiator !== undefined) event.initiator = initiator;
  const originUrl = str(d.originUrl);
  if (originUrl !== undefined) event.originUrl = originUrl;
  const documentUrl = str(d.documentUrl);
  if (documentUrl !== undefined) event.documentUrl = documentUrl;
  const requestHeaders = normalizeHeaders(d.requestHeaders);
  if (requestHeaders !== undefined) event.requestHeaders = requestHeaders;
  const responseHeaders = normalizeHeaders(d.responseHeaders);
  if (responseHeaders !== undefined) event.responseHeaders = responseHeaders;
  const statusCode = num(d.statusCode);
  if (statusCode !== undefined) event.statusCode = statusCode;
  const statusLine = str(d.statusLine);
  if (statusLine !== undefined) event.statusLine = clip(statusLine);
  const redirectUrl = str(d.redirectUrl);
  if (redirectUrl !== undefined) event.redirectUrl = redirectUrl;
  const error = str(d.error);
  if (error !== undefined) event.error = clip(error);
  if (typeof d.fromCache === "boolean") event.fromCache = d.fromCache;
  const ip = str(d.ip);
  if (ip !== undefined) event.ip = ip;
  return event;
}
