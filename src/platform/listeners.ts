/**
 * Registers the webRequest listeners (must run synchronously at the top level of the worker,
 * so that an event that wakes the worker finds its listener). Each listener copies only
 * CaptureEvent fields and hands them on; nothing can throw out of a listener.
 *
 * `extraHeaders` exists only in Chromium, where it is needed to see preflights and headers
 * such as Cookie/Set-Cookie; Firefox rejects the option, so the option arrays are chosen per
 * browser (the build's __BROWSER__, confirmed by the API's own OnSendHeadersOptions enum).
 */

import type { CaptureEvent, CaptureEventKind } from "../capture/events";
import type { BrowserKind } from "../cors/model";
import { normalizeDetails } from "./normalize";

export type EventSink = (event: CaptureEvent) => void;

type ExtraSpec = string[];

interface WebRequestEvent {
  addListener(callback: (details: unknown) => void, filter: { urls: string[] }, extraInfoSpec?: ExtraSpec): void;
}

/** The subset of the webRequest namespace used here (chrome.webRequest or browser.webRequest). */
export interface WebRequestApi {
  onBeforeRequest: WebRequestEvent;
  onSendHeaders: WebRequestEvent;
  onHeadersReceived: WebRequestEvent;
  onBeforeRedirect: WebRequestEvent;
  onResponseStarted: WebRequestEvent;
  onCompleted: WebRequestEvent;
  onErrorOccurred: WebRequestEvent;
  OnSendHeadersOptions?: Record<string, string>;
}

export function supportsExtraHeaders(api: WebRequestApi, browser: BrowserKind): boolean {
  const options = api.OnSendHeadersOptions;
  if (options && typeof options === "object") return Object.values(options).includes("extraHeaders");
  return browser === "chromium";
}

/** Feeds one webRequest details object through the same code as the listener of `kind`. */
export type DetailsDispatch = (kind: CaptureEventKind, details: unknown) => void;

/**
 * Name of the worker global that holds the DetailsDispatch: the benchmarks (bench/memory.ts,
 * bench/panel.ts) replay recorded details through it, because 100,000 real requests take
 * Chromium longer than a benchmark may run on a small machine. Like the debug recorder, only
 * code with DevTools-protocol access to the worker reaches a worker global: pages, content
 * scripts and other extensions cannot.
 */
export const REPLAY_GLOBAL = "__corsLensReplay";

export function registerCaptureListeners(api: WebRequestApi, browser: BrowserKind, sink: EventSink): DetailsDispatch {
  const extra = supportsExtraHeaders(api, browser) ? ["extraHeaders"] : [];
  const filter = { urls: ["<all_urls>"] };
  const dispatch: DetailsDispatch = (kind, details) => {
    try {
      const normalized = normalizeDetails(kind, details, browser);
      if (normalized) sink(normalized);
    } catch (error) {
      console.warn("[cors-lens] capture listener failed", error);
    }
  };
  const listen = (event: WebRequestEvent, kind: CaptureEventKind, spec: ExtraSpec) => {
    const listener = (details: unknown) => dispatch(kind, details);
    if (spec.length > 0) event.addListener(listener, filter, spec);
    else event.addListener(listener, filter);
  };
  listen(api.onBeforeRequest, "beforeRequest", []);
  listen(api.onSendHeaders, "sendHeaders", ["requestHeaders", ...extra]);
  listen(api.onHeadersReceived, "headersReceived", ["responseHeaders", ...extra]);
  listen(api.onBeforeRedirect, "beforeRedirect", ["responseHeaders", ...extra]);
  listen(api.onResponseStarted, "responseStarted", []);
  listen(api.onCompleted, "completed", ["responseHeaders", ...extra]);
  listen(api.onErrorOccurred, "errorOccurred", []);
  (globalThis as Record<string, unknown>)[REPLAY_GLOBAL] = dispatch;
  return dispatch;
}
