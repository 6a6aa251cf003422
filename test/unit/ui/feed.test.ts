import { withEarlyPort } from "../../../src/ui/store/early";
import { BACKOFF_MS, openFeed } from "../../../src/ui/store/feed";
import { entry, fakeTransport, rowsMessage } from "./fixtures";

function manualTimers() {
  const pending: { fn: () => void; ms: number }[] = [];
  return {
    pending,
    set: (fn: () => void, ms: number) => {
      pending.push({ fn, ms });
      return pending.length;
    },
    clear: () => undefined,
    runNext() {
      const next = pending.shift();
      next?.fn();
      return next?.ms;
    },
  };
}

test("subscribes on open, reconnects with backoff 50 → 1000 ms, resets after the rows", () => {
  const transport = fakeTransport();
  const timers = manualTimers();
  const messages: string[] = [];
  const states: string[] = [];
  const feed = openFeed(transport, 7, "full", (m) => messages.push(m.type), (c) => states.push(c), timers);
  expect(transport.posted).toEqual([{ type: "subscribe", tabId: 7, detail: "full" }]);

  transport.push(rowsMessage([entry({ id: "a", url: "http://api.test/" })]));
  const delays: (number | undefined)[] = [];
  for (let i = 0; i < 8; i++) {
    transport.disconnect();
    delays.push(timers.runNext());
  }
  expect(delays).toEqual([...BACKOFF_MS, 1000, 1000]);
  expect(transport.connections).toBe(9);
  expect(transport.posted.length).toBe(9);

  transport.push(rowsMessage([]));
  transport.disconnect();
  expect(timers.runNext()).toBe(50);
  expect(messages).toEqual(["rows", "rows"]);
  expect(states[0]).toBe("connecting");
  expect(states).toContain("reconnecting");
  expect(states.at(-1)).toBe("reconnecting");

  feed.close();
  expect(transport.isOpen()).toBe(false);
});

test("a connect that throws is retried like a disconnect", () => {
  const transport = fakeTransport();
  let fail = true;
  const connect = transport.connect.bind(transport);
  transport.connect = (onMessage, onDisconnect) => {
    if (fail) throw new Error("Extension context invalidated.");
    return connect(onMessage, onDisconnect);
  };
  const timers = manualTimers();
  openFeed(transport, 7, "full", () => undefined, () => undefined, timers);
  expect(timers.pending.length).toBe(1);
  fail = false;
  timers.runNext();
  expect(transport.posted).toEqual([{ type: "subscribe", tabId: 7, detail: "full" }]);
});

test("an early port: subscribed before the feed opens, adopted with its messages, not subscribed twice", () => {
  const transport = fakeTransport();
  const early = withEarlyPort(transport, { type: "subscribe", tabId: 7, detail: "full" });
  expect(transport.posted).toEqual([{ type: "subscribe", tabId: 7, detail: "full" }]);
  transport.push(rowsMessage([entry({ id: "a", url: "http://api.test/" })]));
  const timers = manualTimers();
  const messages: string[] = [];
  const states: string[] = [];
  const feed = openFeed(early, 7, "full", (m) => messages.push(m.type), (c) => states.push(c), timers);
  expect(messages).toEqual(["rows"]);
  expect(states.at(-1)).toBe("live");
  expect(transport.connections).toBe(1);
  expect(transport.posted.length).toBe(1);
  // a reconnect is an ordinary one
  transport.disconnect();
  timers.runNext();
  expect(transport.connections).toBe(2);
  expect(transport.posted.length).toBe(2);
  feed.close();
  expect(transport.isOpen()).toBe(false);
});

test("an early port that closed before the feed opens is not used", () => {
  const transport = fakeTransport();
  const early = withEarlyPort(transport, { type: "subscribe", tabId: 7, detail: "full" });
  transport.disconnect();
  const messages: string[] = [];
  openFeed(early, 7, "full", (m) => messages.push(m.type), () => undefined, manualTimers());
  expect(transport.connections).toBe(2);
  expect(transport.posted.length).toBe(2);
  transport.push(rowsMessage([]));
  expect(messages).toEqual(["rows"]);
});
