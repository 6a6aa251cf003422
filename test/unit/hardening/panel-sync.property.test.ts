/**
 * Hardening: an open panel or popup shows the worker's log, whatever happens in between.
 * Generated captures (captures.ts) go through the assembler, the engine, the log store (with a
 * small per-tab bound, so that the oldest exchanges are dropped) and the live ports, wired as
 * background-service.ts wires them; meanwhile the log is cleared at random, pages (full
 * entries, like the panel; rows, like the popup) subscribe and reconnect (keeping what they
 * hold) at random moments, and time passes
 * by random steps, so that gathered messages, drops and clears cross each other. Each page
 * applies what it gets with the panel's own reducer (src/ui/store/log.ts). Once the traffic
 * has stopped and the messages have gone out, every page holds the worker's rows (in
 * start-time order), with the same revisions, page URL and dropped count. Found by it: pages
 * dropped their first rows by start time where the worker had dropped its oldest by arrival
 * (an exchange in flight across a clear comes back after it); the message now names them.
 */
import fc from "fast-check";
import { createAssembler } from "../../../src/capture/assembler";
import { diagnose } from "../../../src/cors/diagnose";
import type { BrowserKind } from "../../../src/cors/model";
import { createLivePorts } from "../../../src/platform/live-ports";
import { createLogStore } from "../../../src/platform/log-store";
import type { KeyValueStore } from "../../../src/platform/write-queue";
import { PORT_NAME, type PortServerMessage, rowOf } from "../../../src/protocol";
import { initialState, type LogState, reduce } from "../../../src/ui/store/log";
import { interleave, PAGE, plan } from "./captures";

const RUNS = 150;
const TAB = 1;

const kv: KeyValueStore = { get: async () => ({}), set: async () => undefined, remove: async () => undefined };

/** what happens before each event: nothing, a page opening, the log cleared, time passing */
const step = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: "none" as const }) },
  { weight: 1, arbitrary: fc.constantFrom("full" as const, "rows" as const).map((detail) => ({ kind: "open" as const, detail })) },
  { weight: 1, arbitrary: fc.constant({ kind: "clear" as const }) },
  { weight: 1, arbitrary: fc.nat().map((which) => ({ kind: "reconnect" as const, which })) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 150 }).map((ms) => ({ kind: "wait" as const, ms })) },
);

const scenario = fc.record({
  plans: fc.array(plan, { minLength: 1, maxLength: 6 }),
  order: fc.array(fc.nat(), { maxLength: 40 }),
  browser: fc.constantFrom<BrowserKind>("chromium", "firefox"),
  steps: fc.array(step, { maxLength: 80 }),
  bound: fc.integer({ min: 1, max: 5 }),
});

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test(`${RUNS} captures with pages opening, clears and drops in between: every page ends with the worker's rows`, async () => {
  await fc.assert(
    fc.asyncProperty(scenario, async ({ plans, order, browser, steps, bound }) => {
      const store = createLogStore(kv, { maxWaitMs: 0 });
      const ports = createLivePorts(store, () => Promise.resolve());
      const asm = createAssembler({ browser, now: () => Date.now() });
      const limits = { maxExchangesPerTab: bound, maxBytesPerTab: 10_000_000 };
      type Page = { detail: "full" | "rows"; state: LogState; disconnect: () => void };
      const pages: Page[] = [];

      /** a page subscribes on a new port; a page that reconnects keeps what it holds */
      const connect = async (page: Page) => {
        const listeners: ((m: unknown) => void)[] = [];
        const gone: (() => void)[] = [];
        let open = true;
        const port = {
          name: PORT_NAME,
          // a message crosses to the page as a copy; a closed port delivers nothing
          postMessage: (m: PortServerMessage) => {
            if (open) page.state = reduce(page.state, { type: "server", message: structuredClone(m) });
          },
          onMessage: { addListener: (fn: (m: unknown) => void) => listeners.push(fn) },
          onDisconnect: { addListener: (fn: () => void) => gone.push(fn) },
        };
        page.disconnect = () => {
          open = false;
          for (const fn of gone) fn();
        };
        ports.onConnect(port as unknown as chrome.runtime.Port);
        for (const fn of listeners) fn({ type: "subscribe", tabId: TAB, detail: page.detail });
        await Promise.resolve();
        await Promise.resolve();
      };
      const open = async (detail: "full" | "rows") => {
        const page: Page = { detail, state: initialState(TAB), disconnect: () => undefined };
        pages.push(page);
        await connect(page);
      };

      const events = interleave(plans, order, browser);
      for (let i = 0; i < Math.max(events.length, steps.length); i++) {
        const s = steps[i];
        if (s?.kind === "open") await open(s.detail);
        if (s?.kind === "clear") {
          // as background-service.ts clearTab
          store.clear(TAB, `${PAGE}/page-${i}`);
          ports.post(TAB, { type: "cleared", tabId: TAB, pageUrl: `${PAGE}/page-${i}` });
        }
        if (s?.kind === "wait") await jest.advanceTimersByTimeAsync(s.ms);
        if (s?.kind === "reconnect" && pages.length > 0) {
          const page = pages[s.which % pages.length] as Page;
          page.disconnect();
          await connect(page);
        }
        const event = events[i];
        if (!event) continue;
        // as background-service.ts record()
        for (const exchange of asm.push(event)) {
          const change = store.upsert(TAB, { exchange, diagnosis: diagnose(exchange) }, limits);
          for (const e of change.upserted) ports.queueUpsert(TAB, e);
          if (change.dropped !== undefined) ports.post(TAB, { type: "dropped", tabId: TAB, dropped: change.dropped, ids: change.droppedIds ?? [] });
        }
      }
      await jest.advanceTimersByTimeAsync(5_000);

      const log = store.get(TAB);
      // the worker's log is in arrival order, the page's in start-time order
      const worker = log.entries.map((e) => `${e.exchange.id} ${rowOf(e).rev}`).sort();
      for (const page of pages) {
        const live = page.state.live;
        const starts = live.rows.map((r) => r.startTime);
        expect(starts).toEqual([...starts].sort((x, y) => x - y));
        expect({ detail: page.detail, rows: live.rows.map((r) => `${r.id} ${r.rev}`).sort(), pageUrl: live.pageUrl, dropped: live.dropped }).toEqual({
          detail: page.detail,
          rows: worker,
          pageUrl: log.pageUrl,
          dropped: log.dropped,
        });
      }
    }),
    { numRuns: RUNS },
  );
});
