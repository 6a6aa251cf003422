/**
 * One HAR entry, normalised (har-normalize.ts), as the reader's other parts need it: is it a
 * preflight, where does it redirect, what response and preflight does it stand for. And the
 * group of entries that becomes one exchange.
 */
import { headerValue } from "../cors/headers";
import type { HttpResponse, Preflight } from "../cors/model";
import type { NormEntry } from "./har-normalize";

/** URLs compared as the browser would after parsing (relative Location, default ports…). */
export function urlKey(url: string, base?: string): string {
  try {
    const u = new URL(url, base);
    u.hash = "";
    return u.href;
  } catch {
    return url;
  }
}

export function isPreflightEntry(e: NormEntry): boolean {
  if (e.corsLens) return e.corsLens.role === "preflight";
  if (e.method.toUpperCase() !== "OPTIONS") return false;
  return e.resourceType === "preflight" || headerValue(e.requestHeaders, "access-control-request-method") !== null;
}

export function redirectTarget(e: NormEntry): string | null {
  if (e.status < 300 || e.status > 399) return null;
  const target = e.redirectURL || headerValue(e.responseHeaders, "location") || "";
  return target === "" ? null : urlKey(target, e.url);
}

export function responseOf(e: NormEntry): HttpResponse | undefined {
  if (e.status <= 0) return undefined;
  const r: HttpResponse = {
    status: e.status,
    statusText: e.statusText,
    headers: e.responseHeaders,
    time: e.start + Math.round(e.ttfb ?? e.time),
  };
  if (e.ip !== undefined) r.ip = e.ip;
  if (e.fromCache) r.fromCache = true;
  return r;
}

export function preflightOf(p: NormEntry): Preflight {
  const pre: Preflight = {
    requestId: `har-${p.index}`,
    url: p.url,
    requestHeaders: p.requestHeaders.length > 0 ? p.requestHeaders : null,
    startTime: p.start,
  };
  const response = responseOf(p);
  if (response) pre.response = response;
  if (p.error !== undefined) pre.error = p.error;
  // neither answered nor failed: still in flight when the file was written (its HAR time is 0)
  if (response || p.error !== undefined) pre.endTime = p.start + Math.round(p.time);
  return pre;
}

/** One exchange before it is built: its hops in order, the preflight of each hop. */
export interface Group {
  id: string;
  hops: NormEntry[];
  preflights: Map<number, NormEntry>;
  cachedPreflight?: boolean;
  pending?: boolean;
  /** pending because the capture was interrupted (CORS Lens files) */
  interrupted?: boolean;
  /** made for a preflight whose request is not in the file */
  orphan?: boolean;
}

export const byStart = (a: NormEntry, b: NormEntry) => a.start - b.start || a.index - b.index;
