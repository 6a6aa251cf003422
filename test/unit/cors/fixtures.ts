/**
 * Readable exchange fixtures for the engine tests: describe what the page asked and what the
 * server answered; the builder fills in what the browser adds (Origin, Sec-Fetch-Mode,
 * User-Agent, the preflight's Access-Control-Request-* headers) the way Chromium/Firefox do.
 */
import type { BrowserKind, Exchange, ExchangeHints, Header, Hop, Outcome, TrafficClass } from "../../../src/cors/model";
import { needsPreflight } from "../../../src/cors/preflight";

export type Headers = Record<string, string | string[]> | [string, string][];

export const PAGE = "http://127.0.0.1:3000";
export const API = "http://localhost:4000/api";

export function headers(h: Headers | undefined): Header[] {
  if (!h) return [];
  if (Array.isArray(h)) return h.map(([name, value]) => ({ name, value }));
  const out: Header[] = [];
  for (const [name, v] of Object.entries(h)) for (const value of Array.isArray(v) ? v : [v]) out.push({ name, value });
  return out;
}

export interface Answer {
  status: number;
  headers?: Headers;
  ip?: string;
}

export interface Spec {
  browser?: BrowserKind;
  origin?: string;
  url?: string;
  method?: string;
  type?: string;
  /** headers the script set */
  headers?: Headers;
  /** Sec-Fetch-Mode the browser sends; `none` = no Sec-Fetch-Mode (non-trustworthy URL) */
  mode?: "cors" | "no-cors" | "navigate" | "same-origin" | "none";
  cookie?: string;
  /** extra browser-added request headers */
  browserHeaders?: Headers;
  /** the OPTIONS answer (or its network error) */
  preflight?: Answer | { error: string; status?: undefined; headers?: undefined } | (Answer & { error: string });
  /** the preflight's own request headers, when the test wants them exact */
  preflightRequestHeaders?: Headers | null;
  /** whether the preflight was cached (no OPTIONS seen although needed) */
  cachedPreflight?: boolean;
  /** 3xx answers on the way, in order */
  redirects?: { status: number; location: string; headers?: Headers }[];
  /** final answer; null = the request was never sent */
  response?: Answer | null;
  /** "completed", "pending", "interrupted" or an error string */
  outcome?: string;
  hints?: ExchangeHints;
  trafficClass?: TrafficClass;
}

let seq = 0;

export function exchange(spec: Spec): Exchange {
  const browser = spec.browser ?? "chromium";
  const origin = spec.origin ?? PAGE;
  const url = spec.url ?? API;
  const method = spec.method ?? "GET";
  const mode = spec.mode ?? "cors";
  const script = headers(spec.headers);
  const sentHeaders = (hopOrigin: string): Header[] => {
    const h: Header[] = [...script];
    if (mode !== "no-cors" && mode !== "navigate") h.push({ name: "Origin", value: hopOrigin });
    if (mode !== "none") h.push({ name: "Sec-Fetch-Mode", value: mode });
    h.push({ name: "User-Agent", value: "Mozilla/5.0 (test)" });
    if (spec.cookie) h.push({ name: "Cookie", value: spec.cookie });
    h.push(...headers(spec.browserHeaders));
    return h;
  };
  const need = needsPreflight(method, script, browser);
  const hops: Hop[] = [];
  const chain = [url, ...(spec.redirects ?? []).map((r) => r.location)];
  let hopOrigin = origin;
  for (let i = 0; i < chain.length; i++) {
    const hopUrl = chain[i] as string;
    const hop: Hop = { url: hopUrl, method, requestHeaders: null, startTime: 1000 + i, preflightState: "not-needed" };
    if (i === 0 && spec.preflight) {
      const preHeaders: Header[] =
        spec.preflightRequestHeaders === null
          ? []
          : spec.preflightRequestHeaders !== undefined
            ? headers(spec.preflightRequestHeaders)
            : [
                { name: "Accept", value: "*/*" },
                { name: "Access-Control-Request-Method", value: method },
                ...(need.unsafeHeaders.length > 0 ? [{ name: "Access-Control-Request-Headers", value: need.unsafeHeaders.join(",") }] : []),
                { name: "Origin", value: origin },
                { name: "Sec-Fetch-Mode", value: "cors" },
              ];
      hop.preflightState = "sent";
      hop.preflight = { requestId: `p${seq}`, url: hopUrl, requestHeaders: spec.preflightRequestHeaders === null ? null : preHeaders, startTime: 999 };
      const p = spec.preflight;
      if (typeof p.status === "number") hop.preflight.response = { status: p.status, statusText: "", headers: headers(p.headers), time: 999 };
      if ("error" in p && typeof p.error === "string") hop.preflight.error = p.error;
    } else if (i === 0 && spec.cachedPreflight) hop.preflightState = "cached";
    const redirect = spec.redirects?.[i];
    if (redirect) {
      hop.requestHeaders = sentHeaders(hopOrigin);
      hop.response = { status: redirect.status, statusText: "", headers: [...headers(redirect.headers), { name: "Location", value: redirect.location }], time: 1001 + i };
      hop.redirectUrl = redirect.location;
      // Tainting as the browser does it, so that fixtures carry the Origin really sent.
      try {
        const from = new URL(hopUrl).origin;
        const to = new URL(redirect.location).origin;
        if (from !== to && from !== origin) hopOrigin = "null";
      } catch {
        hopOrigin = "null";
      }
    } else if (spec.response !== null && i === chain.length - 1) {
      hop.requestHeaders = sentHeaders(hopOrigin);
      const r: Answer = spec.response ?? { status: 200, headers: {} };
      hop.response = { status: r.status, statusText: "", headers: headers(r.headers), time: 1010 };
      if (r.ip) hop.response.ip = r.ip;
    }
    hops.push(hop);
  }
  let outcome: Outcome;
  const o = spec.outcome ?? "completed";
  if (o === "completed") outcome = { state: "completed", endTime: 2000 };
  else if (o === "pending") outcome = { state: "pending" };
  else if (o === "interrupted") outcome = { state: "pending", interrupted: true };
  else outcome = { state: "failed", error: o, endTime: 2000 };
  let trafficClass: TrafficClass = spec.trafficClass ?? "cross-origin";
  if (!spec.trafficClass) {
    try {
      if (new URL(url).origin === origin) trafficClass = "same-origin";
    } catch {
      trafficClass = "non-http";
    }
  }
  const ex: Exchange = {
    id: `x${++seq}`,
    browser,
    tabId: 1,
    frameId: 0,
    initiator: origin,
    type: spec.type ?? "xmlhttprequest",
    method,
    url,
    startTime: 1000,
    hops,
    outcome,
    trafficClass,
    requestIds: [`${seq}`],
  };
  if (spec.hints) ex.hints = spec.hints;
  return ex;
}

export const ACAO = (v = PAGE) => ({ "Access-Control-Allow-Origin": v });
