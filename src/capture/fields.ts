/**
 * What the assembler reads off one event (its response, its initiator) and off an exchange (its
 * traffic class), and which URLs webRequest never reports. Pure.
 */
import type { Exchange, HttpResponse, TrafficClass } from "../cors/model";
import type { CaptureEvent } from "./events";
import { isHttpUrl, originOf } from "./headers";

function statusTextOf(statusLine: string | undefined): string {
  if (!statusLine) return "";
  const m = /^\S+\s+\d{3}\s?(.*)$/.exec(statusLine);
  return m ? (m[1] ?? "") : "";
}

export function numericId(requestId: string): number {
  const n = Number(requestId);
  return Number.isFinite(n) ? n : Number.MAX_SAFE_INTEGER;
}

function responseOf(e: CaptureEvent): HttpResponse | undefined {
  // Status 0 is no HTTP answer: Firefox fires onResponseStarted with statusCode 0 (and an
  // empty statusLine) for a redirect target it then refuses to load.
  if (typeof e.statusCode !== "number" || e.statusCode === 0) return undefined;
  const r: HttpResponse = {
    status: e.statusCode,
    statusText: statusTextOf(e.statusLine),
    headers: e.responseHeaders ?? [],
    time: e.timeStamp,
  };
  if (e.fromCache !== undefined) r.fromCache = e.fromCache;
  if (e.ip !== undefined) r.ip = e.ip;
  return r;
}

/** Fills a response from a later event without losing what an earlier one had. */
export function mergeResponse(existing: HttpResponse | undefined, e: CaptureEvent): HttpResponse | undefined {
  const fresh = responseOf(e);
  if (!fresh) return existing;
  if (!existing) return fresh;
  if (existing.headers.length === 0 && fresh.headers.length > 0) existing.headers = fresh.headers;
  if (!existing.statusText && fresh.statusText) existing.statusText = fresh.statusText;
  if (fresh.fromCache !== undefined) existing.fromCache = fresh.fromCache;
  if (fresh.ip !== undefined) existing.ip = fresh.ip;
  existing.time = Math.min(existing.time, fresh.time);
  return existing;
}

export function initiatorOf(e: CaptureEvent): string | null {
  if (typeof e.initiator === "string") return e.initiator;
  // Firefox: the origin of the resource that triggered the request.
  if (e.originUrl) return originOf(e.originUrl) ?? (e.originUrl.startsWith("moz-extension:") ? originOf(e.originUrl) : "null");
  return null;
}

/** Schemes the `<all_urls>` pattern of webRequest matches: events for other URLs never come. */
const OBSERVED_SCHEMES = new Set(["http:", "https:", "ws:", "wss:", "ftp:", "file:", "data:", "urn:"]);

export function unobservableScheme(url: string): boolean {
  const m = /^([a-z][a-z0-9+.-]*:)/i.exec(url.trim());
  return m !== null && !OBSERVED_SCHEMES.has((m[1] as string).toLowerCase());
}

export function classify(ex: Exchange): TrafficClass {
  if (!isHttpUrl(ex.url)) return "non-http";
  const init = ex.initiator;
  if (init && (init.startsWith("chrome-extension://") || init.startsWith("moz-extension://"))) return "extension";
  if (ex.type === "main_frame" || ex.type === "sub_frame") return "navigation";
  if (init !== null && init !== "null" && ex.hops.every((h) => originOf(h.url) === init)) return "same-origin";
  return "cross-origin";
}
