/**
 * First step of reading a HAR: every entry, whoever wrote it (CORS Lens, Chrome DevTools,
 * Firefox's network monitor, chrome-har), becomes one NormEntry with plain typed fields, or is
 * rejected with a reason. Nothing here trusts the input's types: every field is narrowed.
 */
import type { Header } from "../cors/model";

export interface NormEntry {
  /** position in the file */
  index: number;
  url: string;
  method: string;
  requestHeaders: Header[];
  /** the request headers are the renderer's provisional list, not what went on the wire
   * (chrome-har without the ExtraInfo event: no Host, no Origin, no Sec-Fetch-*) */
  provisionalHeaders?: boolean;
  status: number;
  statusText: string;
  responseHeaders: Header[];
  /** "" when none */
  redirectURL: string;
  /** ms since epoch */
  start: number;
  /** ms until the response headers arrived (relative to start), when the timings say */
  ttfb: number | null;
  /** total time in ms (entry.time), 0 when unknown */
  time: number;
  error?: string;
  /** Chrome DevTools / chrome-har `_resourceType` (lower-case), or CORS Lens' webRequest type */
  resourceType?: string;
  /** CORS Lens `_initiatorOrigin` (null = recorded as unknown) */
  initiatorOrigin?: string | null;
  /** URL from Chrome DevTools `_initiator` (object) or chrome-har `_initiator` (string) */
  initiatorUrl?: string;
  pageref?: string;
  ip?: string;
  /** Chrome DevTools `_fromCache` ("disk" or "memory") */
  fromCache?: true;
  corsLens?: {
    exchangeId: string;
    role: "request" | "redirect" | "preflight";
    hop?: number;
    verdict?: string;
    cachedPreflight?: boolean;
  };
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** A header value that is not a string: numbers and booleans spelled out, anything else empty
 * (String() of an object runs the file's own `toString`, and `{"toString": 1}` makes it throw). */
function valueText(v: unknown): string {
  return typeof v === "number" || typeof v === "boolean" ? String(v) : "";
}

function headersOf(v: unknown): Header[] {
  if (!Array.isArray(v)) return [];
  const out: Header[] = [];
  for (const h of v) {
    if (isObj(h) && typeof h.name === "string") out.push({ name: h.name, value: typeof h.value === "string" ? h.value : valueText(h.value) });
  }
  return out;
}

function initiatorUrlOf(v: unknown): string | undefined {
  if (typeof v === "string") return v || undefined;
  if (!isObj(v)) return undefined;
  if (typeof v.url === "string" && v.url) return v.url;
  let stack: unknown = v.stack;
  // walk async parents too: the first frame with a URL is the page's script
  for (let depth = 0; isObj(stack) && depth < 16; depth++) {
    const frames = stack.callFrames;
    if (Array.isArray(frames)) for (const f of frames) if (isObj(f) && typeof f.url === "string" && f.url) return f.url;
    stack = stack.parent;
  }
  return undefined;
}

function ttfbOf(timings: unknown): number | null {
  if (!isObj(timings)) return null;
  let sum = 0;
  let known = false;
  for (const key of ["blocked", "dns", "connect", "send", "wait"]) {
    const t = timings[key];
    if (typeof t === "number" && t >= 0) {
      sum += t;
      known = true;
    }
  }
  return known ? sum : null;
}

function corsLensOf(v: unknown): NormEntry["corsLens"] {
  if (!isObj(v) || typeof v.exchangeId !== "string" || v.exchangeId === "") return undefined;
  if (v.role !== "request" && v.role !== "redirect" && v.role !== "preflight") return undefined;
  return {
    exchangeId: v.exchangeId,
    role: v.role,
    ...(typeof v.hop === "number" && Number.isInteger(v.hop) && v.hop >= 1 ? { hop: v.hop } : {}),
    ...(typeof v.verdict === "string" ? { verdict: v.verdict } : {}),
    ...(typeof v.cachedPreflight === "boolean" ? { cachedPreflight: v.cachedPreflight } : {}),
  };
}

/** One HAR entry → NormEntry, or a short reason why it cannot be used. */
export function normalizeEntry(raw: unknown, index: number): NormEntry | string {
  if (!isObj(raw)) return "not an object";
  const req = raw.request;
  const res = raw.response;
  if (!isObj(req)) return "no request object";
  if (typeof req.url !== "string" || req.url === "") return "no request.url";
  if (typeof req.method !== "string" || req.method === "") return "no request.method";
  const start = typeof raw.startedDateTime === "string" ? Date.parse(raw.startedDateTime) : Number.NaN;
  if (Number.isNaN(start)) return "startedDateTime is not a date";
  const response = isObj(res) ? res : {};
  const status = typeof response.status === "number" && Number.isFinite(response.status) ? Math.trunc(response.status) : 0;
  const errors = [raw._error, response._error].filter((e): e is string => typeof e === "string" && e !== "");
  const entry: NormEntry = {
    index,
    url: req.url,
    method: req.method,
    requestHeaders: headersOf(req.headers),
    status,
    statusText: typeof response.statusText === "string" ? response.statusText : "",
    responseHeaders: headersOf(response.headers),
    redirectURL: typeof response.redirectURL === "string" ? response.redirectURL : "",
    start,
    ttfb: ttfbOf(raw.timings),
    time: typeof raw.time === "number" && raw.time >= 0 ? raw.time : 0,
  };
  if (errors[0] !== undefined) entry.error = errors[0];
  if (typeof raw._resourceType === "string") entry.resourceType = raw._resourceType.toLowerCase();
  if (typeof raw._initiatorOrigin === "string" || raw._initiatorOrigin === null) entry.initiatorOrigin = raw._initiatorOrigin;
  const initiatorUrl = initiatorUrlOf(raw._initiator);
  if (initiatorUrl !== undefined) entry.initiatorUrl = initiatorUrl;
  if (typeof raw.pageref === "string") entry.pageref = raw.pageref;
  if (typeof raw.serverIPAddress === "string" && raw.serverIPAddress !== "") entry.ip = raw.serverIPAddress;
  if (raw._fromCache === "disk" || raw._fromCache === "memory") entry.fromCache = true;
  const corsLens = corsLensOf(raw._corsLens);
  if (corsLens) entry.corsLens = corsLens;
  return entry;
}
