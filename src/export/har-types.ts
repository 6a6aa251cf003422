/**
 * HAR 1.2 types (http://www.softwareishard.com/blog/har-12-spec/) restricted to what CORS Lens
 * writes, plus the `_corsLens` extension objects of shared/reference/har-format.md.
 * Bodies are never exported, so there is no `postData` and no `content.text`.
 */
import type {
  BrowserKind,
  Confidence,
  CredentialsMode,
  FailurePhase,
  Verdict,
} from "../cors/model";

export interface HarNameValue {
  name: string;
  value: string;
}

export interface HarCookie {
  name: string;
  value: string;
  path?: string;
  domain?: string;
  expires?: string;
  httpOnly?: boolean;
  secure?: boolean;
  sameSite?: string;
}

export interface HarRequest {
  method: string;
  url: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  queryString: HarNameValue[];
  headersSize: number;
  bodySize: number;
}

export interface HarContent {
  size: number;
  mimeType: string;
  comment?: string;
}

export interface HarResponse {
  status: number;
  statusText: string;
  httpVersion: string;
  cookies: HarCookie[];
  headers: HarNameValue[];
  content: HarContent;
  redirectURL: string;
  headersSize: number;
  bodySize: number;
  /** Chrome DevTools' field for the network error string (e.g. "net::ERR_FAILED") */
  _error?: string;
}

export interface HarTimings {
  blocked: number;
  dns: number;
  connect: number;
  ssl: number;
  send: number;
  wait: number;
  receive: number;
}

export type CorsLensRole = "request" | "redirect" | "preflight";

export interface CorsLensFailureJson {
  id: string;
  phase: FailurePhase;
  hop?: number;
  header: string | null;
  received: string | null;
  required: string | null;
  missing?: string[];
  confidence: Confidence;
  candidates?: string[];
  browserMessage: string;
}

/** `_corsLens` on an entry (har-format.md, "Entries"). The verdict fields only on `request`. */
export interface CorsLensEntry {
  exchangeId: string;
  role: CorsLensRole;
  hop?: number;
  verdict?: Verdict;
  failure?: CorsLensFailureJson;
  explanation?: string;
  warnings?: { id: string; variant?: string; text: string }[];
  cachedPreflight?: boolean;
  credentials?: CredentialsMode;
  credentialsInferred?: boolean;
}

export interface HarEntry {
  pageref?: string;
  startedDateTime: string;
  time: number;
  request: HarRequest;
  response: HarResponse;
  cache: Record<string, never>;
  timings: HarTimings;
  serverIPAddress?: string;
  /** Chrome DevTools' mark of a response from the browser's cache (webRequest's fromCache is
   * the disk cache); absent when it came from the network */
  _fromCache?: "disk" | "memory";
  /** Chrome DevTools' top-level error field, mirrored from response._error */
  _error?: string;
  /** webRequest resource type, as Chrome DevTools' `_resourceType` */
  _resourceType?: string;
  /** serialized origin of the page that made the request (CORS Lens; absent = unknown) */
  _initiatorOrigin?: string | null;
  _corsLens: CorsLensEntry;
}

export interface CorsLensLog {
  version: 1;
  browser: BrowserKind;
  tabId: number;
  pageUrl: string;
  redacted: boolean;
  dropped: number;
}

export interface HarPage {
  id: string;
  startedDateTime: string;
  title: string;
  pageTimings: { onContentLoad?: number; onLoad?: number };
}

export interface HarLog {
  version: "1.2";
  creator: { name: string; version: string };
  browser: { name: "Chromium" | "Firefox"; version: string };
  pages: HarPage[];
  entries: HarEntry[];
  _corsLens: CorsLensLog;
}

export interface Har {
  log: HarLog;
}
