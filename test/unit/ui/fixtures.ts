/** Readable builders for UI tests: a diagnosed exchange from a few fields, and a fake
 * Transport that records requests and lets the test play the worker on the port. */
import type { DiagnosedExchange, Failure, Header, TrafficClass, Verdict, Warning } from "../../../src/cors/model";
import type {
  PortClientMessage,
  PortServerMessage,
  RequestMessage,
  RequestType,
  ResponseOf,
  Settings,
  TabLog,
  Transport,
} from "../../../src/protocol";
import { DEFAULT_SETTINGS, encodeRows, rowOf, rowText } from "../../../src/protocol";

export interface EntrySpec {
  id: string;
  url: string;
  method?: string;
  verdict?: Verdict;
  start?: number;
  trafficClass?: TrafficClass;
  type?: string;
  failure?: Partial<Failure> & { id: string };
  warnings?: Warning[];
  requestHeaders?: Header[];
  responseHeaders?: Header[];
  status?: number;
  preflight?: { requestHeaders: Header[]; status: number; headers: Header[] };
  explanation?: string;
  tabId?: number;
}

export function entry(spec: EntrySpec): DiagnosedExchange {
  const start = spec.start ?? 1_700_000_000_000;
  const verdict = spec.verdict ?? (spec.failure ? "blocked" : "allowed");
  const failure: Failure | undefined = spec.failure
    ? {
        phase: "response",
        header: "access-control-allow-origin",
        received: null,
        required: "http://page.test",
        confidence: "certain",
        browserMessage: `Access to fetch at '${spec.url}' from origin 'http://page.test' has been blocked by CORS policy.`,
        ...spec.failure,
      }
    : undefined;
  return {
    exchange: {
      id: spec.id,
      browser: "chromium",
      tabId: spec.tabId ?? 7,
      frameId: 0,
      initiator: "http://page.test",
      type: spec.type ?? "xmlhttprequest",
      method: spec.method ?? "GET",
      url: spec.url,
      startTime: start,
      hops: [
        {
          url: spec.url,
          method: spec.method ?? "GET",
          requestHeaders: spec.requestHeaders ?? [{ name: "Origin", value: "http://page.test" }],
          startTime: start,
          preflightState: spec.preflight ? "sent" : "not-needed",
          preflight: spec.preflight
            ? {
                requestId: `${spec.id}-p`,
                url: spec.url,
                requestHeaders: spec.preflight.requestHeaders,
                startTime: start,
                endTime: start + 5,
                response: { status: spec.preflight.status, statusText: "", headers: spec.preflight.headers, time: start + 5 },
              }
            : undefined,
          response: { status: spec.status ?? 200, statusText: "OK", headers: spec.responseHeaders ?? [], time: start + 10 },
        },
      ],
      outcome: verdict === "blocked" ? { state: "failed", error: "net::ERR_FAILED", endTime: start + 11 } : { state: "completed", endTime: start + 11 },
      trafficClass: spec.trafficClass ?? "cross-origin",
      requestIds: [spec.id],
    },
    diagnosis: {
      verdict,
      failure,
      explanation: spec.explanation ?? (failure ? "The server did not allow http://page.test." : "Allowed."),
      warnings: spec.warnings ?? [],
      cachedPreflight: false,
      credentials: "omit-or-same-origin",
      credentialsInferred: true,
      browser: "chromium",
    },
  };
}

export function tabLog(entries: DiagnosedExchange[], extra: Partial<TabLog> = {}): TabLog {
  return { tabId: 7, pageUrl: "http://page.test/app", entries, dropped: 0, ...extra };
}

/** The `rows` message the worker sends on subscribe, for these entries. */
export function rowsMessage(entries: DiagnosedExchange[], extra: { tabId?: number; pageUrl?: string | null; dropped?: number } = {}): PortServerMessage {
  return {
    type: "rows",
    log: { tabId: extra.tabId ?? 7, pageUrl: extra.pageUrl === undefined ? "http://page.test/app" : extra.pageUrl, rows: encodeRows(entries.map((e) => rowText(rowOf(e)))), dropped: extra.dropped ?? 0 },
  };
}

/** A getEntries handler answering from `log` (what the worker holds), as the worker does. */
export function entriesFrom(log: DiagnosedExchange[]): (m: RequestMessage<"getEntries">) => ResponseOf<"getEntries"> {
  return (m) => {
    const byId = new Map(log.map((e) => [e.exchange.id, e]));
    const found = m.ids.map((id) => byId.get(id)).filter((e) => e !== undefined);
    return { tabId: m.tabId, json: JSON.stringify(found) };
  };
}

type Handlers = { [K in RequestType]?: (message: RequestMessage<K>) => ResponseOf<K> };

/** A Transport the test drives: `push` plays the worker on the open port. */
export interface FakeTransport extends Transport {
  requests: RequestMessage[];
  posted: PortClientMessage[];
  connections: number;
  /** what the fake worker holds: getEntries answers from it (see `show`) */
  held: DiagnosedExchange[];
  push(message: PortServerMessage): void;
  disconnect(): void;
  isOpen(): boolean;
}

export function fakeTransport(handlers: Handlers = {}, settings: Settings = DEFAULT_SETTINGS): FakeTransport {
  let listener: ((m: PortServerMessage) => void) | null = null;
  let onGone: (() => void) | null = null;
  const fake: FakeTransport = {
    requests: [],
    posted: [],
    connections: 0,
    held: [],
    async request<K extends RequestType>(message: RequestMessage<K>): Promise<ResponseOf<K>> {
      fake.requests.push(message);
      const handler = handlers[message.type] as ((m: RequestMessage<K>) => ResponseOf<K>) | undefined;
      if (handler) return handler(message);
      if (message.type === "getSettings") return settings as ResponseOf<K>;
      if (message.type === "clearLog") return { ok: true } as ResponseOf<K>;
      if (message.type === "getEntries") return entriesFrom(fake.held)(message as RequestMessage<"getEntries">) as ResponseOf<K>;
      throw new Error(`unexpected request ${message.type}`);
    },
    connect(onMessage, onDisconnect) {
      fake.connections += 1;
      listener = onMessage;
      onGone = onDisconnect;
      return {
        post: (m) => fake.posted.push(m),
        close: () => {
          listener = null;
          onGone = null;
        },
      };
    },
    push(message) {
      if (!listener) throw new Error("no open port");
      listener(message);
    },
    disconnect() {
      const gone = onGone;
      listener = null;
      onGone = null;
      gone?.();
    },
    isOpen: () => listener !== null,
  };
  return fake;
}
