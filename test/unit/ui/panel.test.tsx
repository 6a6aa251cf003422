/** @jest-environment jsdom */
import { render } from "preact";
import { act } from "preact/test-utils";
import { Panel } from "../../../src/ui/panel/Panel";
import { entriesFrom, entry, type FakeTransport, fakeTransport, rowsMessage } from "./fixtures";

let container: HTMLElement;
beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

async function mount(transport: FakeTransport, host = {}) {
  await act(async () => {
    render(<Panel transport={transport} tabId={7} host={host} />, container);
  });
}

async function push(transport: FakeTransport, message: Parameters<FakeTransport["push"]>[0]) {
  await act(async () => transport.push(message));
}

/** The worker holds `entries` and sends their rows; the panel then pulls the full entries. */
async function show(transport: FakeTransport, entries: ReturnType<typeof entry>[], extra: Parameters<typeof rowsMessage>[1] = {}) {
  transport.held = entries;
  await push(transport, rowsMessage(entries, extra));
  // the background pull: one getEntries request and its answer
  await act(async () => {
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
}

const byLabel = (label: string) => {
  const el = container.querySelector(`[aria-label="${label}"]`);
  if (!el) throw new Error(`no element labelled ${label}`);
  return el as HTMLElement;
};
const options = (listLabel: string) => [...byLabel(listLabel).querySelectorAll('[role="option"]')] as HTMLElement[];
const buttonNamed = (name: string) => {
  const b = [...container.querySelectorAll("button")].find((x) => (x.getAttribute("aria-label") ?? x.textContent) === name);
  if (!b) throw new Error(`no button ${name}`);
  return b;
};

const allowed = entry({ id: "ok", url: "http://api.test/users", start: 1000 });
const blocked = entry({
  id: "bad",
  url: "http://api.test/orders?x=1",
  method: "PUT",
  start: 2000,
  failure: { id: "acao-missing", header: "access-control-allow-origin", received: null, required: "http://page.test" },
  explanation: "The server at http://api.test did not send Access-Control-Allow-Origin.",
});
const cdn = entry({ id: "cdn", url: "https://cdn.test/a.js", start: 3000, type: "script" });

test("subscribes, shows origins blocked first, then click origin → exchange → detail", async () => {
  const transport = fakeTransport();
  await mount(transport);
  expect(transport.posted).toEqual([{ type: "subscribe", tabId: 7, detail: "full" }]);
  await show(transport, [allowed, blocked, cdn]);

  const origins = options("Target origins").map((o) => o.querySelector(".origin-name")?.textContent);
  expect(origins).toEqual(["All origins", "http://api.test", "https://cdn.test"]);
  expect(options("Target origins")[1]?.textContent).toContain("1 blocked");

  await act(async () => options("Target origins")[1]?.click());
  const rows = options("Exchanges to http://api.test");
  expect(rows.map((r) => r.querySelector(".path")?.textContent)).toEqual(["/users", "/orders?x=1"]);
  expect(rows[1]?.textContent).toContain("no Access-Control-Allow-Origin");

  await act(async () => rows[1]?.click());
  const detail = byLabel("Exchange detail");
  expect(detail.textContent).toContain("The server at http://api.test did not send Access-Control-Allow-Origin.");
  expect(byLabel("Browser message").textContent).toContain("has been blocked by CORS policy");
  expect(byLabel("Evidence").textContent).toContain("Received access-control-allow-origin");
  expect(byLabel("Evidence").textContent).toContain("absent");
  expect(byLabel("Fix").textContent).toContain("Access-Control-Allow-Origin");
});

test("a new exchange from upsert appears in the list", async () => {
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [allowed]);
  expect(options("Exchanges").length).toBe(1);
  await push(transport, { type: "upsert", tabId: 7, entries: [blocked] });
  expect(options("Exchanges").length).toBe(2);
});

test("filters: blocked only and search", async () => {
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [allowed, blocked, cdn]);
  const blockedOnly = [...container.querySelectorAll("label")].find((l) => l.textContent === "Blocked only")?.querySelector("input");
  await act(async () => blockedOnly?.click());
  expect(options("Exchanges").map((r) => r.querySelector(".path")?.textContent)).toEqual(["/orders?x=1"]);
  await act(async () => blockedOnly?.click());

  const search = byLabel("Search URL and headers") as HTMLInputElement;
  await act(async () => {
    search.value = "a.js";
    search.dispatchEvent(new Event("input", { bubbles: true }));
  });
  expect(options("Exchanges").map((r) => r.querySelector(".path")?.textContent)).toEqual(["/a.js"]);
  await act(async () => {
    search.dispatchEvent(new KeyboardEvent("keydown", { key: "Escape", bubbles: true }));
  });
  expect(options("Exchanges").length).toBe(3);
});

test("keyboard: / focuses search, arrows move, Enter opens", async () => {
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [allowed, blocked, cdn]);
  await act(async () => {
    document.body.dispatchEvent(new KeyboardEvent("keydown", { key: "/", bubbles: true }));
  });
  expect(document.activeElement).toBe(byLabel("Search URL and headers"));

  const list = byLabel("Exchanges");
  list.focus();
  const key = (k: string) => act(async () => {
    list.dispatchEvent(new KeyboardEvent("keydown", { key: k, bubbles: true }));
  });
  await key("ArrowDown");
  await key("ArrowDown");
  expect(list.getAttribute("aria-activedescendant")).toBe("exchange-1");
  await key("Enter");
  expect(options("Exchanges")[1]?.getAttribute("aria-selected")).toBe("true");
  expect(byLabel("Exchange detail").textContent).toContain("/orders?x=1");
  await key("End");
  expect(list.getAttribute("aria-activedescendant")).toBe("exchange-2");
});

test("hostile header values are rendered literally, as text", async () => {
  const hostile = entry({
    id: "evil",
    url: "http://evil.test/x",
    responseHeaders: [
      { name: "X-Evil", value: '<img src=x onerror="alert(1)">' },
      { name: "<script>alert(2)</script>", value: "<script>alert(3)</script>" },
    ],
    failure: { id: "acao-mismatch", received: '<b onmouseover="x()">hi</b>', required: "http://page.test" },
  });
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [hostile]);
  await act(async () => options("Exchanges")[0]?.click());
  const headers = byLabel("Response headers");
  expect(headers.textContent).toContain('<img src=x onerror="alert(1)">');
  expect(headers.textContent).toContain("<script>alert(3)</script>");
  expect(byLabel("Evidence").textContent).toContain('<b onmouseover="x()">hi</b>');
  expect(container.querySelector("img")).toBeNull();
  expect(container.querySelector("script")).toBeNull();
  expect(container.querySelector("b")).toBeNull();
});

test("invisible characters are shown as escapes and long values are cut with show all", async () => {
  const sneaky = entry({
    id: "sneaky",
    url: "http://api.test/y",
    responseHeaders: [
      { name: "Access-Control-Allow-Origin", value: "http://page.test\u202E\u200B" },
      { name: "X-Huge", value: "a".repeat(100_000) },
    ],
  });
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [sneaky]);
  await act(async () => options("Exchanges")[0]?.click());
  const headers = byLabel("Response headers");
  expect(headers.textContent).toContain("http://page.test⟨U+202E⟩⟨U+200B⟩");
  expect(headers.textContent).not.toContain("\u202E");
  const hugeCell = [...headers.querySelectorAll("tr")].find((tr) => tr.textContent?.startsWith("X-Huge"));
  expect(hugeCell?.textContent?.length).toBeLessThan(400);
  const showAll = hugeCell?.querySelector("button") as HTMLButtonElement;
  expect(showAll.textContent).toContain("show all (99,760 more characters)");
  await act(async () => showAll.click());
  expect(hugeCell?.textContent?.length).toBeGreaterThan(100_000);
});

test("10,000 exchanges render a bounded number of rows", async () => {
  const many = Array.from({ length: 10_000 }, (_, i) => entry({ id: `e${i}`, url: `http://api.test/item/${i}`, start: i }));
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, many);
  const rows = options("Exchanges");
  expect(rows.length).toBeGreaterThan(10);
  expect(rows.length).toBeLessThan(60);
  expect(byLabel("Target origins").textContent).toContain("10000");
  // No wall-clock assertion here: render time is measured by `npm run bench` in Chromium.
});

test("reconnects after the worker goes away and shows the fresh snapshot", async () => {
  jest.useFakeTimers();
  try {
    const transport = fakeTransport();
    await mount(transport);
    await show(transport, [allowed]);
    await act(async () => transport.disconnect());
    expect(container.textContent).toContain("reconnecting");
    await act(async () => {
      jest.advanceTimersByTime(60);
    });
    expect(transport.connections).toBe(2);
    await show(transport, [allowed, blocked]);
    expect(options("Exchanges").length).toBe(2);
    expect(container.textContent).toContain("live");
  } finally {
    jest.useRealTimers();
  }
});

test("Clear asks the worker and empties the list; dropped counter is shown", async () => {
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [allowed, blocked], { dropped: 3 });
  expect(container.textContent).toContain("3 older dropped");
  await act(async () => buttonNamed("Clear").click());
  expect(transport.requests).toContainEqual({ type: "clearLog", tabId: 7 });
  expect(options("Exchanges").length).toBe(0);
});

test("Re-test runs the request in the inspected page and shows old vs new verdict", async () => {
  const transport = fakeTransport();
  const evaluated: string[] = [];
  await mount(transport, { evalInPage: async (expr: string) => evaluated.push(expr) });
  await show(transport, [blocked]);
  await act(async () => options("Exchanges")[0]?.click());
  await act(async () => buttonNamed("Re-test").click());
  expect(evaluated[0]).toContain('fetch("http://api.test/orders?x=1", {"method":"PUT"');
  expect(byLabel("Re-test result").textContent).toContain("waiting for the request");
  const fixed = entry({ id: "bad2", url: "http://api.test/orders?x=1", method: "PUT", start: Date.now() });
  await push(transport, { type: "upsert", tabId: 7, entries: [fixed] });
  const result = byLabel("Re-test result").textContent ?? "";
  expect(result).toContain("Beforeblocked");
  expect(result).toContain("Nowallowed");
});

test("the origin's synthesized policy opens on demand, with server tabs", async () => {
  const transport = fakeTransport();
  await mount(transport);
  await show(transport, [allowed, blocked, cdn]);
  await act(async () => options("Exchanges")[1]?.click());
  const policy = byLabel("Policy for origin");
  expect(policy.querySelector("pre")).toBeNull();
  await act(async () => buttonNamed("▸ Policy for http://api.test").click());
  expect(policy.textContent).toContain("Access-Control-Allow-Origin: http://page.test");
  expect(policy.textContent).toContain("Access-Control-Allow-Methods: GET, PUT");
  const tabs = [...policy.querySelectorAll('[role="tab"]')];
  expect(tabs.length).toBeGreaterThan(3);
  expect(tabs[0]?.getAttribute("aria-selected")).toBe("true");
});

test("the background pull asks for the next slice as soon as an answer comes, and ends holding every entry once", async () => {
  const many = Array.from({ length: 600 }, (_, i) => entry({ id: `e${i}`, url: `http://api.test/items/${i}`, start: 1000 + i }));
  const answers: (() => void)[] = [];
  const transport = fakeTransport({ getEntries: entriesFrom(many) });
  // hold each answer until the test lets it go
  const request = transport.request.bind(transport);
  transport.request = (message) =>
    message.type === "getEntries" ? new Promise((resolve) => answers.push(() => resolve(request(message)))) : request(message);
  await mount(transport);
  await push(transport, rowsMessage(many));
  const asked = () => transport.requests.filter((r) => r.type === "getEntries") as { ids: string[] }[];
  const panel = () => container.querySelector(".panel")?.getAttribute("data-details");
  await act(async () => undefined);
  expect(asked()).toHaveLength(0); // held by the fake until released; the request is pending
  expect(answers).toHaveLength(1);
  // the first answer: the second request is made at once, not from an effect after the page
  // has drawn the first (effects run after a frame; only microtasks run here)
  answers[0]?.();
  for (let i = 0; i < 10; i++) await Promise.resolve();
  expect(answers).toHaveLength(2);
  await act(async () => {
    answers[1]?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
  await act(async () => {
    answers[2]?.();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  });
  const ids = asked().flatMap((r) => r.ids);
  expect(asked().map((r) => r.ids.length)).toEqual([250, 250, 100]);
  expect(new Set(ids).size).toBe(600);
  expect(answers).toHaveLength(3);
  expect(panel()).toBe("600/600");
});
