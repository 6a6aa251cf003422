/** @jest-environment jsdom */
import { render } from "preact";
import { act } from "preact/test-utils";
import { DEFAULT_SETTINGS, rowOf, type Settings } from "../../../src/protocol";
import { normalizeSite, Options } from "../../../src/ui/options/Options";
import { failingOrigins, PopupApp } from "../../../src/ui/popup/Popup";
import { entry, fakeTransport, rowsMessage } from "./fixtures";

let container: HTMLElement;
/** lets the fake transport's promises settle */
const settle = () => act(async () => new Promise<void>((resolve) => setTimeout(resolve, 0)));
beforeEach(() => {
  container = document.createElement("div");
  document.body.appendChild(container);
});
afterEach(() => {
  render(null, container);
  container.remove();
});

const blockedA = entry({ id: "a", url: "http://api.test/1", failure: { id: "acao-missing" } });
const blockedA2 = entry({ id: "a2", url: "http://api.test/2", failure: { id: "acao-missing" }, start: 2 });
const blockedB = entry({ id: "b", url: "http://auth.test/x", failure: { id: "header-not-allowed" }, start: 3 });
const ok = entry({ id: "ok", url: "http://cdn.test/x", start: 4, warnings: [{ id: "warn-missing-vary-origin", text: "Vary" }] });

test("failing origins, worst first, with their commonest reason", () => {
  expect(failingOrigins([blockedB, blockedA, blockedA2, ok].map(rowOf))).toEqual([
    { origin: "http://api.test", count: 2, reason: "no Access-Control-Allow-Origin" },
    { origin: "http://auth.test", count: 1, reason: "header not allowed by preflight" },
  ]);
});

test("popup asks for the active tab and summarises it", async () => {
  const transport = fakeTransport({ activeTab: () => ({ tabId: 7, pageUrl: "http://page.test/app" }) });
  await act(async () => {
    render(<PopupApp transport={transport} tabId={null} />, container);
  });
  await settle();
  expect(transport.posted).toEqual([{ type: "subscribe", tabId: 7, detail: "rows" }]);
  await act(async () => transport.push(rowsMessage([blockedA, blockedA2, blockedB, ok])));
  const verdicts = container.querySelector('[aria-label="Cross-origin requests by verdict"]')?.textContent;
  expect(verdicts).toContain("3 blocked");
  expect(verdicts).toContain("1 allowed");
  expect(verdicts).toContain("1 with warnings");
  expect(container.textContent).toContain("http://api.test2 × no Access-Control-Allow-Origin");
  expect(container.textContent).toContain("Open DevTools (F12) → CORS tab");
  const clear = [...container.querySelectorAll("button")].find((b) => b.textContent === "Clear");
  await act(async () => clear?.click());
  expect(transport.requests).toContainEqual({ type: "clearLog", tabId: 7 });
  expect(container.textContent).toContain("0 blocked");
});

test("site names are normalised to hosts", () => {
  expect(normalizeSite(" https://Bank.Example/login ")).toBe("bank.example");
  expect(normalizeSite("intranet.local:8080")).toBe("intranet.local");
  expect(normalizeSite("")).toBeNull();
  expect(normalizeSite("http://")).toBeNull();
});

test("options read settings and save each change", async () => {
  let stored: Settings = { ...DEFAULT_SETTINGS, disabledSites: ["old.test"] };
  const transport = fakeTransport({
    getSettings: () => stored,
    setSettings: (m) => {
      stored = { ...stored, ...m.settings };
      return stored;
    },
  });
  await act(async () => {
    render(<Options transport={transport} />, container);
  });
  await settle();
  const check = (text: string) =>
    [...container.querySelectorAll("label")].find((l) => l.textContent?.includes(text))?.querySelector("input") as HTMLInputElement;
  await act(async () => check("Pause capture").click());
  await settle();
  expect(stored.paused).toBe(true);

  const input = container.querySelector('[aria-label="Site to exclude"]') as HTMLInputElement;
  await act(async () => {
    input.value = "HTTPS://Bank.example/";
    input.dispatchEvent(new Event("input", { bubbles: true }));
  });
  await act(async () => {
    container.querySelector("form")?.dispatchEvent(new Event("submit", { bubbles: true, cancelable: true }));
  });
  await settle();
  expect(stored.disabledSites).toEqual(["old.test", "bank.example"]);
  await act(async () => (container.querySelector('[aria-label="Remove old.test"]') as HTMLButtonElement).click());
  await settle();
  expect(stored.disabledSites).toEqual(["bank.example"]);

  const max = check("Exchanges per tab");
  await act(async () => {
    max.value = "500";
    max.dispatchEvent(new Event("change", { bubbles: true }));
  });
  await settle();
  expect(stored.maxExchangesPerTab).toBe(500);
});
