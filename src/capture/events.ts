/**
 * Capture events: the webRequest event details we keep, normalized across browsers.
 * src/platform turns the browser's callbacks into these (copying only these fields); the
 * pure assembler (src/capture/assembler.ts) turns a stream of them into exchanges.
 * Recorded fixtures in test/fixtures/events/ are arrays of CaptureEvent.
 */
import type { BrowserKind, Header } from "../cors/model";

export type CaptureEventKind =
  | "beforeRequest"
  | "sendHeaders"
  | "headersReceived"
  | "beforeRedirect"
  | "responseStarted"
  | "completed"
  | "errorOccurred";

export interface CaptureEvent {
  kind: CaptureEventKind;
  browser: BrowserKind;
  requestId: string;
  tabId: number;
  frameId: number;
  url: string;
  method: string;
  type: string;
  /** ms since epoch, as webRequest reports it */
  timeStamp: number;
  /** Chromium: serialized origin of the initiator (may be "null") */
  initiator?: string;
  /** Firefox: URL of the resource that triggered the request, and of its document */
  originUrl?: string;
  documentUrl?: string;
  requestHeaders?: Header[];
  responseHeaders?: Header[];
  statusCode?: number;
  statusLine?: string;
  redirectUrl?: string;
  error?: string;
  fromCache?: boolean;
  ip?: string;
}
