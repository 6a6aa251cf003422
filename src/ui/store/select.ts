/**
 * Derived views of a log: the filter, grouping by target origin with counts (blocked first),
 * verdict counts. Pure functions over plain data; components memoise them on the entries
 * array identity.
 */
import type { DiagnosedExchange, Header } from "../../cors/model";
import type { VerdictCounts } from "../../protocol";
import type { Filters } from "./log";
import { targetOrigin } from "./origin";

export function isCrossOrigin(entry: DiagnosedExchange): boolean {
  return entry.exchange.trafficClass === "cross-origin";
}

function headersOf(entry: DiagnosedExchange): Header[] {
  const out: Header[] = [];
  for (const hop of entry.exchange.hops) {
    if (hop.requestHeaders) out.push(...hop.requestHeaders);
    if (hop.response) out.push(...hop.response.headers);
    if (hop.preflight?.requestHeaders) out.push(...hop.preflight.requestHeaders);
    if (hop.preflight?.response) out.push(...hop.preflight.response.headers);
  }
  return out;
}

/** Separates the searchable texts of an entry: a NUL cannot be typed into the search box, so
 * no match can span two texts. */
const SEP = "\u0000";

/** Lower-cased URL, hop URLs, failure id and header names and values of each entry, joined:
 * made once per entry object (an updated exchange is a new object), so that typing in the
 * search box over 10,000 exchanges scans strings instead of lower-casing every header again
 * (`npm run bench`, panel text filter). Held weakly: entries that leave the log take it along. */
const haystacks = new WeakMap<DiagnosedExchange, string>();

function haystackOf(entry: DiagnosedExchange): string {
  let text = haystacks.get(entry);
  if (text === undefined) {
    const { exchange } = entry;
    const parts = [exchange.url, entry.diagnosis.failure?.id ?? ""];
    for (const hop of exchange.hops) parts.push(hop.url);
    for (const h of headersOf(entry)) parts.push(h.name, h.value);
    text = parts.join(SEP).toLowerCase();
    haystacks.set(entry, text);
  }
  return text;
}

/** Case-insensitive search over method (exact), URL, failure id and every header name and value. */
export function matchesSearch(entry: DiagnosedExchange, needle: string): boolean {
  if (needle === "") return true;
  const n = needle.toLowerCase();
  if (entry.exchange.method.toLowerCase() === n) return true;
  return haystackOf(entry).includes(n);
}

export function matchesFilters(entry: DiagnosedExchange, filters: Filters): boolean {
  if (filters.hideSameOrigin && !isCrossOrigin(entry)) return false;
  if (filters.blockedOnly && entry.diagnosis.verdict !== "blocked") return false;
  if (filters.warningsOnly && entry.diagnosis.warnings.length === 0) return false;
  if (filters.type !== "" && entry.exchange.type !== filters.type) return false;
  return matchesSearch(entry, filters.search.trim());
}

export function applyFilters(entries: DiagnosedExchange[], filters: Filters): DiagnosedExchange[] {
  return entries.filter((e) => matchesFilters(e, filters));
}

export interface OriginGroup {
  origin: string;
  total: number;
  blocked: number;
  allowed: number;
  /** exchanges with at least one warning */
  warnings: number;
  /** network errors, not CORS */
  errors: number;
}

/** Groups by target origin. Order: origins with blocked exchanges first (most blocked first),
 * then those with warnings, then by traffic, then by name, so the problem is on top. */
export function groupByOrigin(entries: DiagnosedExchange[]): OriginGroup[] {
  const groups = new Map<string, OriginGroup>();
  for (const entry of entries) {
    const origin = targetOrigin(entry.exchange);
    let g = groups.get(origin);
    if (!g) {
      g = { origin, total: 0, blocked: 0, allowed: 0, warnings: 0, errors: 0 };
      groups.set(origin, g);
    }
    g.total += 1;
    const verdict = entry.diagnosis.verdict;
    if (verdict === "blocked") g.blocked += 1;
    else if (verdict === "allowed") g.allowed += 1;
    else if (verdict === "network-error") g.errors += 1;
    if (entry.diagnosis.warnings.length > 0) g.warnings += 1;
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.blocked - a.blocked ||
      b.warnings - a.warnings ||
      b.total - a.total ||
      a.origin.localeCompare(b.origin),
  );
}

export function entriesOfOrigin(entries: DiagnosedExchange[], origin: string | null): DiagnosedExchange[] {
  if (origin === null) return entries;
  return entries.filter((e) => targetOrigin(e.exchange) === origin);
}

export function countVerdicts(entries: DiagnosedExchange[]): VerdictCounts {
  const counts: VerdictCounts = { allowed: 0, blocked: 0, notCors: 0, networkError: 0, pending: 0, warnings: 0 };
  for (const { diagnosis } of entries) {
    switch (diagnosis.verdict) {
      case "allowed":
        counts.allowed += 1;
        break;
      case "blocked":
        counts.blocked += 1;
        break;
      case "not-cors":
        counts.notCors += 1;
        break;
      case "network-error":
        counts.networkError += 1;
        break;
      case "pending":
        counts.pending += 1;
        break;
    }
    if (diagnosis.warnings.length > 0) counts.warnings += 1;
  }
  return counts;
}

/** Resource types present in a log, for the type filter's options. */
export function resourceTypes(entries: DiagnosedExchange[]): string[] {
  return [...new Set(entries.map((e) => e.exchange.type))].sort();
}
