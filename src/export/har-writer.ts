/**
 * HAR 1.2 writer for a tab's log, field by field as shared/reference/har-format.md:
 * one entry per request the browser made (the page's request, each redirect hop, each
 * preflight), in start-time order, each tagged with `_corsLens`; the whole exchange's verdict
 * on its `request` entry. Bodies are never exported. Redaction (on by default in the UI) is
 * applied here, per field, from the original values.
 */
import { headerValue } from "../cors/headers";
import type {
  BrowserKind,
  Diagnosis,
  Exchange,
  Failure,
  Header,
  HttpResponse,
} from "../cors/model";
import type { TabLog } from "../protocol";
import { queryStringOf, requestCookies, responseCookies } from "./har-fields";
import type {
  CorsLensEntry,
  CorsLensFailureJson,
  Har,
  HarEntry,
  HarPage,
  HarResponse,
  HarTimings,
} from "./har-types";
import { redactDiagnosis, redactHeaders, redactUrl } from "./redact";

export interface HarWriteOptions {
  redact: boolean;
  browser: BrowserKind;
  browserVersion: string;
  creatorVersion: string;
  now?: Date;
}

const PAGE_ID = "page_1";

/** One request the browser made, before it becomes a HAR entry. */
interface RawRequest {
  url: string;
  method: string;
  requestHeaders: Header[] | null;
  response?: HttpResponse;
  error?: string;
  startTime: number;
  endTime?: number;
  redirectUrl?: string;
  type: string;
  corsLens: CorsLensEntry;
  initiator?: string | null;
}

const UNKNOWN_TIMINGS: HarTimings = { blocked: -1, dns: -1, connect: -1, ssl: -1, send: -1, wait: -1, receive: -1 };

function timingsOf(raw: RawRequest): { time: number; timings: HarTimings } {
  if (raw.requestHeaders === null && !raw.response) {
    // never sent: the phases are unknown, the total elapsed time may still be known
    const elapsed = raw.endTime !== undefined ? Math.max(0, Math.round(raw.endTime - raw.startTime)) : 0;
    return { time: elapsed, timings: { ...UNKNOWN_TIMINGS } };
  }
  const wait = raw.response ? Math.max(0, Math.round(raw.response.time - raw.startTime)) : 0;
  const end = raw.endTime ?? raw.response?.time;
  const receive = raw.response && end !== undefined ? Math.max(0, Math.round(end - raw.response.time)) : 0;
  const total = raw.response ? wait + receive : end !== undefined ? Math.max(0, Math.round(end - raw.startTime)) : 0;
  return {
    time: total,
    timings: { blocked: -1, dns: -1, connect: -1, ssl: -1, send: 0, wait: raw.response ? wait : total, receive },
  };
}

function contentSize(headers: Header[]): number {
  const length = headerValue(headers, "content-length");
  return length !== null && /^\d+$/.test(length.trim()) ? Number(length.trim()) : -1;
}

function harResponse(raw: RawRequest, redact: boolean): HarResponse {
  const r = raw.response;
  const headers = r ? r.headers : [];
  const response: HarResponse = {
    status: r ? r.status : 0,
    statusText: r ? r.statusText : "",
    httpVersion: "",
    cookies: responseCookies(headers, redact),
    headers: redact ? redactHeaders(headers) : headers.map((h) => ({ name: h.name, value: h.value })),
    content: {
      size: r ? contentSize(headers) : 0,
      mimeType: headerValue(headers, "content-type") ?? "x-unknown",
      comment: "Bodies are not captured by CORS Lens.",
    },
    redirectURL: raw.redirectUrl === undefined ? "" : redact ? redactUrl(raw.redirectUrl) : raw.redirectUrl,
    headersSize: -1,
    bodySize: -1,
  };
  if (raw.error !== undefined) response._error = raw.error;
  return response;
}

function toEntry(raw: RawRequest, redact: boolean, pageref: string | undefined): HarEntry {
  const headers = raw.requestHeaders ?? [];
  const { time, timings } = timingsOf(raw);
  const ip = raw.response?.ip?.replace(/^\[|\]$/g, "");
  return {
    ...(pageref ? { pageref } : {}),
    startedDateTime: new Date(raw.startTime).toISOString(),
    time,
    request: {
      method: raw.method,
      url: redact ? redactUrl(raw.url) : raw.url,
      httpVersion: "",
      cookies: requestCookies(headers, redact),
      headers: redact ? redactHeaders(headers) : headers.map((h) => ({ name: h.name, value: h.value })),
      queryString: queryStringOf(raw.url, redact),
      headersSize: -1,
      bodySize: -1,
    },
    response: harResponse(raw, redact),
    cache: {},
    timings,
    ...(ip ? { serverIPAddress: ip } : {}),
    ...(raw.response?.fromCache ? { _fromCache: "disk" as const } : {}),
    ...(raw.error !== undefined ? { _error: raw.error } : {}),
    _resourceType: raw.type,
    ...(raw.initiator !== undefined ? { _initiatorOrigin: raw.initiator } : {}),
    _corsLens: raw.corsLens,
  };
}

function failureJson(f: Failure): CorsLensFailureJson {
  // key order as the table of har-format.md, for readable files
  return {
    id: f.id,
    phase: f.phase,
    ...(f.hop !== undefined ? { hop: f.hop } : {}),
    header: f.header,
    received: f.received,
    required: f.required,
    ...(f.missing !== undefined ? { missing: [...f.missing] } : {}),
    confidence: f.confidence,
    ...(f.confidence === "likely" && f.candidates !== undefined ? { candidates: [...f.candidates] } : {}),
    browserMessage: f.browserMessage,
  };
}

export function verdictFields(exchangeId: string, d: Diagnosis): CorsLensEntry {
  const fields: CorsLensEntry = { exchangeId, role: "request", verdict: d.verdict };
  if (d.failure && (d.verdict === "blocked" || d.verdict === "network-error")) fields.failure = failureJson(d.failure);
  fields.explanation = d.explanation;
  fields.warnings = d.warnings.map((w) => ({ id: w.id, ...(w.variant !== undefined ? { variant: w.variant } : {}), text: w.text }));
  fields.cachedPreflight = d.cachedPreflight;
  fields.credentials = d.credentials;
  if (d.credentialsInferred) fields.credentialsInferred = true;
  return fields;
}

/** Every request the browser made for one exchange. */
export function requestsOf(exchange: Exchange, diagnosis: Diagnosis): RawRequest[] {
  const raws: RawRequest[] = [];
  const failed = exchange.outcome.state === "failed" ? exchange.outcome : null;
  const lastIndex = exchange.hops.length - 1;
  exchange.hops.forEach((hop, i) => {
    const next = exchange.hops[i + 1];
    const endTime = next ? next.startTime : exchange.outcome.state === "pending" ? undefined : exchange.outcome.endTime;
    const corsLens: CorsLensEntry =
      i === 0 ? verdictFields(exchange.id, diagnosis) : { exchangeId: exchange.id, role: "redirect", hop: i };
    raws.push({
      url: i === 0 ? exchange.url : hop.url,
      method: hop.method,
      requestHeaders: hop.requestHeaders,
      ...(hop.response ? { response: hop.response } : {}),
      ...(i === lastIndex && failed ? { error: failed.error } : {}),
      startTime: hop.startTime,
      ...(endTime !== undefined ? { endTime } : {}),
      ...(hop.redirectUrl !== undefined ? { redirectUrl: hop.redirectUrl } : {}),
      type: exchange.type,
      corsLens,
      ...(i === 0 ? { initiator: exchange.initiator } : {}),
    });
    const p = hop.preflight;
    if (hop.preflightState === "sent" && p) {
      raws.push({
        url: p.url,
        method: "OPTIONS",
        requestHeaders: p.requestHeaders,
        ...(p.response ? { response: p.response } : {}),
        ...(p.error !== undefined ? { error: p.error } : {}),
        startTime: p.startTime,
        ...(p.endTime !== undefined ? { endTime: p.endTime } : {}),
        type: exchange.type,
        corsLens: { exchangeId: exchange.id, role: "preflight", ...(i > 0 ? { hop: i } : {}) },
      });
    }
  });
  // A request with no hop at all (never observed past its creation) is still one request.
  if (exchange.hops.length === 0) {
    raws.push({
      url: exchange.url,
      method: exchange.method,
      requestHeaders: null,
      ...(failed ? { error: failed.error } : {}),
      startTime: exchange.startTime,
      type: exchange.type,
      corsLens: verdictFields(exchange.id, diagnosis),
      initiator: exchange.initiator,
    });
  }
  return raws;
}

function browserName(kind: BrowserKind): "Chromium" | "Firefox" {
  return kind === "firefox" ? "Firefox" : "Chromium";
}

export function toHar(log: TabLog, options: HarWriteOptions): Har {
  const rows: { raw: RawRequest; order: number }[] = [];
  let order = 0;
  for (const { exchange, diagnosis } of log.entries) {
    const d = options.redact ? redactDiagnosis(diagnosis, exchange) : diagnosis;
    for (const raw of requestsOf(exchange, d)) rows.push({ raw, order: order++ });
  }
  // start-time order; ties keep the exchange's own order (request before its preflight)
  rows.sort((a, b) => a.raw.startTime - b.raw.startTime || a.order - b.order);
  const pageUrl = log.pageUrl === null ? "" : options.redact ? redactUrl(log.pageUrl) : log.pageUrl;
  const pages: HarPage[] = [];
  if (pageUrl !== "") {
    const first = rows[0]?.raw.startTime ?? (options.now ?? new Date()).getTime();
    pages.push({ id: PAGE_ID, startedDateTime: new Date(first).toISOString(), title: pageUrl, pageTimings: {} });
  }
  const pageref = pages.length > 0 ? PAGE_ID : undefined;
  return {
    log: {
      version: "1.2",
      creator: { name: "CORS Lens", version: options.creatorVersion },
      browser: { name: browserName(options.browser), version: options.browserVersion },
      pages,
      entries: rows.map(({ raw }) => toEntry(raw, options.redact, pageref)),
      _corsLens: {
        version: 1,
        browser: options.browser,
        tabId: log.tabId,
        pageUrl,
        redacted: options.redact,
        dropped: log.dropped,
      },
    },
  };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/** `cors-lens-<host>[_<port>]-<YYYYMMDD-HHMMSS>.har`, local time, no `:` anywhere. */
export function harFileName(pageUrl: string | null, date: Date): string {
  let host = "page";
  if (pageUrl !== null) {
    try {
      const url = new URL(pageUrl);
      const name = url.hostname.replace(/^\[|\]$/g, "").replace(/:/g, "-");
      if (name !== "") host = url.port ? `${name}_${url.port}` : name;
    } catch {
      // not a URL (about:blank was already handled by URL); keep the neutral name
    }
  }
  host = host.replace(/[^A-Za-z0-9._-]/g, "_");
  const stamp = `${date.getFullYear()}${pad(date.getMonth() + 1)}${pad(date.getDate())}-${pad(date.getHours())}${pad(date.getMinutes())}${pad(date.getSeconds())}`;
  return `cors-lens-${host}-${stamp}.har`;
}
