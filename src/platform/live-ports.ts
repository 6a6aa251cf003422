/**
 * The worker's live ports: pages (panel, popup) subscribe to a tab over a port named PORT_NAME,
 * get every exchange's row in one message, then the tab's changes as they happen; they pull
 * full entries with getEntries (entriesJson). background-service.ts wires it: onConnect is
 * its port listener, every changed entry goes through queueUpsert, and its cleared/dropped
 * messages through post.
 */
import type { DiagnosedExchange } from "../cors/model";
import {
  ENTRIES_PER_REQUEST,
  encodeRow,
  encodeRows,
  PORT_NAME,
  type PortClientMessage,
  type PortServerMessage,
  type RowText,
  rowOf,
  rowText,
  type WireRow,
} from "../protocol";
import type { LogStore } from "./log-store";

/** What a page gets on subscribe: every exchange's row, in one message (protocol.ts
 * encodeRows: ~45 characters a row with the benchmark's URLs). Sending the full entries (~4 KB
 * each) kept a restarted worker busy for seconds with a long log open, and webRequest events
 * that wait behind that work are lost if the worker is stopped again; pages pull full entries
 * with getEntries, a slice at a time (at most this many ids per request). */
const MAX_IDS_PER_REQUEST = ENTRIES_PER_REQUEST * 4;
/** Live updates are gathered this long: an exchange changes several times within a few
 * milliseconds (headers, response started, completed); the page needs it once. */
const PORT_FLUSH_MS = 25;
/** During a burst (the last message carried more than BUSY_FLUSH_ENTRIES changed entries), the
 * next one waits until PORT_BUSY_GAP_MS after it: every message makes the panel render again,
 * and at one per 25 ms an open panel took more of the machine than the worker itself (measured:
 * a 500-request burst with the panel open cost +2 s of the extension process's CPU and 35% more
 * page time). A lone request (one or two entries a message) still shows within PORT_FLUSH_MS. */
const PORT_BUSY_GAP_MS = 100;
const BUSY_FLUSH_ENTRIES = 2;
/** Rows are made ahead, for the next page that subscribes, once no exchange has changed for
 * this long (a burst of traffic is not slowed down by it)… */
const PREPARE_IDLE_MS = 1000;
/** …at most this many entries per task, so that an event arriving meanwhile waits little. */
const PREPARE_PER_TASK = 500;

export interface LivePorts {
  /** the chrome.runtime.onConnect listener */
  onConnect(port: chrome.runtime.Port): void;
  /** a changed entry of a tab, sent to its pages within PORT_FLUSH_MS (and its row made ahead
   * when the worker is idle) */
  queueUpsert(tabId: number, entry: DiagnosedExchange): void;
  /** sends a message to every page of the tab, after the changes still waiting (which are
   * older than it); `cleared` drops them instead */
  post(tabId: number, message: PortServerMessage): void;
  /** the tab is gone: its pages are forgotten */
  removeTab(tabId: number): void;
  /** the JSON text of the asked entries that are still in the log, in the asked order */
  entriesJson(tabId: number, ids: unknown): string;
}

/**
 * `ready(tabId)` settles when a page of that tab may get its rows: the worker has restored its
 * log, and what it can learn of the tab (its page URL) is in it.
 */
export function createLivePorts(store: Pick<LogStore, "get" | "entryOf">, ready: (tabId: number) => Promise<void>): LivePorts {
  /** open pages by tab, each with what it asked for: full entries (panel) or rows (popup) */
  const subscribers = new Map<number, Map<chrome.runtime.Port, PortClientMessage["detail"]>>();
  const outgoing = new Map<number, Map<string, DiagnosedExchange>>();
  let portFlushScheduled = false;
  /** when the last live message went out, and whether it was a burst's */
  let lastFlushAt = Number.NEGATIVE_INFINITY;
  let lastFlushBusy = false;
  const rowCache = new WeakMap<DiagnosedExchange, WireRow>();
  /** each entry's row as text (protocol.ts rowText), made once per entry version: an entry
   * changes by being replaced, so a subscribe only joins lines already made */
  const textCache = new WeakMap<DiagnosedExchange, RowText>();

  function cachedText(entry: DiagnosedExchange): RowText {
    let text = textCache.get(entry);
    if (text === undefined) {
      text = rowText(rowOf(entry));
      textCache.set(entry, text);
    }
    return text;
  }

  // ---- rows made ahead: the first page to open on a long log found none made (10,000 rows
  // were ~0.4 s of the worker's time, before the page got anything). Once the log is still,
  // the worker makes each entry's row and then the tab's whole rows text (what a subscribe
  // sends), so a page opening on a still log gets it at once; any change of the tab drops
  // that text (it would also keep replaced entries alive), and a subscribe during traffic
  // makes it from the rows, most of them made already.
  const changedTabs = new Set<number>();
  let lastChangeAt = 0;
  /** a prepare() task is scheduled */
  let preparing = false;
  /** a tab's rows text and the entries it was made of, in order */
  const tabText = new Map<number, { entries: DiagnosedExchange[]; text: string }>();

  /** The rows text of a log, reused when made of the very same entries. */
  function rowsOf(tabId: number, entries: DiagnosedExchange[]): string {
    const made = tabText.get(tabId);
    if (made && made.entries.length === entries.length && made.entries.every((e, i) => e === entries[i])) return made.text;
    const text = encodeRows(entries.map(cachedText));
    tabText.set(tabId, { entries, text });
    return text;
  }

  function noteChange(tabId: number): void {
    tabText.delete(tabId);
    changedTabs.add(tabId);
    lastChangeAt = Date.now();
    if (!preparing) {
      preparing = true;
      setTimeout(prepare, PREPARE_IDLE_MS);
    }
  }

  /** Makes the rows of changed tabs, PREPARE_PER_TASK at a time, once the log has been still
   * for PREPARE_IDLE_MS; a change meanwhile puts it off again. */
  function prepare(): void {
    const wait = lastChangeAt + PREPARE_IDLE_MS - Date.now();
    if (wait > 0) {
      setTimeout(prepare, wait);
      return;
    }
    preparing = false;
    const tabId = changedTabs.values().next().value;
    if (tabId === undefined) return;
    let made = 0;
    const { entries } = store.get(tabId);
    for (const entry of entries) {
      if (textCache.has(entry)) continue;
      if (made++ >= PREPARE_PER_TASK) break;
      cachedText(entry);
    }
    // done with this tab unless it had more to make (a later change adds it again)
    if (made <= PREPARE_PER_TASK) {
      changedTabs.delete(tabId);
      rowsOf(tabId, entries);
    }
    if (changedTabs.size > 0 && !preparing) {
      preparing = true;
      setTimeout(prepare, 0);
    }
  }

  function cachedRow(entry: DiagnosedExchange): WireRow {
    let row = rowCache.get(entry);
    if (!row) {
      row = encodeRow(rowOf(entry));
      rowCache.set(entry, row);
    }
    return row;
  }

  function send(tabId: number, port: chrome.runtime.Port, message: PortServerMessage): void {
    try {
      port.postMessage(message);
    } catch {
      subscribers.get(tabId)?.delete(port);
    }
  }

  function post(tabId: number, message: PortServerMessage): void {
    tabText.delete(tabId);
    if (message.type === "cleared") outgoing.delete(tabId);
    else if (portFlushScheduled) flushPorts();
    for (const port of [...(subscribers.get(tabId)?.keys() ?? [])]) send(tabId, port, message);
  }

  function flushPorts(): void {
    portFlushScheduled = false;
    let sent = 0;
    for (const [tabId, changed] of outgoing) {
      sent += changed.size;
      const entries = [...changed.values()];
      const ports = [...(subscribers.get(tabId) ?? [])];
      const rows = ports.some(([, detail]) => detail === "rows") ? entries.map(cachedRow) : [];
      for (const [port, detail] of ports) {
        send(tabId, port, detail === "full" ? { type: "upsert", tabId, entries } : { type: "upsertRows", tabId, rows });
      }
    }
    outgoing.clear();
    lastFlushAt = Date.now();
    lastFlushBusy = sent > BUSY_FLUSH_ENTRIES;
  }

  function queueUpsert(tabId: number, entry: DiagnosedExchange): void {
    noteChange(tabId);
    if (!subscribers.get(tabId)?.size) return;
    let m = outgoing.get(tabId);
    if (!m) {
      m = new Map();
      outgoing.set(tabId, m);
    }
    m.set(entry.exchange.id, entry);
    if (!portFlushScheduled) {
      portFlushScheduled = true;
      const gap = lastFlushBusy ? lastFlushAt + PORT_BUSY_GAP_MS - Date.now() : 0;
      setTimeout(flushPorts, Math.max(PORT_FLUSH_MS, gap));
    }
  }

  /** Sends a tab's rows to a page that subscribed: every exchange, in one message. Pending live
   * updates of that tab go first, so that none reaches the page after (older than) its rows. */
  function sendRows(port: chrome.runtime.Port, tabId: number): void {
    if (outgoing.has(tabId)) flushPorts();
    const log = store.get(tabId);
    send(tabId, port, { type: "rows", log: { tabId, pageUrl: log.pageUrl, rows: rowsOf(tabId, log.entries), dropped: log.dropped } });
  }

  function entriesJson(tabId: number, ids: unknown): string {
    const texts: string[] = [];
    if (Array.isArray(ids)) {
      for (const id of ids.slice(0, MAX_IDS_PER_REQUEST)) {
        const entry = typeof id === "string" ? store.entryOf(tabId, id) : undefined;
        if (!entry) continue;
        try {
          texts.push(JSON.stringify(entry));
        } catch {
          // not serialisable (a cycle): the page shows the row without its detail
        }
      }
    }
    return `[${texts.join(",")}]`;
  }

  function onConnect(port: chrome.runtime.Port): void {
    if (port.name !== PORT_NAME) return;
    let subscribed: number | null = null;
    port.onMessage.addListener((raw: unknown) => {
      const message = raw as Partial<PortClientMessage>;
      if (message?.type !== "subscribe" || typeof message.tabId !== "number") return;
      const tabId = message.tabId;
      const detail = message.detail === "rows" ? "rows" : "full";
      void ready(tabId).then(() => {
        if (subscribed !== null) subscribers.get(subscribed)?.delete(port);
        subscribed = tabId;
        let ports = subscribers.get(tabId);
        if (!ports) {
          ports = new Map();
          subscribers.set(tabId, ports);
        }
        ports.set(port, detail);
        sendRows(port, tabId);
      });
    });
    port.onDisconnect.addListener(() => {
      if (subscribed !== null) subscribers.get(subscribed)?.delete(port);
    });
  }

  function removeTab(tabId: number): void {
    subscribers.delete(tabId);
    changedTabs.delete(tabId);
    tabText.delete(tabId);
  }

  return { onConnect, queueUpsert, post, removeTab, entriesJson };
}
