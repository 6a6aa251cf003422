/**
 * The one file that types every message between the background worker and the extension
 * pages (DevTools panel, standalone panel, popup, options). Both sides import these types;
 * nothing else crosses the boundary.
 *
 * Two channels:
 * - one-shot requests (`runtime.sendMessage`): RequestMap below, a typed request → response;
 * - a long-lived port named PORT_NAME for live updates: the page sends `subscribe`, the
 *   worker answers with `rows` — one compact row per exchange of the tab, every one of them,
 *   as one string (encodeRows) — and then streams `upsert` (full entries, for pages that
 *   asked for them) or `upsertRows` (rows only, as WireRow), `cleared` and `dropped`.
 *
 * Why rows: a stored exchange with its diagnosis is ~4 KB, so a log of 10,000 was ~40 MB through
 * extension messaging and took seconds to show. The list, origin groups, counts and filters
 * need ~120 bytes of it. Extension messaging costs per value and per byte (measured in
 * Chromium 156: 10,000 rows as objects of 15 fields ~1.1 s, the same as one JSON string ~0.7-1 s,
 * as arrays of 13 values ~0.25 s), hence five values per row; the full entries (detail pane, header search, copy, policy, exports)
 * are pulled by the page with `getEntries` in slices small enough that the worker never works
 * long on one (webRequest events that queue behind a long task are lost if the worker is
 * stopped then).
 *
 * When the worker is stopped the port disconnects; the page reconnects by itself and gets
 * the rows again (the log lives in storage.session, so nothing is lost). Each row carries
 * `rev`, a fingerprint of its entry, so the page keeps the full entries it already holds
 * whose rev did not change and pulls only the others.
 */
import type { DiagnosedExchange, ResourceType, TrafficClass, Verdict } from "./cors/model";

export const PORT_NAME = "cors-lens:tab-log";

export interface Settings {
  /** per-tab bound on exchanges kept; oldest dropped first */
  maxExchangesPerTab: number;
  /** per-tab bound on the approximate serialized size of the kept exchanges */
  maxBytesPerTab: number;
  /** exports redact secrets unless the user opts in for that export */
  redactByDefault: boolean;
  /** keep the log across top-level navigations */
  preserveLog: boolean;
  /** stop capturing everywhere */
  paused: boolean;
  /** hosts (page or target) where nothing is captured, e.g. "bank.example" */
  disabledSites: string[];
}

export const DEFAULT_SETTINGS: Settings = {
  maxExchangesPerTab: 2000,
  maxBytesPerTab: 8 * 1024 * 1024,
  redactByDefault: true,
  preserveLog: false,
  paused: false,
  disabledSites: [],
};

export interface VerdictCounts {
  allowed: number;
  blocked: number;
  notCors: number;
  networkError: number;
  pending: number;
  /** exchanges with at least one warning */
  warnings: number;
}

/** Counts per verdict, for the worker's tab list (from entries) and the pages (from rows). */
export function countVerdicts<T>(items: readonly T[], verdictOf: (item: T) => Verdict, warned: (item: T) => boolean): VerdictCounts {
  const counts: VerdictCounts = { allowed: 0, blocked: 0, notCors: 0, networkError: 0, pending: 0, warnings: 0 };
  for (const item of items) {
    const verdict = verdictOf(item);
    if (verdict === "allowed") counts.allowed++;
    else if (verdict === "blocked") counts.blocked++;
    else if (verdict === "not-cors") counts.notCors++;
    else if (verdict === "network-error") counts.networkError++;
    else counts.pending++;
    if (warned(item)) counts.warnings++;
  }
  return counts;
}

/** Everything the worker knows about one tab. */
export interface TabLog {
  tabId: number;
  /** URL of the top-level page when known */
  pageUrl: string | null;
  entries: DiagnosedExchange[];
  /** exchanges removed by the per-tab bound since the log was last cleared */
  dropped: number;
}

export interface TabSummary {
  tabId: number;
  pageUrl: string | null;
  title: string | null;
  counts: VerdictCounts;
}

/** One-shot requests: name → request fields and response. */
export interface RequestMap {
  getLog: { request: { tabId: number }; response: TabLog };
  /** Full entries of a tab by id, as the JSON text of an array of DiagnosedExchange (a string
   * crosses extension messaging as one value; an object graph is converted value by value).
   * Ids no longer in the log are left out. Ask for at most ENTRIES_PER_REQUEST at a time. */
  getEntries: { request: { tabId: number; ids: string[] }; response: { tabId: number; json: string } };
  clearLog: { request: { tabId: number }; response: { ok: true } };
  listTabs: { request: Record<never, never>; response: { tabs: TabSummary[] } };
  getSettings: { request: Record<never, never>; response: Settings };
  setSettings: { request: { settings: Partial<Settings> }; response: Settings };
  /** the tab id of the page asking (popup: the active tab of its window) */
  activeTab: { request: Record<never, never>; response: { tabId: number | null; pageUrl: string | null } };
}

export type RequestType = keyof RequestMap;
export type RequestMessage<K extends RequestType = RequestType> = K extends RequestType
  ? { type: K } & RequestMap[K]["request"]
  : never;
export type ResponseOf<K extends RequestType> = RequestMap[K]["response"];

/**
 * What the exchange list, origin groups, counts, filters and the popup need of one exchange:
 * about 250 bytes instead of the ~4 KB of the full entry. Made by rowOf() on either side.
 */
export interface ExchangeRow {
  id: string;
  /** fingerprint of the full entry (see revOf): equal revs, same entry */
  rev: string;
  startTime: number;
  method: string;
  url: string;
  /** URLs of the redirect hops after the first (searched like the URL) */
  redirects: string[];
  type: ResourceType;
  trafficClass: TrafficClass;
  verdict: Verdict;
  /** final HTTP status, or "(failed)" / "(pending)" / "" */
  status: string;
  failureId: string | null;
  notCorsId: string | null;
  warnings: number;
  preflight: boolean;
  cachedPreflight: boolean;
}

/**
 * An ExchangeRow on the wire: [id, rev, startTime, url, fields] and, when the exchange was
 * redirected, the redirect URLs. `fields` joins method, type, trafficClass, verdict, status,
 * failureId, notCorsId, warnings and flags (1 preflight, 2 cached preflight) with NUL, a
 * character none of them can hold (HTTP tokens, our ids, numbers).
 */
export type WireRow = [string, string, number, string, string] | [string, string, number, string, string, string[]];

const SEP = "\u0000";

export function encodeRow(row: ExchangeRow): WireRow {
  const fields = kindFields(row).join(SEP);
  return row.redirects.length > 0 ? [row.id, row.rev, row.startTime, row.url, fields, row.redirects] : [row.id, row.rev, row.startTime, row.url, fields];
}

/** The row of a WireRow, or null when it is not one. */
export function decodeRow(wire: unknown): ExchangeRow | null {
  if (!Array.isArray(wire) || wire.length < 5) return null;
  const [id, rev, startTime, url, fields, redirects] = wire as unknown[];
  if (typeof id !== "string" || typeof rev !== "string" || typeof startTime !== "number" || typeof url !== "string" || typeof fields !== "string") return null;
  const kind = kindOf(fields.split(SEP));
  if (kind === null) return null;
  return rowFromFields(id, rev, startTime, url, Array.isArray(redirects) ? redirects.filter((r): r is string => typeof r === "string") : [], kind);
}

/** The fields of a row that many rows share (method, type, traffic class, verdict, status,
 * failure, warnings, flags): a log of 10,000 exchanges has a few dozen distinct ones. */
type RowKind = Pick<ExchangeRow, "method" | "type" | "trafficClass" | "verdict" | "status" | "failureId" | "notCorsId" | "warnings" | "preflight" | "cachedPreflight">;

/** The kind of nine fields: method, type, trafficClass, verdict, status, failureId ("" none),
 * notCorsId ("" none), warnings, flags (1 preflight, 2 cached preflight); null if not nine. */
function kindOf(f: readonly string[]): RowKind | null {
  if (f.length !== 9) return null;
  const [method, type, trafficClass, verdict, status, failureId, notCorsId, warnings, flags] = f as [string, string, string, string, string, string, string, string, string];
  return {
    method,
    type,
    trafficClass: trafficClass as TrafficClass,
    verdict: verdict as Verdict,
    status,
    failureId: failureId === "" ? null : failureId,
    notCorsId: notCorsId === "" ? null : notCorsId,
    warnings: Number(warnings) || 0,
    preflight: (Number(flags) & 1) !== 0,
    cachedPreflight: (Number(flags) & 2) !== 0,
  };
}

/** The nine fields of kindOf, from a row. */
function kindFields(row: ExchangeRow): string[] {
  return [
    row.method,
    row.type,
    row.trafficClass,
    row.verdict,
    row.status,
    row.failureId ?? "",
    row.notCorsId ?? "",
    String(row.warnings),
    String((row.preflight ? 1 : 0) | (row.cachedPreflight ? 2 : 0)),
  ];
}

/** The one place a decoded row is put together (decodeRow, decodeRows). */
function rowFromFields(id: string, rev: string, startTime: number, url: string, redirects: string[], k: RowKind): ExchangeRow {
  return {
    id,
    rev,
    startTime,
    method: k.method,
    url,
    redirects,
    type: k.type,
    trafficClass: k.trafficClass,
    verdict: k.verdict,
    status: k.status,
    failureId: k.failureId,
    notCorsId: k.notCorsId,
    warnings: k.warnings,
    preflight: k.preflight,
    cachedPreflight: k.cachedPreflight,
  };
}

/**
 * The rows of a whole log as one string (TabRows.rows). Extension ports serialise messages as
 * JSON: one string costs the worker a few milliseconds where 10,000 arrays of values cost
 * several hundred, and every character counts three times (the worker's serialisation, the
 * copy, the page's parse): 10,000 rows of the benchmark's URLs were 3.9 MB as plain lines and
 * arrived after ~0.9 s. Hence a compact text, made at subscribe from parts cached per entry
 * version (RowText):
 * - a row is a line: `ref, prefix, rest, idPrefix, idRest, time, kind[, redirect URLs]` joined
 *   by tabs. Its URL is the first `prefix` characters of the URL of the row `ref` lines up
 *   (of the rows decoded so far; 1 = the previous row; "" before the first) and `rest`: the
 *   reference is the previous row or the last one whose URL had the same stem (the URL up to
 *   its last "/", "?", "&" or "="), whichever shares more — the same endpoint called again
 *   with other parameters. Its id likewise shares `idPrefix` characters with the previous id;
 *   `time` is the start time minus the previous row's (0 before the first), or "@" and the
 *   start time itself when that difference does not add back exactly or is no shorter;
 * - `kind` is the number of a kind line (RowKind: the nine fields of kindOf joined by tabs),
 *   counted from 0 in order of appearance; a kind line is "=" and those fields, and comes
 *   before the first row that uses it.
 * Neither a tab nor a newline occurs in a URL (the URL parser removes them) or in the other
 * fields (HTTP tokens, our ids, numbers); one that did would be turned into a space.
 */
export interface RowText {
  url: string;
  id: string;
  rev: string;
  startTime: number;
  /** the nine fields of kindOf, cleaned, joined by tabs */
  kind: string;
  redirects: string[];
  /** the URL up to its last "/", "?", "&" or "=" (made here, once per entry version) */
  stem: string;
}

export function rowText(row: ExchangeRow): RowText {
  const url = clean(row.url);
  return {
    url,
    id: clean(row.id),
    rev: clean(row.rev),
    startTime: row.startTime,
    kind: kindFields(row).map(clean).join("\t"),
    redirects: row.redirects.map(clean),
    stem: stemOf(url),
  };
}

function clean(text: string): string {
  return text.includes("\t") || text.includes("\n") ? text.replace(/[\t\n]/g, " ") : text;
}

/** The length of the common prefix of a and b, known to be at least `from`. */
function commonPrefix(a: string, b: string, from = 0): number {
  const max = Math.min(a.length, b.length);
  let n = from;
  while (n < max && a.charCodeAt(n) === b.charCodeAt(n)) n++;
  return n;
}

/** The URL up to (and with) its last "/", "?", "&" or "=". */
function stemOf(url: string): string {
  let i = url.length - 1;
  for (; i >= 0; i--) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 38 || c === 61) break;
  }
  return url.slice(0, i + 1);
}

/** The rows of a log, in this order, as one string. */
export function encodeRows(rows: readonly RowText[]): string {
  const lines: string[] = [];
  const kinds = new Map<string, number>();
  /** stem → index of the last row with it */
  const stems = new Map<string, number>();
  let previousId = "";
  let previousTime = 0;
  for (let i = 0; i < rows.length; i++) {
    const { url, id, rev, startTime, kind, redirects, stem } = rows[i] as RowText;
    let ref = 1;
    let prefix = i > 0 ? commonPrefix(url, (rows[i - 1] as RowText).url) : 0;
    const same = stems.get(stem);
    if (same !== undefined && same < i - 1) {
      const shared = commonPrefix(url, (rows[same] as RowText).url, stem.length);
      if (shared > prefix) {
        prefix = shared;
        ref = i - same;
      }
    }
    stems.set(stem, i);
    let k = kinds.get(kind);
    if (k === undefined) {
      k = kinds.size;
      kinds.set(kind, k);
      lines.push(`=\t${kind}`);
    }
    const idPrefix = commonPrefix(id, previousId);
    const delta = startTime - previousTime;
    const whole = `@${startTime}`;
    const relative = String(delta);
    const time = previousTime + delta === startTime && relative.length < whole.length ? relative : whole;
    const line = `${ref}\t${prefix}\t${url.slice(prefix)}\t${idPrefix}\t${id.slice(idPrefix)}\t${rev}\t${time}\t${k}`;
    lines.push(redirects.length > 0 ? `${line}\t${redirects.join("\t")}` : line);
    previousId = id;
    previousTime = startTime;
  }
  return lines.join("\n");
}

/** The rows of encodeRows; a line that is not one is left out (and a row that refers to it
 * reads "" in its place). Runs once per page load on 10,000 lines, so before the engine has
 * optimised it: indexed loops and reads, no iterator (for-of, array destructuring) per line. */
export function decodeRows(text: unknown): ExchangeRow[] {
  const rows: ExchangeRow[] = [];
  if (typeof text !== "string" || text === "") return rows;
  const kinds: (RowKind | null)[] = [];
  const urls: string[] = [];
  let previousId = "";
  let previousTime = 0;
  const lines = text.split("\n");
  for (let l = 0; l < lines.length; l++) {
    const f = (lines[l] as string).split("\t");
    if (f[0] === "=") {
      kinds.push(kindOf(f.slice(1)));
      continue;
    }
    if (f.length < 8) continue;
    const ref = Number(f[0]);
    const n = Number(f[1]);
    const idPrefix = Number(f[3]);
    const time = f[6] as string;
    const base = urls[urls.length - ref] ?? "";
    const kind = kinds[Number(f[7])];
    const start = time.charCodeAt(0) === 64 ? Number(time.slice(1)) : previousTime + Number(time);
    if (!Number.isInteger(ref) || ref < 1 || !Number.isInteger(n) || n < 0 || n > base.length || !Number.isInteger(idPrefix) || idPrefix < 0 || idPrefix > previousId.length) continue;
    if (kind === undefined || kind === null || time === "" || !Number.isFinite(start)) continue;
    const url = n === 0 ? (f[2] as string) : base.slice(0, n) + (f[2] as string);
    const id = idPrefix === 0 ? (f[4] as string) : previousId.slice(0, idPrefix) + (f[4] as string);
    if (id === "") continue;
    urls.push(url);
    previousId = id;
    previousTime = start;
    rows.push(rowFromFields(id, f[5] as string, start, url, f.length > 8 ? f.slice(8) : [], kind));
  }
  return rows;
}

/** Rows of one tab, as the worker sends them on subscribe. */
export interface TabRows {
  tabId: number;
  pageUrl: string | null;
  /** every exchange in log order (encodeRows; "" when none) */
  rows: string;
  /** exchanges removed by the per-tab bound since the log was last cleared */
  dropped: number;
}

/** Entries per getEntries request: ~1 MB of JSON, a few tens of milliseconds of the worker's time. */
export const ENTRIES_PER_REQUEST = 250;

/**
 * A fingerprint of an entry that changes whenever the entry does. An exchange only grows as
 * its events arrive (hops, headers, responses, preflights, outcome) and is re-diagnosed at
 * each change, so counting what is there and taking the times and states that move is enough;
 * no hash of the whole 4 KB. The description is hashed (FNV-1a, 32 bits) to a few characters:
 * two versions of one exchange collide once in four billion.
 */
export function revOf(entry: DiagnosedExchange): string {
  const text = revText(entry);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function revText(entry: DiagnosedExchange): string {
  const { exchange: ex, diagnosis: d } = entry;
  const parts: (string | number)[] = [ex.outcome.state, "endTime" in ex.outcome ? ex.outcome.endTime : ex.outcome.interrupted ? "i" : "", ex.captureGap ?? ""];
  for (const hop of ex.hops) {
    const r = hop.response;
    const p = hop.preflight;
    parts.push(
      hop.preflightState,
      hop.requestHeaders?.length ?? -1,
      r ? `${r.status}.${r.headers.length}.${r.time}.${r.fromCache ? 1 : 0}.${r.ip ?? ""}` : "",
      p ? `${p.requestHeaders?.length ?? -1}.${p.endTime ?? ""}.${p.response ? `${p.response.status}.${p.response.headers.length}` : ""}.${p.error ?? ""}` : "",
      hop.redirectUrl ?? "",
    );
  }
  parts.push(ex.requestIds.length, d.verdict, d.failure?.id ?? "", d.failure?.variant ?? "", d.notCorsId ?? "", d.warnings.length, d.cachedPreflight ? 1 : 0);
  return parts.join("|");
}

function finalStatusOf(entry: DiagnosedExchange): string {
  const hops = entry.exchange.hops;
  for (let i = hops.length - 1; i >= 0; i--) {
    const response = hops[i]?.response;
    if (response) return String(response.status);
  }
  const outcome = entry.exchange.outcome;
  if (outcome.state === "failed") return "(failed)";
  if (outcome.state === "pending") return "(pending)";
  return "";
}

/** The row of an entry. */
export function rowOf(entry: DiagnosedExchange): ExchangeRow {
  const { exchange: ex, diagnosis: d } = entry;
  return {
    id: ex.id,
    rev: revOf(entry),
    startTime: ex.startTime,
    method: ex.method,
    url: ex.url,
    redirects: ex.hops.slice(1).map((h) => h.url),
    type: ex.type,
    trafficClass: ex.trafficClass,
    verdict: d.verdict,
    status: finalStatusOf(entry),
    failureId: d.failure?.id ?? null,
    notCorsId: d.notCorsId ?? null,
    warnings: d.warnings.length,
    preflight: ex.hops.some((h) => h.preflightState === "sent"),
    cachedPreflight: d.cachedPreflight || ex.hops.some((h) => h.preflightState === "cached"),
  };
}

/** Messages on the live port. `detail: "full"` (the panel) gets every change as the full entry;
 * `"rows"` (the popup) gets rows only and pulls entries with getEntries when it exports. */
export type PortClientMessage = { type: "subscribe"; tabId: number; detail: "full" | "rows" };
export type PortServerMessage =
  | { type: "rows"; log: TabRows }
  | { type: "upsert"; tabId: number; entries: DiagnosedExchange[] }
  | { type: "upsertRows"; tabId: number; rows: WireRow[] }
  | { type: "cleared"; tabId: number; pageUrl: string | null }
  /** the tab's page URL changed with its log kept (a navigation with "preserve log" on), or
   * became known (a tab that loaded before the worker saw it) */
  | { type: "page"; tabId: number; pageUrl: string | null }
  /** `dropped`: the total since the last clear; `ids`: the exchanges this change dropped (the
   * worker's oldest by arrival, which is not always the page's oldest by start time: an
   * exchange that began before a clear comes back after it) */
  | { type: "dropped"; tabId: number; dropped: number; ids: string[] };

/** Structural check used by the worker before trusting a message from a page. */
export function isRequestMessage(value: unknown): value is RequestMessage {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (
    type === "getLog" ||
    type === "getEntries" ||
    type === "clearLog" ||
    type === "listTabs" ||
    type === "getSettings" ||
    type === "setSettings" ||
    type === "activeTab"
  );
}

/**
 * How a page talks to the worker. The entry points inject the real implementation
 * (src/platform/transport.ts, over runtime messaging); UI tests inject a fake. The UI never
 * touches `chrome`/`browser` itself.
 */
export interface Transport {
  request<K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>>;
  /** Opens the live port; `onMessage` gets every server message, `onDisconnect` fires when the
   * worker goes away (the caller reconnects). Returns the handle to send and to close. */
  connect(
    onMessage: (message: PortServerMessage) => void,
    onDisconnect: () => void,
  ): { post(message: PortClientMessage): void; close(): void };
}
