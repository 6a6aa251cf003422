/**
 * The background worker's wiring: webRequest events → assembler → diagnosis → per-tab log
 * (storage.session) → live ports, one-shot messages and the action badge.
 *
 * Start-up order matters for a worker that the browser stops and restarts at will:
 * listeners are registered synchronously (the event that woke the worker must find them),
 * events that arrive while the stored state is being restored are queued and replayed after.
 */

import { type AssemblerSnapshot, createAssembler } from "../capture/assembler";
import { attributeToTabs } from "../capture/attribution";
import type { CaptureEvent } from "../capture/events";
import { originOf } from "../capture/headers";
import { diagnose } from "../cors/diagnose";
import type { BrowserKind, DiagnosedExchange, Exchange } from "../cors/model";
import { countVerdicts, isRequestMessage, type RequestMessage, type Settings, type TabSummary } from "../protocol";
import { createBadge } from "./badge";
import { bootIdOf, type Journal, journalKey, journalOf } from "./journal";
import { registerCaptureListeners, type WebRequestApi } from "./listeners";
import { createLivePorts } from "./live-ports";
import { createLogStore } from "./log-store";
import { createPageUrls } from "./page-urls";
import { readAllInChunks } from "./read-storage";
import { createRecorder } from "./recorder";
import { endedRequestIds, markInterrupted, restoredExchanges } from "./restore";
import { defaultSettings, mergeSettings, SETTINGS_KEY, siteDisabled } from "./settings";
import { drainInSlices, SLICE_MS } from "./slices";
import { canDeferWrite } from "./write-policy";
import type { KeyValueStore } from "./write-queue";

const AUX_KEY = "asm:aux";
/** an exchange with no event for this long is considered cut off (worker or browser gone) */
const STALE_MS = 10 * 60 * 1000;

/** storage.session as the log store's KeyValueStore; `onLoad` also sees the keys the log
 * store ignores (the journal), from the same read. */
function sessionStore(onLoad: (all: Record<string, unknown>) => void): KeyValueStore {
  return {
    get: async () => {
      const all = await readAllInChunks(chrome.storage.session);
      onLoad(all);
      return all;
    },
    set: (items) => chrome.storage.session.set(items),
    remove: (keys) => chrome.storage.session.remove(keys),
  };
}

export function startBackground(browser: BrowserKind): void {
  const recorder = createRecorder();
  (globalThis as { __corsLensRecorder?: unknown }).__corsLensRecorder = recorder;

  const assembler = createAssembler({ browser });
  let journal: Journal = { events: [], keys: [], invalid: [] };
  const store = createLogStore(
    sessionStore((all) => {
      journal = journalOf(all);
    }),
    { onWriteError: (error) => console.warn("[cors-lens] storage write failed", error), beforeWrite: handleHeld },
  );
  /**
   * Events that came since the log's last storage call, handled when the next call is made
   * (the log store's beforeWrite), just before it gathers what changed. Their changes go out in
   * the same call, at the same moment, as had each been handled when it came: while a call is
   * in flight, changes wait for its answer anyway. Handled together instead of one by one
   * between the browser's other work, a burst's events cost the worker less (bench/profile.ts);
   * the worker's view (ports, badge) is at most one call behind the events.
   */
  const held: CaptureEvent[] = [];
  function handleHeld(): void {
    for (const event of held) {
      try {
        handle(event);
      } catch (error) {
        console.warn("[cors-lens] capture failed", error);
      }
    }
    held.length = 0;
  }
  const bootId = bootIdOf(Date.now());
  const journalKeys: string[] = [];
  const badge = createBadge();
  let settings: Settings = defaultSettings();
  let ready = false;
  const queue: CaptureEvent[] = [];
  let lastAux = "";
  let savedAuxVersion = -1;
  let eventsSinceSweep = 0;

  // ---- live ports (live-ports.ts) ---------------------------------------------------
  const ports = createLivePorts(store, (tabId) => whenReady.then(() => pageUrls.know(tabId)));
  const { post, queueUpsert } = ports;
  // (a page's subscription above waits for its tab's URL: pageUrls.know)
  const pageUrls = createPageUrls(store, post, async (tabId) => (await chrome.tabs.get(tabId)).url);

  // ---- log updates -----------------------------------------------------------------
  function refreshBadge(tabId: number): void {
    if (tabId < 0) return;
    // the store keeps the count: walking (and copying) the whole log on every event did not scale
    badge.show(tabId, store.blockedCount(tabId));
  }

  function clearTab(tabId: number, pageUrl: string | null): void {
    store.clear(tabId, pageUrl);
    post(tabId, { type: "cleared", tabId, pageUrl });
    refreshBadge(tabId);
  }

  function tabsForOrigin(origin: string): number[] {
    return store.tabIds().filter((id) => id >= 0 && originOf(store.pageUrl(id)) === origin);
  }

  function record(exchange: Exchange, deferWrite = false): void {
    let diagnosis: DiagnosedExchange["diagnosis"];
    try {
      diagnosis = diagnose(exchange);
    } catch (error) {
      console.warn("[cors-lens] diagnosis failed", error);
      return;
    }
    for (const ex of attributeToTabs(exchange, tabsForOrigin)) {
      const entry: DiagnosedExchange = { exchange: ex, diagnosis: ex === exchange ? diagnosis : { ...diagnosis } };
      const change = store.upsert(ex.tabId, entry, settings, { deferWrite });
      for (const e of change.upserted) queueUpsert(ex.tabId, e);
      if (change.dropped !== undefined) {
        // post sends pending updates first: the page removes the exchanges the message names,
        // so it must hold them when it comes (one upserted and dropped in the same gathering)
        post(ex.tabId, { type: "dropped", tabId: ex.tabId, dropped: change.dropped, ids: change.droppedIds ?? [] });
      }
      // other tabs' oldest entries that the storage budget of all tabs dropped
      for (const other of change.droppedElsewhere ?? []) {
        post(other.tabId, { type: "dropped", tabId: other.tabId, dropped: other.dropped, ids: other.ids });
        refreshBadge(other.tabId);
      }
      refreshBadge(ex.tabId);
    }
  }

  /** Persists the assembler's auxiliary state when it may have changed (a few events per
   * preflight), in the log store's next storage call: serialised when that call is made, once
   * for all the events that changed it meanwhile. */
  function saveAux(): void {
    const version = assembler.auxVersion();
    if (version === savedAuxVersion) return;
    savedAuxVersion = version;
    store.writeAlso(AUX_KEY, () => {
      const aux = JSON.stringify(assembler.auxSnapshot());
      if (aux === lastAux) return undefined;
      lastAux = aux;
      return aux;
    });
  }

  function handle(event: CaptureEvent): void {
    if (settings.paused) return;
    const navigation = event.type === "main_frame" && event.kind === "beforeRequest";
    // A navigation clears the tab's log, unless the log holds an exchange that started after
    // it: then it is the same navigation replayed from the journal of a worker stopped before
    // removing it (or one that arrived late), and clearing would erase the new page's exchanges.
    if (navigation && event.tabId >= 0 && !store.hasStartedAfter(event.tabId, event.timeStamp)) {
      if (settings.preserveLog) pageUrls.set(event.tabId, event.url);
      else clearTab(event.tabId, event.url);
    } else if (event.tabId >= 0 && store.pageUrl(event.tabId) === null) {
      void pageUrls.know(event.tabId);
    }
    if (siteDisabled(settings, event.url) || siteDisabled(settings, event.tabId >= 0 ? store.pageUrl(event.tabId) : null)) {
      return;
    }
    const auxBefore = assembler.auxVersion();
    const changed = assembler.push(event);
    const auxChanged = assembler.auxVersion() !== auxBefore;
    for (const exchange of changed) record(exchange, canDeferWrite(event, exchange, browser, auxChanged));
    saveAux();
    if (++eventsSinceSweep >= 200) {
      eventsSinceSweep = 0;
      for (const exchange of assembler.flushInterrupted(STALE_MS)) record(exchange);
    }
  }

  registerCaptureListeners(chrome.webRequest as unknown as WebRequestApi, browser, (event) => {
    // recorded as it comes (it is handled later: handleHeld, or the restore's replay)
    recorder.record(event);
    if (ready) {
      held.push(event);
      store.wake();
      return;
    }
    queue.push(event);
    const key = journalKey(bootId, journalKeys.length);
    journalKeys.push(key);
    chrome.storage.session.set({ [key]: event }).catch(() => undefined);
  });

  // ---- messages ----------------------------------------------------------------------
  async function listTabs(): Promise<TabSummary[]> {
    const titles = new Map<number, string>();
    const urls = new Map<number, string>();
    try {
      for (const t of await chrome.tabs.query({})) {
        if (t.id === undefined) continue;
        if (t.title) titles.set(t.id, t.title);
        if (t.url) urls.set(t.id, t.url);
      }
    } catch {
      // titles are a nicety
    }
    return store
      .tabIds()
      .map((tabId) => {
        const log = store.get(tabId);
        // webRequest never sees an extension page load, so its tab's pageUrl stays unknown
        // to the log; the tab's own URL tells the picker it is one of ours.
        const pageUrl = log.pageUrl ?? urls.get(tabId) ?? null;
        const counts = countVerdicts(
          log.entries,
          (e) => e.diagnosis.verdict,
          (e) => e.diagnosis.warnings.length > 0,
        );
        return { tabId, pageUrl, title: titles.get(tabId) ?? null, counts };
      })
      .sort((a, b) => a.tabId - b.tabId);
  }

  async function activeTab(sender: chrome.runtime.MessageSender): Promise<{ tabId: number | null; pageUrl: string | null }> {
    const query: chrome.tabs.QueryInfo = sender.tab?.windowId !== undefined ? { active: true, windowId: sender.tab.windowId } : { active: true, lastFocusedWindow: true };
    const [tab] = await chrome.tabs.query(query);
    if (!tab || tab.id === undefined) return { tabId: null, pageUrl: null };
    return { tabId: tab.id, pageUrl: tab.url ?? store.pageUrl(tab.id) };
  }

  async function answer(message: RequestMessage, sender: chrome.runtime.MessageSender): Promise<unknown> {
    switch (message.type) {
      case "getLog":
        return store.get(Number(message.tabId));
      case "getEntries":
        return { tabId: Number(message.tabId), json: ports.entriesJson(Number(message.tabId), message.ids) };
      case "clearLog":
        clearTab(Number(message.tabId), store.pageUrl(Number(message.tabId)));
        await store.flushed();
        return { ok: true };
      case "listTabs":
        return { tabs: await listTabs() };
      case "getSettings":
        return settings;
      case "setSettings":
        settings = mergeSettings(settings, message.settings);
        await chrome.storage.local.set({ [SETTINGS_KEY]: settings });
        return settings;
      case "activeTab":
        return activeTab(sender);
      default:
        return undefined;
    }
  }

  // Settings changed from another page (options) apply at once. The local area's own event:
  // a listener of chrome.storage.onChanged also gets every storage.session write, old and new
  // values copied into the worker (measured: ~0.25 ms of the worker's CPU per write).
  chrome.storage.local.onChanged.addListener((changes) => {
    if (changes[SETTINGS_KEY]) settings = mergeSettings(defaultSettings(), changes[SETTINGS_KEY].newValue);
  });

  chrome.runtime.onMessage.addListener((message: unknown, sender, sendResponse) => {
    if (!isRequestMessage(message)) return false;
    whenReady
      .then(() => answer(message, sender))
      .then(sendResponse, (error: unknown) => {
        console.warn("[cors-lens] request failed", error);
        sendResponse(undefined);
      });
    return true;
  });

  chrome.runtime.onConnect.addListener(ports.onConnect);

  // A tab that navigates loses its badge (Chromium and Firefox clear a tab's action values
  // when a new document commits), while a log kept across the navigation ("preserve log")
  // still holds its blocked exchanges: the badge is set again once the page has changed (its
  // URL) or loaded (a reload keeps the URL).
  chrome.tabs.onUpdated.addListener((tabId, change) => {
    if (change.url === undefined && change.status !== "complete") return;
    void whenReady.then(() => {
      badge.forget(tabId);
      refreshBadge(tabId);
    });
  });

  chrome.tabs.onRemoved.addListener((tabId) => {
    void whenReady.then(() => {
      store.remove(tabId);
      ports.removeTab(tabId);
      pageUrls.forget(tabId);
    });
  });

  // ---- restore -----------------------------------------------------------------------
  const whenReady = (async () => {
    /** request ids of the exchanges the stored log holds as ended (restore.ts endedRequestIds) */
    let ended = new Set<string>();
    try {
      const [local, session] = await Promise.all([
        chrome.storage.local.get(SETTINGS_KEY),
        chrome.storage.session.get(AUX_KEY),
        store.load(),
      ]);
      settings = mergeSettings(defaultSettings(), local[SETTINGS_KEY]);
      const aux = parseAux(session[AUX_KEY]);
      const stored = store.all();
      ended = endedRequestIds(stored);
      const { inflight, finished } = restoredExchanges(stored, Date.now() - STALE_MS);
      assembler.restore({ version: 1, inflight, options: aux.options, orphans: aux.orphans, finished });
      lastAux = JSON.stringify(aux);
    } catch (error) {
      console.warn("[cors-lens] restoring the log failed; starting empty", error);
    }
    // The backlog is applied in slices (slices.ts), and `ready` stays false until it is done:
    // events arriving meanwhile are journaled by the listener and join the queue, instead of
    // waiting unseen behind hundreds of events for a worker that may be stopped.
    // A slice's journal keys go once the log's writes of that slice are done: a worker stopped
    // during the replay leaves only what it did not apply (journal.ts). One stopped after the
    // writes and before the removal leaves a slice to replay again: events of exchanges the log
    // holds as ended are skipped, the assembler merges the others, and a replayed navigation
    // clears nothing once the log holds what came after it.
    const removeOnceWritten = (keys: string[]) => {
      if (keys.length > 0) void store.flushed().then(() => chrome.storage.session.remove(keys).catch(() => undefined));
    };
    const forget = (keys: string[]) => (from: number, to: number) => removeOnceWritten(keys.slice(from, to));
    let replayed = false;
    try {
      removeOnceWritten(journal.invalid);
      // events earlier workers journaled but did not live to apply
      const replay = (event: CaptureEvent) => {
        if (!ended.has(event.requestId)) handle(event);
      };
      await drainInSlices(journal.events, replay, SLICE_MS, forget(journal.keys));
      // what is in flight now (restored, or begun in that journal) may have lost events
      for (const exchange of markInterrupted(assembler.snapshot().inflight)) record(exchange);
      // events this worker journaled while it restored (journalKeys[i] holds queue[i])
      await drainInSlices(queue, handle, SLICE_MS, forget(journalKeys));
      replayed = true;
    } finally {
      ready = true;
      // a replay that failed part-way would fail again in every next worker
      if (!replayed) removeOnceWritten([...journal.keys, ...journalKeys]);
      // the badge of a worker stopped within its delay (badge.ts) was left behind
      for (const tabId of store.tabIds()) refreshBadge(tabId);
    }
  })();
}

function parseAux(value: unknown): Pick<AssemblerSnapshot, "options" | "orphans"> {
  if (typeof value !== "string") return { options: [], orphans: [] };
  try {
    const parsed = JSON.parse(value) as Partial<AssemblerSnapshot>;
    return {
      options: Array.isArray(parsed.options) ? parsed.options : [],
      orphans: Array.isArray(parsed.orphans) ? parsed.orphans : [],
    };
  } catch {
    return { options: [], orphans: [] };
  }
}
