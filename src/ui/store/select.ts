/**
 * Derived views of a log: the filter, grouping by target origin with counts (blocked first),
 * verdict counts. Pure functions over rows (protocol.ts ExchangeRow); the text search also
 * reads the headers of the full entries the page holds. Components memoise them on the rows
 * array identity.
 */
import type { DiagnosedExchange, Header } from "../../cors/model";
import { countVerdicts as countAll, type ExchangeRow, type VerdictCounts } from "../../protocol";
import type { Detail, Filters } from "./log";
import { targetOrigin } from "./origin";

export function isCrossOrigin(row: ExchangeRow): boolean {
  return row.trafficClass === "cross-origin";
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

/** Lower-cased texts, joined, made once per row / entry object (an update is a new object), so
 * that typing in the search box over 10,000 exchanges scans strings instead of lower-casing
 * every header again (`npm run bench`, panel text filter). Held weakly. */
const rowTexts = new WeakMap<ExchangeRow, string>();
const headerTexts = new WeakMap<DiagnosedExchange, string>();

/** URL, redirect URLs and failure id. */
function rowText(row: ExchangeRow): string {
  let text = rowTexts.get(row);
  if (text === undefined) {
    text = [row.url, row.failureId ?? "", ...row.redirects].join(SEP).toLowerCase();
    rowTexts.set(row, text);
  }
  return text;
}

/** Every header name and value of the entry. */
function headerText(entry: DiagnosedExchange): string {
  let text = headerTexts.get(entry);
  if (text === undefined) {
    const parts: string[] = [];
    for (const h of headersOf(entry)) parts.push(h.name, h.value);
    text = parts.join(SEP).toLowerCase();
    headerTexts.set(entry, text);
  }
  return text;
}

/** Case-insensitive search over method (exact), URL, failure id and — when the full entry is
 * given — every header name and value. */
export function matchesSearch(row: ExchangeRow, entry: DiagnosedExchange | undefined, needle: string): boolean {
  if (needle === "") return true;
  const n = needle.toLowerCase();
  if (row.method.toLowerCase() === n) return true;
  if (rowText(row).includes(n)) return true;
  return entry !== undefined && headerText(entry).includes(n);
}

/** The filters other than the text search. */
export function matchesFlags(row: ExchangeRow, filters: Filters): boolean {
  if (filters.hideSameOrigin && !isCrossOrigin(row)) return false;
  if (filters.blockedOnly && row.verdict !== "blocked") return false;
  if (filters.warningsOnly && row.warnings === 0) return false;
  if (filters.type !== "" && row.type !== filters.type) return false;
  return true;
}

export interface Filtered {
  rows: ExchangeRow[];
  /** rows the text search could only check by URL: their headers are still loading */
  unsearched: number;
}

/** The rows passing the filters. The text search reads headers from the full entries held
 * (`details`, current when their rev is the row's); rows without one are matched on URL only and counted in `unsearched`, so the UI can
 * say that the answer is not final yet. */
export function applyFilters(all: ExchangeRow[], details: ReadonlyMap<string, Detail> | null, filters: Filters): Filtered {
  const needle = filters.search.trim();
  const rows: ExchangeRow[] = [];
  let unsearched = 0;
  for (const row of all) {
    if (!matchesFlags(row, filters)) continue;
    if (needle === "") {
      rows.push(row);
      continue;
    }
    const detail = details?.get(row.id);
    const entry = detail !== undefined && detail.rev === row.rev ? detail.entry : undefined;
    if (entry === undefined) unsearched++;
    if (matchesSearch(row, entry, needle)) rows.push(row);
  }
  return { rows, unsearched };
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
export function groupByOrigin(rows: ExchangeRow[]): OriginGroup[] {
  const groups = new Map<string, OriginGroup>();
  for (const row of rows) {
    const origin = targetOrigin(row);
    let g = groups.get(origin);
    if (!g) {
      g = { origin, total: 0, blocked: 0, allowed: 0, warnings: 0, errors: 0 };
      groups.set(origin, g);
    }
    g.total += 1;
    if (row.verdict === "blocked") g.blocked += 1;
    else if (row.verdict === "allowed") g.allowed += 1;
    else if (row.verdict === "network-error") g.errors += 1;
    if (row.warnings > 0) g.warnings += 1;
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.blocked - a.blocked ||
      b.warnings - a.warnings ||
      b.total - a.total ||
      a.origin.localeCompare(b.origin),
  );
}

export function rowsOfOrigin(rows: ExchangeRow[], origin: string | null): ExchangeRow[] {
  if (origin === null) return rows;
  return rows.filter((r) => targetOrigin(r) === origin);
}

export function countVerdicts(rows: ExchangeRow[]): VerdictCounts {
  return countAll(rows, (r) => r.verdict, (r) => r.warnings > 0);
}

/** Resource types present in a log, for the type filter's options. */
export function resourceTypes(rows: ExchangeRow[]): string[] {
  return [...new Set(rows.map((r) => r.type))].sort();
}
