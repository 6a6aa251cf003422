/**
 * The one file that types every message between the background worker and the extension
 * pages (DevTools panel, standalone panel, popup, options). Both sides import these types;
 * nothing else crosses the boundary.
 *
 * Two channels:
 * - one-shot requests (`runtime.sendMessage`): RequestMap below, a typed request → response;
 * - a long-lived port named PORT_NAME for live updates: the page sends `subscribe`, the
 *   worker answers with a `snapshot` and then streams `upsert` / `cleared` / `dropped`.
 *   When the worker is stopped the port disconnects; the page reconnects by itself and gets
 *   a fresh snapshot (the log lives in storage.session, so nothing is lost).
 */
import type { DiagnosedExchange } from "./cors/model";

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

/** Messages on the live port. */
export type PortClientMessage = { type: "subscribe"; tabId: number };
export type PortServerMessage =
  | { type: "snapshot"; log: TabLog }
  | { type: "upsert"; tabId: number; entries: DiagnosedExchange[] }
  | { type: "cleared"; tabId: number; pageUrl: string | null }
  | { type: "dropped"; tabId: number; dropped: number };

/** Structural check used by the worker before trusting a message from a page. */
export function isRequestMessage(value: unknown): value is RequestMessage {
  if (typeof value !== "object" || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return (
    type === "getLog" ||
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
