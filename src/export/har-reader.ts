/**
 * HAR reader: turns a HAR written by CORS Lens, Chrome DevTools ("Save all as HAR"), Firefox's
 * network monitor or chrome-har into Exchanges that the engine judges as it judges live
 * capture.
 *
 * - CORS Lens files are regrouped exactly through `_corsLens` (exchangeId, role, hop).
 * - Other files are regrouped by rule: entries sorted by start time; an OPTIONS carrying
 *   `Access-Control-Request-Method` (or `_resourceType: "preflight"`) is a preflight; a 3xx
 *   whose redirectURL (or Location) names a later entry's URL chains to it; a preflight guards
 *   the hop with the same URL and method whose start is closest to its own (browsers create the
 *   request first, then its preflight); a preflight with no request left means the request was
 *   never sent (its preflight failed, or the writer dropped failed requests, as chrome-har does).
 * - The page's origin comes, in order, from `_initiatorOrigin` (CORS Lens), the request's
 *   `Origin` header, the page the entry belongs to (`pageref`), Chrome's `_initiator`.
 *
 * Malformed input: a file that is not a HAR throws HarReadError; unusable entries are skipped
 * and counted in `warnings`. Never more than `maxEntries` entries are read.
 */
import { headerValue } from "../cors/headers";
import { redirectedMethod } from "../cors/methods";
import type { BrowserKind, Exchange, Header, Hop, HttpResponse, Outcome, Preflight, TrafficClass } from "../cors/model";
import { guardKnown, unseenPreflightState } from "../capture/preflight-state";
import { type NormEntry, normalizeEntry } from "./har-normalize";
import { preflightMayHavePassed } from "./lone-preflight";

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
const MAX_REDIRECTS = 20;
/** how far on each side of the closest candidate we look for an unguarded request */
const PAIR_SCAN = 64;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

function originOf(url: string | undefined | null): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    if (u.protocol === "http:" || u.protocol === "https:") return u.origin;
    if (u.protocol === "chrome-extension:" || u.protocol === "moz-extension:") return `${u.protocol}//${u.host}`;
    return null;
  } catch {
    return null;
  }
}

/** URLs compared as the browser would after parsing (relative Location, default ports…). */
function urlKey(url: string, base?: string): string {
  try {
    const u = new URL(url, base);
    u.hash = "";
    return u.href;
  } catch {
    return url;
  }
}

function isPreflightEntry(e: NormEntry): boolean {
  if (e.corsLens) return e.corsLens.role === "preflight";
  if (e.method.toUpperCase() !== "OPTIONS") return false;
  return e.resourceType === "preflight" || headerValue(e.requestHeaders, "access-control-request-method") !== null;
}

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

/** Chrome DevTools `_resourceType` → webRequest type (what the engine knows). */
function webRequestType(resourceType: string | undefined): string {
  switch (resourceType) {
    case undefined:
      return "other";
    case "fetch":
    case "xhr":
      return "xmlhttprequest";
    case "document":
      return "main_frame";
    case "texttrack":
    case "manifest":
    case "signedexchange":
    case "prefetch":
    case "eventsource":
      return "other";
    default:
      return resourceType;
  }
}

function redirectTarget(e: NormEntry): string | null {
  if (e.status < 300 || e.status > 399) return null;
  const target = e.redirectURL || headerValue(e.responseHeaders, "location") || "";
  return target === "" ? null : urlKey(target, e.url);
}

function responseOf(e: NormEntry): HttpResponse | undefined {
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

function preflightOf(p: NormEntry): Preflight {
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
interface Group {
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

interface Context {
  browser: BrowserKind;
  tabId: number;
  pages: Map<string, string>;
  defaultOrigin: string | null;
  /** false when the file shows no preflight at all (old Chrome, chrome-har): a missing one
   * then proves nothing about the preflight cache */
  preflightsVisible: boolean;
  warn: (message: string) => void;
}

function initiatorOf(group: Group, ctx: Context): string | null {
  const first = group.hops[0] as NormEntry;
  if (first.initiatorOrigin !== undefined) return first.initiatorOrigin;
  const origin = headerValue(first.requestHeaders, "origin") ?? headerValue(group.preflights.get(0)?.requestHeaders ?? [], "origin");
  if (origin !== null && origin.trim() !== "") return origin.trim();
  if (first.pageref !== undefined) {
    const page = originOf(ctx.pages.get(first.pageref));
    if (page) return page;
  }
  const fromInitiator = originOf(first.initiatorUrl);
  if (fromInitiator) return fromInitiator;
  return ctx.defaultOrigin;
}

function classify(url: string, hops: Hop[], type: string, initiator: string | null): TrafficClass {
  if (!url.startsWith("http://") && !url.startsWith("https://")) return "non-http";
  if (initiator && (initiator.startsWith("chrome-extension://") || initiator.startsWith("moz-extension://"))) return "extension";
  if (type === "main_frame" || type === "sub_frame") return "navigation";
  if (initiator !== null && initiator !== "null" && hops.every((h) => originOf(h.url) === initiator)) return "same-origin";
  return "cross-origin";
}

function outcomeOf(group: Group, ctx: Context): Outcome {
  const last = group.hops[group.hops.length - 1] as NormEntry;
  const endTime = last.start + Math.round(last.time);
  if (last.error !== undefined) return { state: "failed", error: last.error, endTime };
  if (group.pending) return group.interrupted ? { state: "pending", interrupted: true } : { state: "pending" };
  // The chain ends on a redirect whose next request is not in the file (chrome-har, for one,
  // leaves out every request that failed): what happened after the 3xx is unknown, and
  // calling it completed would claim the page read a response it may never have had.
  if (redirectTarget(last) !== null) {
    ctx.warn(`${last.method} ${last.url}: redirected to ${redirectTarget(last)}, which is not in the file; treated as interrupted`);
    return { state: "pending", interrupted: true };
  }
  if (last.status > 0) return { state: "completed", endTime };
  // status 0 and no error string: the writer did not say what happened
  if (group.preflights.size > 0) {
    const error = ctx.browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED";
    ctx.warn(`${last.method} ${last.url}: no response and no error in the file; assumed the browser's CORS error (${error}) because a preflight was sent`);
    return { state: "failed", error, endTime };
  }
  ctx.warn(`${last.method} ${last.url}: no response and no error in the file; treated as interrupted`);
  return { state: "pending", interrupted: true };
}

function hopOf(e: NormEntry, index: number, group: Group): Hop {
  const neverSent = e.status === 0 && e.requestHeaders.length === 0;
  const hop: Hop = {
    url: e.url,
    method: e.method,
    requestHeaders: neverSent || e.provisionalHeaders ? null : e.requestHeaders,
    startTime: e.start,
    preflightState: "unknown",
  };
  const pre = group.preflights.get(index);
  if (pre) {
    hop.preflightState = "sent";
    hop.preflight = preflightOf(pre);
  }
  const response = responseOf(e);
  if (response) hop.response = response;
  const next = group.hops[index + 1];
  // CORS Lens writes redirectURL exactly when the browser followed (or tried) the redirect; a
  // 3xx it did not follow (yet, or ever: redirect mode) keeps its Location header only
  const location = e.corsLens ? null : headerValue(e.responseHeaders, "location");
  const target = e.status >= 300 && e.status <= 399 ? e.redirectURL || location : null;
  if (next) hop.redirectUrl = next.url;
  else if (target) hop.redirectUrl = urlKey(target, e.url);
  return hop;
}

/**
 * A hop without a preflight of its own is settled as capture settles it (capture/
 * preflight-state.ts), once the browser would have shown how it was guarded: a hop in
 * Firefox only when it is over, which the last hop of an exchange CORS Lens wrote as pending
 * is not. A CORS Lens file says whether the preflight cache answered for any hop
 * (`cachedPreflight`): when it says no, a hop that needed a preflight and shows none was not
 * seen whole (capture interrupted), and stays unknown.
 */
function settleHops(hops: Hop[], group: Group, ex: Pick<Exchange, "trafficClass" | "initiator" | "hops">, ctx: Context): void {
  hops.forEach((hop, i) => {
    if (hop.preflightState !== "unknown" || hop.requestHeaders === null) return;
    const e = group.hops[i] as NormEntry;
    const over = i < hops.length - 1 || (!group.pending && (e.status > 0 || e.error !== undefined));
    if (!guardKnown(ctx.browser, hop, over)) return;
    const state = unseenPreflightState(ex, hop, ctx.browser, !ctx.preflightsVisible);
    hop.preflightState = state === "cached" && group.cachedPreflight === false ? "unknown" : state;
  });
}

function buildExchange(group: Group, ctx: Context): Exchange {
  const hops = group.hops.map((e, i) => hopOf(e, i, group));
  const first = group.hops[0] as NormEntry;
  const type = webRequestType(first.resourceType);
  const initiator = initiatorOf(group, ctx);
  const requestIds = [...group.hops, ...group.preflights.values()].map((e) => `har-${e.index}`);
  const trafficClass = classify(first.url, hops, type, initiator);
  settleHops(hops, group, { trafficClass, initiator, hops }, ctx);
  return {
    id: group.id,
    browser: ctx.browser,
    tabId: ctx.tabId,
    frameId: 0,
    initiator,
    type,
    method: first.method,
    url: first.url,
    startTime: first.start,
    hops,
    outcome: outcomeOf(group, ctx),
    trafficClass,
    requestIds,
  };
}

/** CORS Lens files: exact regrouping. Entries of incomplete groups are handed back. */
function groupByCorsLens(entries: NormEntry[], warn: (m: string) => void): { groups: Group[]; rest: NormEntry[] } {
  const byId = new Map<string, { request?: NormEntry; redirects: Map<number, NormEntry>; preflights: Map<number, NormEntry>; all: NormEntry[] }>();
  const rest: NormEntry[] = [];
  for (const e of entries) {
    const c = e.corsLens;
    if (!c) {
      rest.push(e);
      continue;
    }
    let g = byId.get(c.exchangeId);
    if (!g) {
      g = { redirects: new Map(), preflights: new Map(), all: [] };
      byId.set(c.exchangeId, g);
    }
    g.all.push(e);
    if (c.role === "request") g.request = e;
    else if (c.role === "redirect" && c.hop !== undefined) g.redirects.set(c.hop, e);
    else if (c.role === "preflight") g.preflights.set(c.hop ?? 0, e);
  }
  const groups: Group[] = [];
  let handedBack = false;
  for (const [id, g] of byId) {
    if (!g.request) {
      warn(`exchange ${id} has no request entry; its ${g.all.length} entries are regrouped by rule`);
      rest.push(...g.all);
      handedBack = true;
      continue;
    }
    const hops = [g.request, ...[...g.redirects.keys()].sort((a, b) => a - b).map((k) => g.redirects.get(k) as NormEntry)];
    const group: Group = { id, hops, preflights: g.preflights };
    if (g.request.corsLens?.cachedPreflight !== undefined) group.cachedPreflight = g.request.corsLens.cachedPreflight;
    // CORS Lens writes the error of every exchange that failed: a last request neither
    // answered nor failed was in flight. With a verdict all the same, its capture was
    // interrupted and its preflight decided it (the engine judges only such pending exchanges).
    const last = hops[hops.length - 1] as NormEntry;
    const verdict = g.request.corsLens?.verdict;
    const inFlight = last.status <= 0 && last.error === undefined;
    if (verdict === "pending" || inFlight) group.pending = true;
    if (inFlight && verdict !== undefined && verdict !== "pending") group.interrupted = true;
    groups.push(group);
  }
  // groupByRule reads its entries in start order (a redirect continues with a later entry):
  // entries handed back join the others in that order, not after them (found by
  // cli-stream.property.test.ts, seed -1439347385: the streamed and whole-file paths disagreed)
  if (handedBack) rest.sort(byStart);
  return { groups, rest };
}

/** Other files: regroup by rule (see the file comment). */
function groupByRule(entries: NormEntry[], browser: BrowserKind, nextId: () => string, orphanId: () => string = nextId): Group[] {
  const requests: NormEntry[] = [];
  const preflights: NormEntry[] = [];
  for (const e of entries) (isPreflightEntry(e) ? preflights : requests).push(e);

  // redirect chains: a 3xx continues with the first later request to its target
  const byUrl = new Map<string, number[]>();
  requests.forEach((e, i) => {
    const key = urlKey(e.url);
    const list = byUrl.get(key);
    if (list) list.push(i);
    else byUrl.set(key, [i]);
  });
  const consumed = new Uint8Array(requests.length);
  const groups: Group[] = [];
  requests.forEach((e, i) => {
    if (consumed[i]) return;
    consumed[i] = 1;
    const hops = [e];
    let cur = e;
    let curIndex = i;
    while (hops.length <= MAX_REDIRECTS) {
      const target = redirectTarget(cur);
      if (target === null) break;
      const method = redirectedMethod(cur.method, cur.status).toUpperCase();
      const candidates = byUrl.get(target) ?? [];
      const nextIndex = candidates.find((k) => k > curIndex && !consumed[k] && (requests[k] as NormEntry).method.toUpperCase() === method);
      if (nextIndex === undefined) break;
      consumed[nextIndex] = 1;
      cur = requests[nextIndex] as NormEntry;
      curIndex = nextIndex;
      hops.push(cur);
    }
    groups.push({ id: nextId(), hops, preflights: new Map() });
  });

  // preflight pairing: same URL and method, start closest to the preflight's, not yet guarded
  const hopsByUrl = new Map<string, { group: Group; hop: number; start: number }[]>();
  for (const group of groups) {
    group.hops.forEach((e, hop) => {
      const key = urlKey(e.url);
      const list = hopsByUrl.get(key);
      const item = { group, hop, start: e.start };
      if (list) list.push(item);
      else hopsByUrl.set(key, [item]);
    });
  }
  for (const list of hopsByUrl.values()) list.sort((a, b) => a.start - b.start);
  const orphans: NormEntry[] = [];
  for (const p of preflights) {
    const acrm = headerValue(p.requestHeaders, "access-control-request-method");
    const list = hopsByUrl.get(urlKey(p.url)) ?? [];
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((list[mid] as { start: number }).start < p.start) lo = mid + 1;
      else hi = mid;
    }
    let best: { group: Group; hop: number; start: number } | null = null;
    let bestDistance = Number.POSITIVE_INFINITY;
    for (let k = Math.max(0, lo - PAIR_SCAN); k < Math.min(list.length, lo + PAIR_SCAN); k++) {
      const c = list[k] as { group: Group; hop: number; start: number };
      if (c.group.preflights.has(c.hop)) continue;
      const e = c.group.hops[c.hop] as NormEntry;
      if (acrm !== null && e.method.toUpperCase() !== acrm.trim().toUpperCase()) continue;
      const distance = Math.abs(c.start - p.start);
      // on a tie the request created just before the preflight wins (it is created first)
      if (distance < bestDistance || (distance === bestDistance && c.start <= p.start)) {
        best = c;
        bestDistance = distance;
      }
    }
    if (best) best.group.preflights.set(best.hop, p);
    else orphans.push(p);
  }

  // a preflight with no request: the request was never sent, unless the preflight passed
  // (then the file left the request out, and what became of it is unknown: lone-preflight.ts)
  for (const p of orphans) {
    const acrm = headerValue(p.requestHeaders, "access-control-request-method")?.trim() || "GET";
    const origin = headerValue(p.requestHeaders, "origin");
    const leftOut = p.error === undefined && preflightMayHavePassed(preflightOf(p), browser);
    const error = leftOut ? undefined : (p.error ?? (browser === "firefox" ? "NS_ERROR_DOM_BAD_URI" : "net::ERR_FAILED"));
    const request: NormEntry = {
      index: p.index,
      url: p.url,
      method: acrm,
      requestHeaders: [],
      status: 0,
      statusText: "",
      responseHeaders: [],
      redirectURL: "",
      start: p.start,
      ttfb: null,
      time: p.time,
      ...(error !== undefined ? { error } : {}),
      ...(p.resourceType !== undefined && p.resourceType !== "preflight" ? { resourceType: p.resourceType } : {}),
      ...(origin !== null ? { initiatorOrigin: origin } : {}),
      ...(p.pageref !== undefined ? { pageref: p.pageref } : {}),
      ...(p.initiatorUrl !== undefined ? { initiatorUrl: p.initiatorUrl } : {}),
    };
    groups.push({ id: orphanId(), hops: [request], preflights: new Map([[0, p]]), orphan: true, ...(leftOut ? { pending: true, interrupted: true } : {}) });
  }
  return groups;
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

interface Head {
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
function headOf(log: Obj, options: HarReadOptions): Head {
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
function prepareEntry(raw: unknown, index: number, source: HarSource): NormEntry | string {
  const e = normalizeEntry(raw, index);
  if (typeof e !== "string" && source === "chrome-har") {
    e.requestHeaders = withoutRepeatedLines(e.requestHeaders);
    // Without the ExtraInfo event chrome-har only has the renderer's provisional headers:
    // Origin, Sec-Fetch-Mode and cookies are missing, so they prove nothing by absence.
    if (!e.requestHeaders.some((h) => /^(host|:authority)$/i.test(h.name))) e.provisionalHeaders = true;
  }
  return e;
}

const byStart = (a: NormEntry, b: NormEntry) => a.start - b.start || a.index - b.index;
const MAX_SAME_WARNINGS = 5;

function resultOf(head: Head, ctx: Context, exchanges: Exchange[], warnings: string[]): HarReadResult {
  const result: HarReadResult = { exchanges, warnings, browser: head.browser, source: head.source, pageUrl: head.pageUrl };
  if (head.meta) {
    result.corsLens = {
      tabId: ctx.tabId,
      redacted: head.meta.redacted === true,
      dropped: typeof head.meta.dropped === "number" ? head.meta.dropped : 0,
    };
  }
  return result;
}

/** Reads a parsed HAR. Throws HarReadError when it is not a HAR at all. */
export function readHar(json: unknown, options: HarReadOptions = {}): HarReadResult {
  if (!isObj(json)) throw new HarReadError("not a HAR file: the top level is not a JSON object");
  const log = json.log;
  if (!isObj(log)) throw new HarReadError('not a HAR file: no "log" object');
  if (!Array.isArray(log.entries)) throw new HarReadError('not a HAR file: "log.entries" is not an array');
  const head = headOf(log, options);
  const warnings: string[] = [...head.warnings];
  const warnCounts = new Map<string, number>();
  const warn = (message: string, kind = message) => {
    const n = (warnCounts.get(kind) ?? 0) + 1;
    warnCounts.set(kind, n);
    if (n <= MAX_SAME_WARNINGS) warnings.push(message);
  };
  const { source, browser } = head;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const rawEntries: unknown[] = log.entries;
  if (rawEntries.length > maxEntries) {
    warnings.push(`the file has ${rawEntries.length} entries; only the first ${maxEntries} were read`);
  }
  const count = Math.min(rawEntries.length, maxEntries);
  const entries: NormEntry[] = [];
  let skipped = 0;
  for (let i = 0; i < count; i++) {
    const e = prepareEntry(rawEntries[i], i, source);
    if (typeof e === "string") {
      skipped++;
      warn(`entry ${i} skipped: ${e}`, "skip");
    } else entries.push(e);
  }
  if (skipped > MAX_SAME_WARNINGS) warnings.push(`${skipped} entries skipped in total`);
  entries.sort(byStart);

  const ctx: Context = {
    browser,
    tabId: head.tabId,
    pages: head.pages,
    defaultOrigin: options.defaultOrigin ?? null,
    preflightsVisible: source === "cors-lens" || entries.some(isPreflightEntry),
    warn: (m) => warn(m, "outcome"),
  };
  let n = 0;
  const nextId = () => `har-${++n}`;
  const { groups: lensGroups, rest } = groupByCorsLens(entries, warn);
  const groups = [...lensGroups, ...groupByRule(rest, browser, nextId)];
  const exchanges: Exchange[] = [];
  for (const group of groups) exchanges.push(buildExchange(group, ctx));
  exchanges.sort((a, b) => a.startTime - b.startTime);
  const outcomeWarnings = warnCounts.get("outcome") ?? 0;
  if (outcomeWarnings > MAX_SAME_WARNINGS) warnings.push(`${outcomeWarnings} requests had no response and no error string in total`);
  return resultOf(head, ctx, exchanges, warnings);
}

/**
 * Streaming reader, for files too large to parse whole (`cors-lens analyze` of a big DevTools
 * export). Entries are pushed one at a time in file order; exchanges come out through
 * `onExchange` in the order readHar lists them, with readHar's ids, and only a window of
 * entries is kept.
 *
 * How it stays equal to readHar: entries are kept sorted in a window; the oldest ones (cut
 * where the start time changes) are grouped with readHar's own code once nothing in the rest
 * of the window could join one of their groups by rule (a redirect not yet followed, a
 * preflight or an unguarded request of the same URL); a CORS Lens exchange still in flight
 * (its id appears further on) stays in the window with its entries. Built exchanges wait until
 * no exchange starting earlier can still come, then go out in readHar's order. What released
 * entries could still share with later ones is kept as small keys (hashed exchange ids, the
 * latest unguarded start per URL and method, the rare dangling redirects and loose
 * preflights); a later entry that matches one, or that starts before a released one, means the
 * file is not in the order browsers write: HarStreamUnsupported is thrown and the caller reads
 * the file whole. Facts known only at the end (log members after the entries, whether the
 * file has any preflight) are checked the same way.
 */
export class HarStreamUnsupported extends Error {
  override name = "HarStreamUnsupported";
}

export interface HarStreamOptions extends HarReadOptions {
  /** entries held back as look-ahead before older ones are released (default 2000) */
  window?: number;
}

export interface HarStreamEnd extends Omit<HarReadResult, "exchanges"> {
  /** exchanges handed to onExchange */
  exchanges: number;
  /** the id readHar gives the `k`-th (1-based) exchange made for a preflight without request;
   * these ids follow every other one, so they are only known at the end */
  orphanId(k: number): string;
}

export interface HarStream {
  /** the next element of log.entries (file order); false when it is not used (skipped, or
   * beyond maxEntries) */
  push(raw: unknown): boolean;
  /** `log` as the whole file has it (without entries): flushes the window, checks what was assumed */
  end(log: unknown): HarStreamEnd;
}

/** onExchange's second argument: for an exchange made for an unpaired preflight, its ordinal
 * (its id is then a placeholder until orphanId at the end). */
export type OnStreamExchange = (exchange: Exchange, orphan: number | null) => void;

/** 32-bit FNV-1a: keys of released entries cost a number each (a collision only causes a
 * needless fallback to the whole-file path). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const hopKey = (e: NormEntry) => `${urlKey(e.url)}\n${e.method.toUpperCase()}`;
const anyMethodKey = (e: NormEntry) => `${urlKey(e.url)}\n*`;
function preflightKey(p: NormEntry): string {
  const acrm = headerValue(p.requestHeaders, "access-control-request-method");
  return `${urlKey(p.url)}\n${acrm === null ? "*" : acrm.trim().toUpperCase()}`;
}

/** An exchange built with preflightsVisible = false where the flag may have decided a hop's
 * state (settleHops: a hop sent, left unknown; a few are unknown for another reason, which
 * only costs a needless fallback). */
function visibilityMattered(exchange: Exchange): boolean {
  return exchange.hops.some((h) => h.preflightState === "unknown" && h.requestHeaders !== null);
}

/** readHar's order: start time, then CORS Lens groups, chains, unpaired preflights, each in
 * the order of their first entry. */
interface Built {
  exchange: Exchange;
  rank: number;
  start: number;
  index: number;
}
const byOrder = (a: { rank: number; start: number; index: number }, b: { rank: number; start: number; index: number }) => a.rank - b.rank || a.start - b.start || a.index - b.index;
const byEmission = (a: Built, b: Built) => a.exchange.startTime - b.exchange.startTime || byOrder(a, b);

export function createHarStream(headLog: unknown, options: HarStreamOptions, onExchange: OnStreamExchange, onRelease?: (indices: number[]) => void): HarStream {
  if (!isObj(headLog)) throw new HarReadError('not a HAR file: no "log" object');
  const head = headOf(headLog, options);
  const { source, browser } = head;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const window = Math.max(1, options.window ?? 2000);
  let count = 0;
  let skipped = 0;
  const skipWarnings: string[] = [];
  const lensWarnings: { rank: number; start: number; index: number; message: string }[] = [];
  const outcomeWarnings: { rank: number; start: number; index: number; message: string }[] = [];
  let outcomeCount = 0;
  let buffer: NormEntry[] = [];
  let waiting: Built[] = [];
  let nextTry = 2 * window;
  let lastReleasedStart = Number.NEGATIVE_INFINITY;
  /** openKeys judged the released entries against the window, whose entries start no earlier
   * than this: a later entry may not start before it (a preflight released with the request
   * before it could be closer to one; found by har-stream.property.test.ts, seed -1210051385) */
  let horizon = Number.NEGATIVE_INFINITY;
  let seenPreflight = false;
  let builtBlind = false;
  let chains = 0;
  let orphans = 0;
  let exchangesOut = 0;
  // what released entries could still share with later ones
  const lensIds = new Set<number>();
  const danglingRedirects = new Set<string>();
  const loosePreflights = new Set<string>();
  const unguarded = new Map<number, number>();

  const ctx: Context = {
    browser,
    tabId: head.tabId,
    pages: head.pages,
    defaultOrigin: options.defaultOrigin ?? null,
    preflightsVisible: source === "cors-lens",
    warn: () => undefined,
  };

  /** The keys rule groups of released entries leave open towards later entries. */
  function openKeys(ruleGroups: Group[], nextStart: number) {
    const redirects = new Set<string>();
    const preflights = new Set<string>();
    const hops = new Map<string, number>();
    for (const g of ruleGroups) {
      if (g.orphan) {
        for (const p of g.preflights.values()) preflights.add(preflightKey(p));
        continue;
      }
      const last = g.hops[g.hops.length - 1] as NormEntry;
      const target = redirectTarget(last);
      if (target !== null) redirects.add(`${target}\n${redirectedMethod(last.method, last.status).toUpperCase()}`);
      g.hops.forEach((e, i) => {
        const p = g.preflights.get(i);
        if (p) {
          // a later request could be closer to this preflight than the one it was given
          if (p.start + Math.abs(e.start - p.start) >= nextStart) preflights.add(preflightKey(p));
        } else {
          hops.set(hopKey(e), e.start);
          hops.set(anyMethodKey(e), e.start);
        }
      });
    }
    return { redirects, preflights, hops };
  }

  /** Would one of `later` join a rule group whose open keys are `keys`? */
  function touches(keys: ReturnType<typeof openKeys>, later: NormEntry[]): boolean {
    for (const e of later) {
      if (isPreflightEntry(e)) {
        if (keys.hops.has(preflightKey(e))) return true;
      } else if (keys.redirects.size > 0 || keys.preflights.size > 0) {
        const hk = hopKey(e);
        if (keys.redirects.has(hk) || keys.preflights.has(hk) || keys.preflights.has(anyMethodKey(e))) return true;
      }
    }
    return false;
  }

  /** The same check against entries released before, through their hashed keys; throws. */
  function checkAgainstReleased(segment: NormEntry[], ruleGroups: Group[]) {
    const fail = (why: string) => {
      throw new HarStreamUnsupported(`entries far apart in the file belong together (${why})`);
    };
    for (const e of segment) {
      if (e.corsLens && lensIds.has(hash(e.corsLens.exchangeId))) fail("one CORS Lens exchange");
      if (!isPreflightEntry(e) && (danglingRedirects.size > 0 || loosePreflights.size > 0)) {
        const hk = hopKey(e);
        if (danglingRedirects.has(hk)) fail("a redirect");
        if (loosePreflights.has(hk) || loosePreflights.has(anyMethodKey(e))) fail("a preflight");
      }
    }
    if (unguarded.size === 0) return;
    for (const g of ruleGroups) {
      for (const [i, p] of g.preflights) {
        const before = unguarded.get(hash(preflightKey(p)));
        if (before === undefined) continue;
        const own = g.orphan ? Number.POSITIVE_INFINITY : Math.abs((g.hops[i] as NormEntry).start - p.start);
        if (p.start - before <= own) fail("a preflight and an earlier request");
      }
    }
  }

  /** Exchanges that no later entry can precede go out, in readHar's order. */
  function emit(before: number) {
    waiting.sort(byEmission);
    let n = 0;
    while (n < waiting.length && (waiting[n] as Built).exchange.startTime < before) n++;
    const out = waiting.slice(0, n);
    waiting = waiting.slice(n);
    for (const b of out) {
      if (b.rank === 1) b.exchange.id = `har-${++chains}`;
      onExchange(b.exchange, b.rank === 2 ? ++orphans : null);
    }
    exchangesOut += out.length;
  }

  function pushWarning(list: { rank: number; start: number; index: number; message: string }[], item: { rank: number; start: number; index: number; message: string }, cap: number) {
    list.push(item);
    list.sort(byOrder);
    if (list.length > cap) list.pop();
  }

  function release(final: boolean) {
    buffer.sort(byStart);
    let cut = final ? buffer.length : buffer.length - window;
    while (cut > 0 && cut < buffer.length && (buffer[cut - 1] as NormEntry).start === (buffer[cut] as NormEntry).start) cut--;
    if (cut <= 0) {
      nextTry = buffer.length + Math.ceil(window / 2);
      return;
    }
    const later = buffer.slice(cut);
    // CORS Lens exchanges still in flight stay in the window, all their entries
    const open = new Set<string>();
    if (!final) for (const e of later) if (e.corsLens) open.add(e.corsLens.exchangeId);
    const segment: NormEntry[] = [];
    const carried: NormEntry[] = [];
    for (let i = 0; i < cut; i++) {
      const e = buffer[i] as NormEntry;
      (e.corsLens && open.has(e.corsLens.exchangeId) ? carried : segment).push(e);
    }
    const nextStart = later.length > 0 ? (later[0] as NormEntry).start : Number.POSITIVE_INFINITY;
    const firstOf = new Map<string, NormEntry>();
    for (const e of segment) if (e.corsLens && !firstOf.has(e.corsLens.exchangeId)) firstOf.set(e.corsLens.exchangeId, e);
    const segLensWarnings: string[] = [];
    const { groups: lensGroups, rest } = groupByCorsLens(segment, (m) => segLensWarnings.push(m));
    const ruleGroups = groupByRule(rest, browser, () => "har-pending");
    const threshold = carried.length > 0 ? Math.min(nextStart, (carried[0] as NormEntry).start) : nextStart;
    const keys = openKeys(ruleGroups, threshold);
    if (!final && (touches(keys, later) || touches(keys, carried))) {
      // a group may continue in the look-ahead: wait for more entries, then cut further on
      nextTry = buffer.length + Math.ceil(window / 2);
      return;
    }
    checkAgainstReleased(segment, ruleGroups);
    // Entries of a CORS Lens exchange stay in the window while its id comes again; if it then
    // has no request entry they are regrouped by rule, and one that starts no later than
    // entries released meanwhile could have joined them (a redirect chains to an entry of the
    // same start, a later one in the file): readHar would see them together.
    for (const e of rest) if (e.corsLens && e.start <= lastReleasedStart) throw new HarStreamUnsupported("a CORS Lens exchange without its request entry is spread over the file");
    for (const message of segLensWarnings) {
      // "exchange <id> has no request entry…": readHar lists them in the order of each exchange's first entry
      const id = [...firstOf.keys()].find((k) => message.startsWith(`exchange ${k} has no request entry`));
      const first = id !== undefined ? firstOf.get(id) : undefined;
      lensWarnings.push({ rank: 0, start: first?.start ?? 0, index: first?.index ?? 0, message });
    }
    ctx.preflightsVisible = source === "cors-lens" || seenPreflight;
    const build = (group: Group, rank: number, first: NormEntry) => {
      ctx.warn = (message) => {
        outcomeCount++;
        pushWarning(outcomeWarnings, { rank, start: first.start, index: first.index, message }, MAX_SAME_WARNINGS);
      };
      const exchange = buildExchange(group, ctx);
      if (!ctx.preflightsVisible && visibilityMattered(exchange)) builtBlind = true;
      waiting.push({ exchange, rank, start: first.start, index: first.index });
    };
    for (const g of lensGroups) build(g, 0, firstOf.get(g.id) as NormEntry);
    for (const g of ruleGroups) build(g, g.orphan ? 2 : 1, g.orphan ? (g.preflights.get(0) as NormEntry) : (g.hops[0] as NormEntry));
    for (const e of segment) if (e.corsLens) lensIds.add(hash(e.corsLens.exchangeId));
    for (const k of keys.redirects) danglingRedirects.add(k);
    for (const k of keys.preflights) loosePreflights.add(k);
    for (const [k, start] of keys.hops) unguarded.set(hash(k), start);
    lastReleasedStart = Math.max(lastReleasedStart, (buffer[cut - 1] as NormEntry).start);
    horizon = Math.max(horizon, threshold);
    onRelease?.(segment.map((e) => e.index));
    buffer = carried.length > 0 ? [...carried, ...later] : later;
    emit(buffer.length > 0 ? Math.min((buffer[0] as NormEntry).start, lastReleasedStart + 1) : Number.POSITIVE_INFINITY);
    nextTry = buffer.length + window;
  }

  return {
    push(raw) {
      const index = count++;
      if (index >= maxEntries) return false;
      const e = prepareEntry(raw, index, source);
      if (typeof e === "string") {
        skipped++;
        if (skipped <= MAX_SAME_WARNINGS) skipWarnings.push(`entry ${index} skipped: ${e}`);
        return false;
      }
      if (e.start <= lastReleasedStart || e.start < horizon) throw new HarStreamUnsupported("the entries are not in start-time order");
      if (!seenPreflight && isPreflightEntry(e)) {
        seenPreflight = true;
        if (builtBlind) throw new HarStreamUnsupported("the first preflight comes late in the file");
      }
      buffer.push(e);
      if (buffer.length >= nextTry) release(false);
      return true;
    },
    end(log) {
      if (!isObj(log)) throw new HarReadError('not a HAR file: no "log" object');
      const whole = headOf(log, options);
      const samePages = JSON.stringify([...whole.pages]) === JSON.stringify([...head.pages]);
      if (whole.source !== source || whole.browser !== browser || whole.tabId !== head.tabId || !samePages) {
        throw new HarStreamUnsupported("members of log after its entries change how the entries are read");
      }
      if (buffer.length > 0) release(true);
      emit(Number.POSITIVE_INFINITY);
      const warnings = [...whole.warnings];
      if (count > maxEntries) warnings.push(`the file has ${count} entries; only the first ${maxEntries} were read`);
      warnings.push(...skipWarnings);
      if (skipped > MAX_SAME_WARNINGS) warnings.push(`${skipped} entries skipped in total`);
      lensWarnings.sort(byOrder);
      warnings.push(...lensWarnings.map((w) => w.message), ...outcomeWarnings.map((w) => w.message));
      if (outcomeCount > MAX_SAME_WARNINGS) warnings.push(`${outcomeCount} requests had no response and no error string in total`);
      const { exchanges: _none, ...rest } = resultOf(whole, ctx, [], warnings);
      const total = chains;
      return { ...rest, exchanges: exchangesOut, orphanId: (k: number) => `har-${total + k}` };
    },
  };
}
