/**
 * HAR entries → groups, each the entries of one exchange (its hops, the preflight of each).
 * CORS Lens files are regrouped exactly through `_corsLens`; other files by rule (see
 * har-reader.ts).
 */
import { headerValue } from "../cors/headers";
import { redirectedMethod } from "../cors/methods";
import type { BrowserKind } from "../cors/model";
import { byStart, type Group, isPreflightEntry, preflightOf, redirectTarget, urlKey } from "./har-entry";
import type { NormEntry } from "./har-normalize";
import { preflightMayHavePassed } from "./lone-preflight";

const MAX_REDIRECTS = 20;
/** how far on each side of the closest candidate we look for an unguarded request */
const PAIR_SCAN = 64;

/** CORS Lens files: exact regrouping. Entries of incomplete groups are handed back. */
export function groupByCorsLens(entries: NormEntry[], warn: (m: string) => void): { groups: Group[]; rest: NormEntry[] } {
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
export function groupByRule(entries: NormEntry[], browser: BrowserKind, nextId: () => string, orphanId: () => string = nextId): Group[] {
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
