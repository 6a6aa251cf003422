/** Readable builders for diagnosed exchanges (hand-made diagnoses, as the brief asks). */
import type { DiagnosedExchange, Diagnosis, Failure, Header, Hop, HttpResponse, Warning } from "../../../src/cors/model";

export const PAGE = "http://127.0.0.1:8080";
export const API = "http://localhost:3000";

/** Headers from a "Name: value" block, one per line. */
export function headers(block: string): Header[] {
  return block
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const colon = line.indexOf(":");
      return { name: line.slice(0, colon).trim(), value: line.slice(colon + 1).trim() };
    });
}

export function response(status: number, block = ""): HttpResponse {
  return { status, statusText: "", headers: headers(block), time: 2 };
}

export interface HopSpec {
  url: string;
  method?: string;
  request?: string;
  /** preflight request headers block; its presence means an OPTIONS was sent */
  preflightRequest?: string;
  preflightResponse?: HttpResponse;
  response?: HttpResponse;
  redirectUrl?: string;
  cached?: boolean;
}

function hop(spec: HopSpec, method: string): Hop {
  const h: Hop = {
    url: spec.url,
    method: spec.method ?? method,
    requestHeaders: spec.request === undefined ? null : headers(spec.request),
    startTime: 1,
    preflightState: spec.preflightRequest !== undefined ? "sent" : spec.cached ? "cached" : "not-needed",
  };
  if (spec.preflightRequest !== undefined) {
    h.preflight = { requestId: "p1", url: spec.url, requestHeaders: headers(spec.preflightRequest), startTime: 1 };
    if (spec.preflightResponse) h.preflight.response = spec.preflightResponse;
  }
  if (spec.response) h.response = spec.response;
  if (spec.redirectUrl) h.redirectUrl = spec.redirectUrl;
  return h;
}

export interface ExchangeSpec {
  page?: string;
  method?: string;
  hops: HopSpec[];
  verdict?: Diagnosis["verdict"];
  failure?: Partial<Failure> & { id: string };
  warnings?: string[];
  credentials?: Diagnosis["credentials"];
  notCorsId?: string;
  trafficClass?: DiagnosedExchange["exchange"]["trafficClass"];
  id?: string;
}

export function entry(spec: ExchangeSpec): DiagnosedExchange {
  const method = spec.method ?? "GET";
  const first = spec.hops[0];
  if (!first) throw new Error("an exchange needs a hop");
  const failure: Failure | undefined = spec.failure
    ? {
        phase: "response",
        header: null,
        received: null,
        required: null,
        confidence: "certain",
        browserMessage: "",
        ...spec.failure,
      }
    : undefined;
  const warnings: Warning[] = (spec.warnings ?? []).map((id) => ({ id, text: id }));
  const diagnosis: Diagnosis = {
    verdict: spec.verdict ?? (failure ? "blocked" : "allowed"),
    explanation: "",
    warnings,
    cachedPreflight: false,
    credentials: spec.credentials ?? "omit-or-same-origin",
    credentialsInferred: false,
    browser: "chromium",
  };
  if (failure) diagnosis.failure = failure;
  if (spec.notCorsId) diagnosis.notCorsId = spec.notCorsId;
  return {
    exchange: {
      id: spec.id ?? "x1",
      browser: "chromium",
      tabId: 1,
      frameId: 0,
      initiator: spec.page ?? PAGE,
      type: "xmlhttprequest",
      method,
      url: first.url,
      startTime: 1,
      hops: spec.hops.map((h) => hop(h, method)),
      outcome: failure ? { state: "failed", error: "net::ERR_FAILED", endTime: 3 } : { state: "completed", endTime: 3 },
      trafficClass: spec.trafficClass ?? "cross-origin",
      requestIds: ["1"],
    },
    diagnosis,
  };
}

/** name → value map of header lines, for compact expectations. */
export function asMap(lines: Header[]): Record<string, string> {
  return Object.fromEntries(lines.map((h) => [h.name, h.value]));
}
