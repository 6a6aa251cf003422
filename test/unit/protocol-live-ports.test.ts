/**
 * The worker's side of the live port (src/platform/live-ports.ts) with fake ports and a fake
 * log: a subscribe gets every row in one message, changes go out gathered (full entries to the
 * panel, rows to the popup), a drop goes after the changes before it, a clear cancels them,
 * getEntries answers in the asked order, and rows are made ahead only once the log is still.
 */
import type { DiagnosedExchange } from "../../src/cors/model";
import { createLivePorts } from "../../src/platform/live-ports";
import { decodeRow, decodeRows, PORT_NAME, type PortServerMessage, rowOf, type TabLog } from "../../src/protocol";
import { entry } from "./ui/fixtures";

type Listener = (message: unknown) => void;

function fakePort() {
  const sent: PortServerMessage[] = [];
  const listeners: Listener[] = [];
  const port = {
    name: PORT_NAME,
    postMessage: (m: PortServerMessage) => sent.push(m),
    onMessage: { addListener: (fn: Listener) => listeners.push(fn) },
    onDisconnect: { addListener: () => undefined },
  };
  return { port: port as unknown as chrome.runtime.Port, sent, receive: (m: unknown) => {
      for (const fn of listeners) fn(m);
    },
  };
}

function fakeStore(entries: DiagnosedExchange[]) {
  return {
    log: entries,
    get: (tabId: number): TabLog => ({ tabId, pageUrl: "http://page.test/", entries: [...entries], dropped: 0 }),
    entryOf: (_tabId: number, id: string) => entries.find((e) => e.exchange.id === id),
  };
}

const a = entry({ id: "a", url: "http://api.test/a", start: 1 });
const b = entry({ id: "b", url: "http://api.test/b", start: 2, failure: { id: "acao-missing" } });
const bDone = entry({ id: "b", url: "http://api.test/b", start: 2 });

async function subscribed(store: ReturnType<typeof fakeStore>, detail: "full" | "rows" = "full") {
  const ports = createLivePorts(store, () => Promise.resolve());
  const page = fakePort();
  ports.onConnect(page.port);
  page.receive({ type: "subscribe", tabId: 7, detail });
  await Promise.resolve();
  await Promise.resolve();
  return { ports, page };
}

afterEach(() => jest.useRealTimers());

test("a subscribe gets every row of the tab in one message", async () => {
  const { page } = await subscribed(fakeStore([a, b]));
  expect(page.sent).toHaveLength(1);
  const [message] = page.sent;
  if (message?.type !== "rows") throw new Error("no rows message");
  expect(message.log.tabId).toBe(7);
  expect(decodeRows(message.log.rows)).toEqual([rowOf(a), rowOf(b)]);
});

test("changes go out gathered: the latest full entry to the panel, its row to the popup", async () => {
  jest.useFakeTimers();
  const store = fakeStore([a, b]);
  const { ports, page } = await subscribed(store);
  const popup = fakePort();
  ports.onConnect(popup.port);
  popup.receive({ type: "subscribe", tabId: 7, detail: "rows" });
  await Promise.resolve();
  ports.queueUpsert(7, b);
  ports.queueUpsert(7, bDone);
  expect(page.sent).toHaveLength(1);
  jest.advanceTimersByTime(30);
  expect(page.sent.slice(1)).toEqual([{ type: "upsert", tabId: 7, entries: [structuredClone(bDone)] }]);
  const last = popup.sent[popup.sent.length - 1];
  if (last?.type !== "upsertRows") throw new Error("no upsertRows message");
  expect(last.rows.map(decodeRow)).toEqual([rowOf(bDone)]);
});

test("during a burst the messages go 100 ms apart; a lone change after it goes within 25 ms", async () => {
  jest.useFakeTimers();
  const { ports, page } = await subscribed(fakeStore([a, b]));
  const at: number[] = [];
  const t0 = Date.now();
  const burst = Array.from({ length: 40 }, (_, i) => entry({ id: `x${i}`, url: `http://api.test/x${i}`, start: 10 + i }));
  // 40 exchanges changing every 5 ms for 200 ms
  for (let i = 0; i < 40; i++) {
    ports.queueUpsert(7, burst[i] as DiagnosedExchange);
    const before = page.sent.length;
    jest.advanceTimersByTime(5);
    if (page.sent.length > before) at.push(Date.now() - t0);
  }
  jest.advanceTimersByTime(200);
  const last = page.sent.length;
  // the first message after 25 ms (it carries 5 entries: a burst), the next ones 100 ms apart
  expect(at).toEqual([25, 125]);
  expect(page.sent.slice(1).flatMap((m) => (m.type === "upsert" ? m.entries.map((e) => e.exchange.id) : []))).toEqual(burst.map((e) => e.exchange.id));
  // the burst's last message went out at 225 ms; a lone change now waits 25 ms, then one more
  // change right after that small message goes within 25 ms too
  ports.queueUpsert(7, a);
  jest.advanceTimersByTime(25);
  expect(page.sent).toHaveLength(last + 1);
  ports.queueUpsert(7, bDone);
  jest.advanceTimersByTime(25);
  expect(page.sent).toHaveLength(last + 2);
});

test("a drop goes after the changes before it; a clear cancels them", async () => {
  jest.useFakeTimers();
  const { ports, page } = await subscribed(fakeStore([a, b]));
  ports.queueUpsert(7, bDone);
  ports.post(7, { type: "dropped", tabId: 7, dropped: 1, ids: ["a"] });
  expect(page.sent.slice(1).map((m) => m.type)).toEqual(["upsert", "dropped"]);
  ports.queueUpsert(7, a);
  ports.post(7, { type: "cleared", tabId: 7, pageUrl: null });
  jest.advanceTimersByTime(30);
  expect(page.sent.slice(3).map((m) => m.type)).toEqual(["cleared"]);
});

test("getEntries answers the entries still held, in the asked order", () => {
  const ports = createLivePorts(fakeStore([a, b]), () => Promise.resolve());
  expect(JSON.parse(ports.entriesJson(7, ["b", "gone", 3, "a"]))).toEqual([structuredClone(b), structuredClone(a)]);
  expect(ports.entriesJson(7, "not a list")).toBe("[]");
});

test("rows are made ahead once the log has been still for a second, not during the traffic", async () => {
  jest.useFakeTimers();
  let reads = 0;
  const counted = (e: DiagnosedExchange) =>
    new Proxy(e, {
      get(target, key, receiver) {
        reads++;
        return Reflect.get(target, key, receiver);
      },
    });
  const entries = Array.from({ length: 1200 }, (_, i) => counted(entry({ id: `e${i}`, url: `http://api.test/${i}`, start: i })));
  const ports = createLivePorts(fakeStore(entries), () => Promise.resolve());
  for (const e of entries.slice(0, 600)) ports.queueUpsert(7, e);
  jest.advanceTimersByTime(900);
  for (const e of entries.slice(600)) ports.queueUpsert(7, e);
  jest.advanceTimersByTime(900);
  expect(reads).toBe(0);
  // a second after the last change, 500 rows a task: 500, 500, 200
  const perTask: number[] = [];
  for (let i = 0; i < 3; i++) {
    const before = reads;
    jest.advanceTimersToNextTimer();
    perTask.push(reads - before);
  }
  const perRow = (perTask[0] ?? 0) / 500;
  expect(perRow).toBeGreaterThan(0);
  expect(perTask).toEqual([500 * perRow, 500 * perRow, 200 * perRow]);
  const made = reads;
  jest.advanceTimersByTime(5000);
  expect(reads).toBe(made);
  // a page opening now gets the rows text made ahead: no entry is read again
  const page = fakePort();
  ports.onConnect(page.port);
  page.receive({ type: "subscribe", tabId: 7, detail: "full" });
  await jest.advanceTimersByTimeAsync(0);
  expect(reads).toBe(made);
  const [message] = page.sent;
  if (message?.type !== "rows") throw new Error("no rows message");
  expect(decodeRows(message.log.rows)).toEqual(entries.map(rowOf));
  // after a change, only the changed entry's row is made again
  const changed = counted(entry({ id: "e5", url: "http://api.test/5", start: 5, failure: { id: "acao-missing" } }));
  entries[5] = changed;
  ports.queueUpsert(7, changed);
  const before = reads;
  page.receive({ type: "subscribe", tabId: 7, detail: "full" });
  await jest.advanceTimersByTimeAsync(0);
  expect(page.sent.slice(-2).map((m) => m.type)).toEqual(["upsert", "rows"]);
  expect(reads - before).toBe(perRow);
  const again = page.sent[page.sent.length - 1];
  if (again?.type !== "rows") throw new Error("no rows message");
  expect(decodeRows(again.log.rows)[5]?.verdict).toBe("blocked");
});
