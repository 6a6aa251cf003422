/**
 * Hardening, hostile input, in real Chromium: a server answers with 65 hostile payloads
 * (test/unit/hardening/payloads.ts — markup and script in header values, names and the
 * status line, javascript: URLs, bidi overrides and zero-width characters, 100 KB values,
 * invalid UTF-8, CR/LF inside values, 3,000 header lines) sent as raw bytes by a socket
 * server. The page fetches each one; then the panel (panel.html?tabId=N) shows every exchange
 * with its detail, expanded values and (blocked ones) every server's fix snippet, the popup its
 * summary, and the panel's Export HAR / Export JSON write files.
 *
 * In every extension page: nothing executes or is inserted (a sentinel a successful injection
 * would set, elements with `pwned` ids, CSP violations, page errors), nothing overflows its
 * row or column, invisible characters are shown as ⟨U+XXXX⟩, and the exports hold the
 * captured values exactly.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { startTestServers, type TestServers } from "../support/server";
import type { DiagnosedExchange } from "../../src/cors/model";
import { redactExchange } from "../../src/export/redact";
import { CSP_RECORDER, PAYLOADS, type Payload, SENTINEL_CHECK } from "../unit/hardening/payloads";

jest.setTimeout(120000);

const OUT = resolve(__dirname, "../../test-output/hardening-hostile");
let servers: TestServers;
let raw: Server;
let rawOrigin: string;
let h: ExtHarness;
let page: Page;
let tabId: number;
let entries: DiagnosedExchange[];

const byId = new Map(PAYLOADS.map((p) => [p.id, p]));
const toBuffer = (v: Buffer | string, origin: string) => (typeof v === "string" ? Buffer.from(v.replace("$origin", origin), "utf8") : v);
const line = (name: string, value: Buffer | string, origin: string) => Buffer.concat([Buffer.from(`${name}: `, "utf8"), toBuffer(value, origin), Buffer.from("\r\n")]);

/** Answers /h/<id> as the payload says, byte for byte (Node's HTTP server would refuse most). */
function answer(socket: Socket, head: string): void {
  const [requestLine = "", ...lines] = head.split("\r\n");
  const [method = "GET", path = "/"] = requestLine.split(" ");
  const origin = lines.find((l) => l.toLowerCase().startsWith("origin:"))?.slice(7).trim() ?? "null";
  const p = byId.get(decodeURIComponent(path.replace(/^\/h\//, "").split("?")[0] ?? ""));
  const parts: Buffer[] = [];
  if (!p) {
    parts.push(Buffer.from("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
  } else if (method === "OPTIONS") {
    const pre = p.preflight ?? [];
    parts.push(Buffer.from("HTTP/1.1 204 No Content\r\n"), line("Access-Control-Allow-Origin", origin, origin));
    if (!pre.some(([n]) => n.toLowerCase() === "access-control-allow-methods")) parts.push(line("Access-Control-Allow-Methods", "PUT", origin));
    for (const [n, v] of pre) parts.push(line(n, v, origin));
    parts.push(Buffer.from("Content-Length: 0\r\nConnection: close\r\n\r\n"));
  } else {
    parts.push(toBuffer(p.statusLine ?? "HTTP/1.1 200 OK", origin), Buffer.from("\r\n"));
    if (!p.noAcao) parts.push(line("Access-Control-Allow-Origin", origin, origin));
    for (const [n, v] of p.headers ?? []) parts.push(line(n, v, origin));
    parts.push(Buffer.from("Content-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"));
  }
  socket.end(Buffer.concat(parts));
}

function startRawServer(): Promise<Server> {
  const server = createServer((socket) => {
    let buffered = "";
    socket.on("data", (chunk) => {
      buffered += chunk.toString("latin1");
      const end = buffered.indexOf("\r\n\r\n");
      if (end >= 0) answer(socket, buffered.slice(0, end));
    });
    socket.on("error", () => undefined);
  });
  return new Promise((ok) => server.listen(0, "127.0.0.1", () => ok(server)));
}

/** What the page does for a payload: a preflighted PUT (with a header the preflight must
 * allow) when the payload is on the preflight, a GET otherwise. */
const requestFor = (p: Payload): { url: string; method: string; headers: Record<string, string> } => ({ url: `${rawOrigin}/h/${encodeURIComponent(p.id)}`, method: p.preflight ? "PUT" : "GET", headers: p.preflight ? { "X-Custom": "1" } : {} });

async function openExtensionPage(path: string): Promise<{ page: Page; errors: string[] }> {
  const p = await h.browser.newPage();
  const errors: string[] = [];
  p.on("pageerror", (e) => errors.push(String(e)));
  await p.evaluateOnNewDocument(CSP_RECORDER);
  await p.setViewport({ width: 1280, height: 800 });
  await p.goto(`chrome-extension://${h.extensionId}/${path}`, { waitUntil: "load" });
  return { page: p, errors };
}

const sentinel = (p: Page) => p.evaluate(SENTINEL_CHECK) as Promise<string[]>;

/** Overflow beyond the viewport, a column, or a fixed-height row. */
const LAYOUT_CHECK = `(() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > innerWidth + 1) out.push("page wider than the window: " + doc.scrollWidth);
  if (doc.scrollHeight > innerHeight + 1) out.push("page taller than the window: " + doc.scrollHeight);
  for (const col of document.querySelectorAll(".col, .detail-col")) {
    if (col.scrollWidth > col.clientWidth + 2) out.push((col.getAttribute("aria-label") || col.className) + " scrolls sideways: " + col.scrollWidth + " > " + col.clientWidth);
  }
  for (const row of document.querySelectorAll('[role="option"]')) {
    if (row.offsetHeight !== 22) out.push("list row of height " + row.offsetHeight + ": " + (row.textContent || "").slice(0, 60));
  }
  const detail = document.querySelector(".detail-col");
  if (detail) {
    const box = detail.getBoundingClientRect();
    for (const v of detail.querySelectorAll(".value")) {
      const r = v.getBoundingClientRect();
      if (r.width > box.width + 1) out.push("value wider than the detail column: " + (v.textContent || "").slice(0, 40));
    }
    for (const table of detail.querySelectorAll("table")) {
      const rows = [...table.querySelectorAll("tr")];
      for (let i = 1; i < rows.length; i++) {
        if (rows[i].getBoundingClientRect().top + 0.5 < rows[i - 1].getBoundingClientRect().bottom) out.push("header rows overlap at " + i);
      }
    }
  }
  return out;
})()`;

beforeAll(async () => {
  mkdirSync(OUT, { recursive: true });
  servers = await startTestServers();
  raw = await startRawServer();
  rawOrigin = `http://127.0.0.1:${(raw.address() as AddressInfo).port}`;
  h = await launchChromiumWithExtension({ extensionPath: process.env.CORS_LENS_EXTENSION || undefined });
  page = await h.newPage(`${servers.pageOrigin}/page?title=hostile&q=${encodeURIComponent('<b id="pwned-url">\u202E')}`);
  tabId = await h.tabIdOf(page);
  const requests = PAYLOADS.map(requestFor);
  await page.evaluate(async (list: { url: string; method: string; headers: Record<string, string> }[]) => {
    for (const r of list) await fetch(r.url, { method: r.method, headers: r.headers }).then((res) => res.text(), () => "failed");
  }, requests);
  const urls = new Set(requests.map((r) => r.url));
  entries = await h.waitForExchanges(tabId, (es) => es.filter((e) => urls.has(e.exchange.url) && e.exchange.outcome.state !== "pending").length >= urls.size, 30000);
});

afterAll(async () => {
  await h?.close();
  await servers?.close();
  await new Promise((ok) => raw?.close(ok));
});

const entryOf = (id: string) => entries.find((e) => e.exchange.url === `${rawOrigin}/h/${encodeURIComponent(id)}`);
const headerOf = (e: DiagnosedExchange | undefined, name: string) =>
  e?.exchange.hops.flatMap((hop) => hop.response?.headers ?? []).find((x) => x.name.toLowerCase() === name.toLowerCase())?.value;

test("at least 50 hostile payloads, each captured as one exchange", () => {
  expect(PAYLOADS.length).toBeGreaterThanOrEqual(50);
  const missing = PAYLOADS.filter((p) => !entryOf(p.id)).map((p) => p.id);
  expect(missing).toEqual([]);
});

test("capture keeps what arrived: markup as text, a 100 KB value cut with a marker, the CORS header after 3,000 others", () => {
  expect(headerOf(entryOf("img-onerror"), "x-payload")).toBe(`<img src=x onerror="window.__pwned='img-onerror'" id="pwned-img">`);
  expect(headerOf(entryOf("bidi-rlo"), "x-payload")).toBe("https://a.example\u202Egpj.exe");
  const big = headerOf(entryOf("value-100k"), "x-payload") ?? "";
  expect(big.startsWith("A".repeat(1000))).toBe(true);
  expect(big).toMatch(/more characters\]$/);
  // the browser allowed it: the deciding header must not be the one the header cap dropped
  const thousands = entryOf("thousands");
  expect(thousands?.diagnosis.verdict).toBe("allowed");
  expect(headerOf(thousands, "access-control-allow-origin")).toBe(servers.pageOrigin);
});

describe("the panel", () => {
  let panel: Page;
  let errors: string[];
  const findings: string[] = [];

  beforeAll(async () => {
    ({ page: panel, errors } = await openExtensionPage(`panel.html?tabId=${tabId}`));
    await panel.waitForFunction(() => document.querySelectorAll('[aria-label="Target origins"] [role="option"]').length >= 2);
    // the raw server's origin: every payload's exchange
    const index = await panel.$$eval('[aria-label="Target origins"] [role="option"] .origin-name', (els, o) => els.findIndex((e) => e.textContent === o), rawOrigin);
    await panel.click(`#origin-${index}`);
    const count = await panel.$$eval('[aria-label^="Exchanges"] [role="listbox"], [aria-label^="Exchanges"][role="listbox"]', (els) => els.length);
    expect(count).toBeGreaterThan(0);
    await panel.focus('[aria-label^="Exchanges"][role="listbox"]');
    await panel.keyboard.press("Home");
    const total = PAYLOADS.length;
    for (let i = 0; i < total + 2; i++) {
      await panel.keyboard.press("Enter");
      await panel.waitForSelector('[aria-label="Exchange detail"]');
      // in the page, in one go: expand every long value, open each server's snippet, check
      const found = (await panel.evaluate(`(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const label = (document.querySelector('[aria-label="Exchange detail"]')?.textContent || "").slice(0, 80);
        const out = [];
        for (const b of document.querySelectorAll('.detail-col .show-all[aria-expanded="false"]')) b.click();
        await frame();
        for (const p of ${LAYOUT_CHECK}) out.push(label + ": " + p);
        // every server's snippet where a failure is explained (they quote what was received)
        const blocked = document.querySelector('.detail-col [aria-label="Evidence"]') !== null;
        for (const tab of blocked ? document.querySelectorAll('.detail-col [role="tab"]') : []) {
          tab.click();
          await frame();
          for (const p of ${LAYOUT_CHECK}) out.push(label + " (" + tab.textContent + "): " + p);
        }
        for (const p of ${SENTINEL_CHECK}) out.push(label + ": " + p);
        return out;
      })()`)) as string[];
      findings.push(...found);
      await panel.focus('[aria-label^="Exchanges"][role="listbox"]');
      await panel.keyboard.press("ArrowDown");
    }
    await panel.screenshot({ path: join(OUT, "panel.png") });
  });

  test("nothing executes, nothing is inserted, nothing is blocked by the CSP, no page error", () => {
    expect(findings.filter((f) => !/wider|taller|sideways|height|overlap/.test(f))).toEqual([]);
    expect(errors).toEqual([]);
  });

  test("nothing breaks the layout beyond its row", () => {
    expect(findings.filter((f) => /wider|taller|sideways|height|overlap/.test(f))).toEqual([]);
  });

  test("text is shown as received, invisible characters made visible", async () => {
    const shown = async (id: string) => {
      const url = `${rawOrigin}/h/${encodeURIComponent(id)}`;
      await panel.$eval('[aria-label="Search URL and headers"]', (el) => (el as HTMLInputElement).select());
      await panel.type('[aria-label="Search URL and headers"]', `/h/${id}`);
      await panel.waitForFunction((u) => [...document.querySelectorAll('[aria-label^="Exchanges"] [role="option"] .path')].some((e) => u.endsWith(e.textContent ?? "\u0000")), {}, url);
      await panel.click("#exchange-0");
      await panel.waitForSelector('[aria-label="Exchange detail"]');
      for (const button of await panel.$$(".detail-col .show-all")) await button.click().catch(() => undefined);
      return panel.$eval(".detail-col", (el) => el.textContent ?? "");
    };
    expect(await shown("img-onerror")).toContain(`<img src=x onerror="window.__pwned='img-onerror'" id="pwned-img">`);
    expect(await shown("entities")).toContain("&lt;script&gt;");
    expect(await shown("bidi-rlo")).toContain("https://a.example\u27E8U+202E\u27E9gpj.exe");
    expect(await shown("zwj-bom")).toContain("a\u27E8U+200D\u27E9b\u27E8U+FEFF\u27E9c");
    expect(await shown("soft-hyphen")).toContain("in\u27E8U+00AD\u27E9visible");
    expect(await shown("ansi-escape")).toContain("\u27E8U+001B\u27E9[31mRED");
    expect(await shown("rtl-text")).toContain("مرحبا שלום");
    const acao = await shown("zero-width-acao");
    expect(acao).toContain(`${servers.pageOrigin}\u27E8U+200B\u27E9`);
    expect(await shown("value-100k")).toContain("more characters");
  });
});

test("the popup: nothing executes or overflows", async () => {
  const { page: popup, errors } = await openExtensionPage(`popup.html?tabId=${tabId}`);
  await popup.setViewport({ width: 400, height: 600 });
  // the log has arrived once a count is not 0: the labels ("blocked"…) are there from the first
  // render, before the log and its page URL (waiting for them alone failed 1 run in 3)
  await popup.waitForFunction(() => Number(document.querySelector('[aria-label="Cross-origin requests by verdict"] .v-blocked strong')?.textContent ?? "0") > 0);
  expect(await sentinel(popup)).toEqual([]);
  const layout = (await popup.evaluate(`(() => {
    const d = document.documentElement;
    return { wide: d.scrollWidth > innerWidth + 1, url: document.querySelector(".page-url")?.textContent ?? "" };
  })()`)) as { wide: boolean; url: string };
  expect(layout.wide).toBe(false);
  expect(layout.url).toContain("pwned-url");
  expect(errors).toEqual([]);
  await popup.screenshot({ path: join(OUT, "popup.png") });
});

describe("exports from the panel", () => {
  const dir = join(OUT, "downloads");
  const files: Record<string, string> = {};

  beforeAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const { page: panel } = await openExtensionPage(`panel.html?tabId=${tabId}`);
    const cdp = await panel.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: dir });
    await panel.waitForFunction(() => (document.querySelector(".state-line")?.textContent ?? "").includes("exchanges shown"));
    for (const [label, ext] of [
      ["Export HAR", ".har"],
      ["Export JSON", ".json"],
    ] as const) {
      const button = await panel.waitForSelector(`::-p-aria(${label})`);
      await button?.click();
      const deadline = Date.now() + 15000;
      while (Date.now() < deadline) {
        const found = existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith(ext)) : undefined;
        if (found) {
          files[ext] = readFileSync(join(dir, found), "utf8");
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect(await sentinel(panel)).toEqual([]);
  });

  test("HAR: valid JSON holding every captured value exactly", () => {
    const har = JSON.parse(files[".har"] ?? "null") as { log: { entries: { request: { url: string }; response: { headers: { name: string; value: string }[] } }[] } };
    for (const p of PAYLOADS) {
      const captured = headerOf(entryOf(p.id), "x-payload");
      if (captured === undefined) continue;
      const entry = har.log.entries.find((e) => e.request.url === `${rawOrigin}/h/${encodeURIComponent(p.id)}`);
      expect({ id: p.id, value: entry?.response.headers.find((x) => x.name.toLowerCase() === "x-payload")?.value }).toEqual({ id: p.id, value: captured });
    }
  });

  test("JSON: the exchanges exactly as the worker holds them (secrets redacted, the default)", () => {
    const json = JSON.parse(files[".json"] ?? "null") as { exchanges: DiagnosedExchange[] };
    for (const p of PAYLOADS) {
      const entry = entryOf(p.id);
      const exported = json.exchanges.find((e) => e.exchange.id === entry?.exchange.id);
      const expected = entry ? redactExchange(entry.exchange).hops : undefined;
      expect({ id: p.id, hops: exported?.exchange.hops }).toEqual({ id: p.id, hops: expected });
    }
  });
});
