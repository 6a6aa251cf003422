/**
 * Defensive view of an exchange: diagnose() must never throw on partial or hostile input
 * (imports, old storage, fuzzing). Well-formed exchanges pass through without copying; a
 * malformed one gets a shallow repaired copy with the same meaning where possible.
 */
import type { BrowserKind, Exchange, ExchangeHints, Header, Hop, HttpResponse, Outcome, Preflight, PreflightState, TrafficClass } from "./model";
import { originOf } from "./origin";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}
function str(v: unknown, fallback: string): string {
  return typeof v === "string" ? v : fallback;
}
function num(v: unknown, fallback: number): number {
  return typeof v === "number" && Number.isFinite(v) ? v : fallback;
}
function headers(v: unknown): Header[] | null {
  if (!Array.isArray(v)) return null;
  let clean = true;
  for (const h of v) if (!isObject(h) || typeof h.name !== "string" || typeof h.value !== "string") clean = false;
  if (clean) return v as Header[];
  return v.filter((h): h is Header => isObject(h) && typeof h.name === "string" && typeof h.value === "string");
}
function response(v: unknown): HttpResponse | undefined {
  if (!isObject(v) || typeof v.status !== "number" || !Number.isFinite(v.status)) return undefined;
  const h = headers(v.headers);
  if (h === v.headers && typeof v.statusText === "string") return v as unknown as HttpResponse;
  const r: HttpResponse = { status: v.status, statusText: str(v.statusText, ""), headers: h ?? [], time: num(v.time, 0) };
  if (typeof v.ip === "string") r.ip = v.ip;
  if (typeof v.fromCache === "boolean") r.fromCache = v.fromCache;
  return r;
}
function preflight(v: unknown, url: string): Preflight | undefined {
  if (!isObject(v)) return undefined;
  const p: Preflight = { requestId: str(v.requestId, ""), url: str(v.url, url), requestHeaders: headers(v.requestHeaders), startTime: num(v.startTime, 0) };
  const r = response(v.response);
  if (r) p.response = r;
  if (typeof v.error === "string") p.error = v.error;
  return p;
}
const STATES = new Set(["sent", "cached", "not-needed", "unknown"]);
function hop(v: unknown, fallbackUrl: string, fallbackMethod: string): Hop | null {
  if (!isObject(v)) return null;
  const url = str(v.url, fallbackUrl);
  const h: Hop = {
    url,
    method: str(v.method, fallbackMethod),
    requestHeaders: headers(v.requestHeaders),
    startTime: num(v.startTime, 0),
    preflightState: (typeof v.preflightState === "string" && STATES.has(v.preflightState) ? v.preflightState : "unknown") as PreflightState,
  };
  const p = preflight(v.preflight, url);
  if (p) h.preflight = p;
  const r = response(v.response);
  if (r) h.response = r;
  if (typeof v.redirectUrl === "string") h.redirectUrl = v.redirectUrl;
  return h;
}
function outcome(v: unknown): Outcome {
  if (isObject(v)) {
    if (cleanOutcome(v)) return v as unknown as Outcome;
    if (v.state === "completed") return { state: "completed", endTime: num(v.endTime, 0) };
    if (v.state === "failed") return { state: "failed", error: str(v.error, "unknown error"), endTime: num(v.endTime, 0) };
    if (v.state === "pending") return v.interrupted === true ? { state: "pending", interrupted: true } : { state: "pending" };
  }
  return { state: "pending" };
}
const CLASSES = new Set(["cross-origin", "same-origin", "navigation", "extension", "non-http"]);

/** Header lines headers() keeps as they are (null stays null). */
function cleanHeaders(v: unknown): boolean {
  if (v === null) return true;
  if (!Array.isArray(v)) return false;
  for (const h of v) if (!isObject(h) || typeof h.name !== "string" || typeof h.value !== "string") return false;
  return true;
}
/** A response response() returns as it is. */
function cleanResponse(v: unknown): boolean {
  return isObject(v) && typeof v.status === "number" && Number.isFinite(v.status) && cleanHeaders(v.headers) && typeof v.statusText === "string";
}
const finite = (v: unknown) => typeof v === "number" && Number.isFinite(v);
/** A preflight preflight() would rebuild field for field equal. */
function cleanPreflight(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.requestId === "string" &&
    typeof v.url === "string" &&
    cleanHeaders(v.requestHeaders) &&
    finite(v.startTime) &&
    (v.response === undefined || cleanResponse(v.response)) &&
    (v.error === undefined || typeof v.error === "string")
  );
}
/** A hop hop() would rebuild field for field equal. */
function cleanHop(v: unknown): boolean {
  return (
    isObject(v) &&
    typeof v.url === "string" &&
    typeof v.method === "string" &&
    cleanHeaders(v.requestHeaders) &&
    finite(v.startTime) &&
    (v.response === undefined || cleanResponse(v.response)) &&
    (v.preflight === undefined || cleanPreflight(v.preflight)) &&
    (v.redirectUrl === undefined || typeof v.redirectUrl === "string") &&
    typeof v.preflightState === "string" &&
    STATES.has(v.preflightState)
  );
}
/** An outcome outcome() returns as it is. */
function cleanOutcome(v: unknown): boolean {
  if (!isObject(v)) return false;
  if (v.state === "completed") return typeof v.endTime === "number";
  if (v.state === "failed") return typeof v.error === "string" && typeof v.endTime === "number";
  return v.state === "pending" && (v.interrupted === undefined || typeof v.interrupted === "boolean");
}

/**
 * Whether the repair below would give back the same meaning in a copy: then the exchange is
 * used as it is. Checked without building anything — the engine diagnoses every exchange on
 * each of its changes, and building the repaired hops only to compare them cost the worker
 * more than the diagnosis of an exchange in flight itself (bench/profile.ts).
 */
function wellFormed(v: Record<string, unknown>): boolean {
  if (!Array.isArray(v.hops) || v.hops.length === 0) return false;
  for (const h of v.hops) if (!cleanHop(h)) return false;
  return (
    typeof v.url === "string" &&
    typeof v.method === "string" &&
    typeof v.type === "string" &&
    (v.initiator === null || typeof v.initiator === "string") &&
    (v.browser === "chromium" || v.browser === "firefox") &&
    typeof v.trafficClass === "string" &&
    CLASSES.has(v.trafficClass) &&
    cleanOutcome(v.outcome)
  );
}

/** The browser an exchange names; anything but "firefox" is read as Chromium. */
export function browserOf(value: unknown): BrowserKind {
  return value === "firefox" ? "firefox" : "chromium";
}

/** Returns the exchange itself when it is well formed (the common case: no allocation), else a
 * repaired copy. */
export function normalizeExchange(input: unknown): Exchange {
  return isObject(input) && wellFormed(input) ? (input as unknown as Exchange) : repairExchange(input);
}

/** The repaired copy: every field of the model checked, what is missing or malformed filled in
 * or left out (exported for the test that the fast path above never changes a diagnosis). */
export function repairExchange(input: unknown): Exchange {
  const v: Record<string, unknown> = isObject(input) ? input : {};
  const url = str(v.url, "");
  const method = str(v.method, "GET");
  const rawHops = Array.isArray(v.hops) ? v.hops : [];
  const hops: Hop[] = [];
  for (const raw of rawHops) {
    const h = hop(raw, url, method);
    if (h !== null) hops.push(h);
  }
  if (hops.length === 0 && url !== "") hops.push({ url, method, requestHeaders: null, startTime: 0, preflightState: "unknown" });
  const initiator = typeof v.initiator === "string" ? v.initiator : null;
  const out = outcome(v.outcome);
  const trafficClass = (typeof v.trafficClass === "string" && CLASSES.has(v.trafficClass) ? v.trafficClass : initiator !== null && initiator !== "null" && url !== "" && originOf(url) === initiator ? "same-origin" : "cross-origin") as TrafficClass;
  const browser = browserOf(v.browser);
  const hints = isObject(v.hints) ? (v.hints as ExchangeHints) : undefined;
  const ex: Exchange = {
    id: str(v.id, ""),
    browser,
    tabId: num(v.tabId, -1),
    frameId: num(v.frameId, 0),
    initiator,
    type: str(v.type, "other"),
    method,
    url,
    startTime: num(v.startTime, 0),
    hops,
    outcome: out,
    trafficClass,
    requestIds: Array.isArray(v.requestIds) ? v.requestIds.filter((x): x is string => typeof x === "string") : [],
  };
  if (hints) ex.hints = hints;
  if (v.captureGap === "start" || v.captureGap === "after-start") ex.captureGap = v.captureGap;
  return ex;
}
