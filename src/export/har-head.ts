/**
 * What a HAR says about itself (everything but its entries): which tool wrote it and which
 * browser's rules apply, its pages, CORS Lens's own metadata. And the reader's public types,
 * its error, and an entry prepared as the writer's quirks require.
 */
import type { BrowserKind, Exchange, Header } from "../cors/model";
import { type NormEntry, normalizeEntry } from "./har-normalize";

export class HarReadError extends Error {
  override name = "HarReadError";
}

export interface HarReadOptions {
  /** rules to model; default: the file's own (`_corsLens.browser`, log.browser/creator), else chromium */
  browser?: BrowserKind;
  /** entries read at most (default 200000); the rest is ignored with a warning */
  maxEntries?: number;
  /** page origin to assume when the file does not say which origin made a request */
  defaultOrigin?: string;
}

export type HarSource = "cors-lens" | "chrome-devtools" | "firefox" | "chrome-har" | "other";

export interface HarReadResult {
  exchanges: Exchange[];
  warnings: string[];
  browser: BrowserKind;
  source: HarSource;
  /** page URL when the file names one (CORS Lens pageUrl, first page's title) */
  pageUrl: string | null;
  /** CORS Lens files: log._corsLens as written (redacted, dropped, tabId) */
  corsLens?: { tabId: number; redacted: boolean; dropped: number };
}

export const DEFAULT_MAX_ENTRIES = 200_000;

export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function detectSource(log: Obj): HarSource {
  const creator = isObj(log.creator) && typeof log.creator.name === "string" ? log.creator.name : "";
  if (isObj(log._corsLens) || creator === "CORS Lens") return "cors-lens";
  if (/chrome-har/i.test(creator)) return "chrome-har";
  if (/firefox/i.test(creator)) return "firefox";
  if (/webinspector|chrome|chromium|edge/i.test(creator)) return "chrome-devtools";
  return "other";
}

function detectBrowser(log: Obj, source: HarSource): BrowserKind | null {
  if (isObj(log._corsLens) && (log._corsLens.browser === "chromium" || log._corsLens.browser === "firefox")) return log._corsLens.browser;
  const names = [isObj(log.browser) ? log.browser.name : undefined, isObj(log.creator) ? log.creator.name : undefined];
  for (const name of names) {
    if (typeof name !== "string") continue;
    if (/firefox|gecko/i.test(name)) return "firefox";
    if (/chrom|webinspector|edge|opera|brave/i.test(name)) return "chromium";
  }
  if (source === "chrome-har") return "chromium";
  return null;
}

function pagesOf(log: Obj): Map<string, string> {
  const pages = new Map<string, string>();
  if (!Array.isArray(log.pages)) return pages;
  for (const page of log.pages) {
    if (isObj(page) && typeof page.id === "string" && typeof page.title === "string") pages.set(page.id, page.title);
  }
  return pages;
}

/**
 * chrome-har merges the headers of Network.requestWillBeSent with those of its ExtraInfo
 * event, so most request headers appear twice, identical. A browser never sends the same
 * request header line twice, so the repeats are dropped (and `Access-Control-Request-Method:
 * PUT` stays `PUT`, not `PUT, PUT`). Response headers are left alone: two identical
 * `Access-Control-Allow-Origin` lines are real evidence there.
 */
function withoutRepeatedLines(headers: Header[]): Header[] {
  const seen = new Set<string>();
  return headers.filter((h) => {
    const key = `${h.name.toLowerCase()}\n${h.value}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export interface Head {
  source: HarSource;
  detected: BrowserKind | null;
  browser: BrowserKind;
  /** warnings about the file as a whole, first in the list */
  warnings: string[];
  meta: Obj | null;
  pages: Map<string, string>;
  pageUrl: string | null;
  tabId: number;
}

/** What the log says about itself (everything but its entries). */
export function headOf(log: Obj, options: HarReadOptions): Head {
  const warnings: string[] = [];
  const source = detectSource(log);
  const detected = detectBrowser(log, source);
  const browser = options.browser ?? detected ?? "chromium";
  if (!options.browser && !detected) warnings.push("the file does not say which browser recorded it; Chromium's rules are applied");
  if (source === "chrome-har") {
    warnings.push("chrome-har leaves out requests that failed (CORS-blocked ones included): blocked requests may be missing from this file");
  }
  const meta = isObj(log._corsLens) ? log._corsLens : null;
  const pages = pagesOf(log);
  const firstPage = [...pages.values()][0];
  const pageUrl = meta && typeof meta.pageUrl === "string" && meta.pageUrl !== "" ? meta.pageUrl : (firstPage ?? null);
  const tabId = meta && typeof meta.tabId === "number" ? meta.tabId : -1;
  return { source, detected, browser, warnings, meta, pages, pageUrl, tabId };
}

/** One raw entry → NormEntry (or why it is skipped), with the writer's quirks undone. */
export function prepareEntry(raw: unknown, index: number, source: HarSource): NormEntry | string {
  const e = normalizeEntry(raw, index);
  if (typeof e !== "string" && source === "chrome-har") {
    e.requestHeaders = withoutRepeatedLines(e.requestHeaders);
    // Without the ExtraInfo event chrome-har only has the renderer's provisional headers:
    // Origin, Sec-Fetch-Mode and cookies are missing, so they prove nothing by absence.
    if (!e.requestHeaders.some((h) => /^(host|:authority)$/i.test(h.name))) e.provisionalHeaders = true;
  }
  return e;
}

export const MAX_SAME_WARNINGS = 5;

export function resultOf(head: Head, exchanges: Exchange[], warnings: string[]): HarReadResult {
  const result: HarReadResult = { exchanges, warnings, browser: head.browser, source: head.source, pageUrl: head.pageUrl };
  if (head.meta) {
    result.corsLens = {
      tabId: head.tabId,
      redacted: head.meta.redacted === true,
      dropped: typeof head.meta.dropped === "number" ? head.meta.dropped : 0,
    };
  }
  return result;
}
