/**
 * Capture in real Chromium (headless, built extension): a page on one origin makes 25 kinds
 * of requests to other origins; the log read back through the protocol must hold one
 * exchange per request with the right structure (preflight paired, redirect hops, cached
 * preflight, outcome, traffic class). Then the worker is killed mid-session and mid-request.
 */
import type { Page } from "puppeteer";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { readUntil } from "../support/poll";
import { GIF_BASE64, type PageRequest, runInPage } from "../support/scenarios";
import { specUrl, type RouteSpec, startTestServers, type TestServers } from "../support/server";
import type { DiagnosedExchange, Exchange } from "../../src/cors/model";
import { headerValue } from "../../src/capture/headers";

jest.setTimeout(90000);

let servers: TestServers;
let h: ExtHarness;

beforeAll(async () => {
  servers = await startTestServers();
  h = await launchChromiumWithExtension();
});

afterAll(async () => {
  await h?.close();
  await servers?.close();
});

const ACAO: [string, string] = ["Access-Control-Allow-Origin", "$origin"];
const allow = (methods: string, headers?: string, extra: [string, string][] = []): RouteSpec["preflight"] => ({
  status: 204,
  headers: [ACAO, ["Access-Control-Allow-Methods", methods], ...(headers ? [["Access-Control-Allow-Headers", headers] as [string, string]] : []), ...extra],
});

/** path → exchange (paths are unique per request kind) */
function byPath(entries: DiagnosedExchange[]): Map<string, Exchange[]> {
  const m = new Map<string, Exchange[]>();
  for (const { exchange } of entries) {
    const path = new URL(exchange.url).pathname;
    m.set(path, [...(m.get(path) ?? []), exchange]);
  }
  return m;
}

const outcomeOf = (ex: Exchange | undefined) =>
  ex === undefined ? "missing" : ex.outcome.state === "failed" ? ex.outcome.error : ex.outcome.state;

async function openPage(title: string): Promise<{ page: Page; tabId: number }> {
  const page = await h.newPage(`${servers.pageOrigin}/page?title=${title}`);
  return { page, tabId: await h.tabIdOf(page) };
}

describe("25 kinds of requests", () => {
  let entries: DiagnosedExchange[];
  let paths: Map<string, Exchange[]>;
  let results: { ok: boolean; error?: string }[];
  const api = (spec: RouteSpec, path: string) => specUrl(servers.apiOrigin, spec, path);

  beforeAll(async () => {
    const { page, tabId } = await openPage("kinds");
    const target = api({ actual: { headers: [ACAO] } }, "redirect-target");
    const cachedUrl = api({ preflight: allow("PATCH", undefined, [["Access-Control-Max-Age", "600"]]), actual: { headers: [ACAO] } }, "cached");
    const requests: PageRequest[] = [
      { kind: "fetch", url: api({ actual: { headers: [ACAO] } }, "simple") },
      { kind: "fetch", url: api({}, "no-acao") },
      { kind: "fetch", method: "PUT", url: api({ preflight: allow("PUT"), actual: { headers: [ACAO] } }, "put-ok") },
      { kind: "fetch", method: "DELETE", url: api({ preflight: allow("GET, PUT"), actual: { headers: [ACAO] } }, "delete-denied") },
      { kind: "fetch", headers: { "X-Custom": "1" }, url: api({ preflight: allow("GET", "x-custom"), actual: { headers: [ACAO] } }, "header-ok") },
      { kind: "fetch", headers: { "X-Secret": "1" }, url: api({ preflight: allow("GET", "x-other"), actual: { headers: [ACAO] } }, "header-denied") },
      { kind: "fetch", credentials: "include", url: api({ actual: { headers: [["Access-Control-Allow-Origin", "*"]] } }, "cred-star") },
      { kind: "fetch", credentials: "include", url: api({ actual: { headers: [ACAO, ["Access-Control-Allow-Credentials", "true"], ["Vary", "Origin"]] } }, "cred-ok") },
      { kind: "fetch", method: "PATCH", url: cachedUrl },
      { kind: "fetch", method: "PATCH", url: cachedUrl },
      { kind: "fetch", url: api({ actual: { status: 302, headers: [ACAO, ["Location", target]] } }, "redirect-same") },
      {
        kind: "fetch",
        url: api({ actual: { status: 307, headers: [ACAO, ["Location", specUrl(servers.thirdOrigin, { actual: { headers: [ACAO] } }, "third-target")]] } }, "redirect-cross"),
      },
      { kind: "fetch", method: "PUT", url: api({ preflight: { status: 302, headers: [ACAO, ["Location", target]] } }, "preflight-redirect") },
      { kind: "fetch", url: servers.closedUrl },
      { kind: "fetch", url: specUrl(servers.pageOrigin, {}, "same-origin") },
      { kind: "fetch", mode: "no-cors", url: api({}, "no-cors-fetch") },
      { kind: "img", url: api({ actual: { headers: [["Content-Type", "image/gif"]], bodyBase64: GIF_BASE64 } }, "img-plain.gif") },
      { kind: "img", crossOrigin: "anonymous", url: api({ actual: { headers: [ACAO, ["Content-Type", "image/gif"]], bodyBase64: GIF_BASE64 } }, "img-cors.gif") },
      { kind: "font", url: api({ actual: { headers: [["Content-Type", "font/woff2"]], body: "not a font" } }, "font-no-acao.woff2") },
      { kind: "script", crossOrigin: "anonymous", url: api({ actual: { headers: [ACAO, ["Content-Type", "text/javascript"]], body: "void 0;" } }, "script-cors.js") },
      { kind: "xhr", url: api({ actual: { headers: [ACAO] } }, "xhr-ok") },
      { kind: "fetch", url: api({ actual: { status: 500, body: "boom" } }, "error-500") },
      { kind: "fetch", method: "POST", body: "a=1", headers: { "Content-Type": "text/plain" }, url: api({ actual: { headers: [ACAO] } }, "post-simple") },
      { kind: "fetch", method: "POST", body: "{}", headers: { "Content-Type": "application/json" }, url: api({ preflight: allow("POST", "content-type"), actual: { headers: [ACAO] } }, "post-json") },
      { kind: "fetch", method: "PUT", url: api({}, "preflight-404") },
      { kind: "fetch", url: api({ actual: { drop: true } }, "dropped") },
    ];
    results = await runInPage(page, requests);
    entries = await h.waitForExchanges(tabId, (es) => es.filter((e) => e.exchange.outcome.state !== "pending").length >= requests.length + 1, 15000);
    paths = byPath(entries);
  });

  const one = (path: string): Exchange => {
    const list = paths.get(`/r/${path}`) ?? [];
    expect({ path, count: list.length }).toEqual({ path, count: 1 });
    return list[0] as Exchange;
  };

  test("the page saw what we expect (ground truth for the rest)", () => {
    expect(results.map((r) => r.ok)).toEqual([
      true, false, true, false, true, false, false, true, true, true, true, true, false, false, true, true, true, true, false, true, true, false, true, true, false, false,
    ]);
  });

  test("simple GET: one exchange, no preflight needed, completed, Origin sent", () => {
    const ex = one("simple");
    expect(ex.trafficClass).toBe("cross-origin");
    expect(ex.type).toBe("xmlhttprequest");
    expect(ex.hops[0]?.preflightState).toBe("not-needed");
    expect(headerValue(ex.hops[0]?.requestHeaders, "origin")).toBe(servers.pageOrigin);
    expect(ex.initiator).toBe(servers.pageOrigin);
    expect(outcomeOf(ex)).toBe("completed");
  });

  test.each(["no-acao", "cred-star", "error-500"])("%s: response headers kept, then net::ERR_FAILED", (path) => {
    const ex = one(path);
    expect(outcomeOf(ex)).toBe("net::ERR_FAILED");
    expect(ex.hops[0]?.response?.status).toBe(path === "error-500" ? 500 : 200);
  });

  test.each([
    ["put-ok", "completed", 204],
    ["delete-denied", "net::ERR_FAILED", 204],
    ["header-ok", "completed", 204],
    ["header-denied", "net::ERR_FAILED", 204],
    ["post-json", "completed", 204],
    ["preflight-404", "net::ERR_FAILED", 404],
    ["preflight-redirect", "net::ERR_FAILED", 302],
  ])("%s: preflight paired with its request", (path, outcome, preflightStatus) => {
    const ex = one(path);
    expect(ex.hops[0]?.preflightState).toBe("sent");
    expect(ex.hops[0]?.preflight?.response?.status).toBe(preflightStatus);
    expect(headerValue(ex.hops[0]?.preflight?.requestHeaders, "access-control-request-method")).toBe(ex.method);
    expect(ex.requestIds).toHaveLength(2);
    expect(outcomeOf(ex)).toBe(outcome);
    // No OPTIONS exchange of its own.
    expect((paths.get(`/r/${path}`) ?? []).filter((e) => e.method === "OPTIONS")).toHaveLength(0);
  });

  test("custom header: Access-Control-Request-Headers names it", () => {
    expect(headerValue(one("header-denied").hops[0]?.preflight?.requestHeaders, "access-control-request-headers")).toBe("x-secret");
  });

  test("cached preflight: the second PATCH sent no OPTIONS, and the server agrees", () => {
    const list = paths.get("/r/cached") ?? [];
    expect(list.map((e) => e.hops[0]?.preflightState)).toEqual(["sent", "cached"]);
    const options = servers.requests.filter((r) => r.method === "OPTIONS" && r.url.includes("/r/cached"));
    expect(options).toHaveLength(1);
  });

  test("redirects: every hop with status, Location and headers; cross-origin hop sends Origin: null", () => {
    const same = one("redirect-same");
    expect(same.hops.map((h) => h.response?.status)).toEqual([302, 200]);
    expect(same.hops[0]?.redirectUrl).toBe(same.hops[1]?.url);
    expect(outcomeOf(same)).toBe("completed");
    const cross = one("redirect-cross");
    expect(cross.hops.map((h) => h.response?.status)).toEqual([307, 200]);
    expect(new URL(cross.hops[1]?.url ?? "").origin).toBe(servers.thirdOrigin);
    expect(headerValue(cross.hops[1]?.requestHeaders, "origin")).toBe("null");
    expect(outcomeOf(cross)).toBe("completed");
  });

  test("network errors keep the browser's string", () => {
    const refused = entries.map((e) => e.exchange).find((e) => e.url === servers.closedUrl);
    expect(outcomeOf(refused)).toBe("net::ERR_CONNECTION_REFUSED");
    expect(outcomeOf(one("dropped"))).toBe("net::ERR_EMPTY_RESPONSE");
  });

  test("same-origin, no-cors and navigation are classified, not dropped", () => {
    expect(one("same-origin").trafficClass).toBe("same-origin");
    const noCors = one("no-cors-fetch");
    expect(headerValue(noCors.hops[0]?.requestHeaders, "sec-fetch-mode")).toBe("no-cors");
    expect(noCors.hops[0]?.preflightState).toBe("not-needed");
    expect(one("img-plain.gif").type).toBe("image");
    const nav = entries.map((e) => e.exchange).filter((e) => e.trafficClass === "navigation");
    expect(nav.map((e) => new URL(e.url).pathname)).toEqual(["/page"]);
  });

  test("resource kinds: image, font, script and XHR go through CORS", () => {
    expect(headerValue(one("img-cors.gif").hops[0]?.requestHeaders, "sec-fetch-mode")).toBe("cors");
    expect(outcomeOf(one("img-cors.gif"))).toBe("completed");
    // Chromium follows a font CORS failure with a cache-only attempt (net::ERR_CACHE_MISS);
    // each attempt is its own exchange.
    const fonts = paths.get("/r/font-no-acao.woff2") ?? [];
    expect(fonts.every((f) => f.type === "font")).toBe(true);
    expect(fonts.map(outcomeOf)).toContain("net::ERR_FAILED");
    expect(one("script-cors.js").type).toBe("script");
    expect(one("xhr-ok").type).toBe("xmlhttprequest");
  });

  test("simple POST needs no preflight, JSON POST does", () => {
    expect(one("post-simple").hops[0]?.preflightState).toBe("not-needed");
    expect(one("post-json").hops[0]?.preflightState).toBe("sent");
  });

  test("every exchange has a diagnosis of the browser it came from", () => {
    for (const e of entries) expect(e.diagnosis.browser).toBe("chromium");
  });
});

/** Whether storage.session holds the preflight answer (part `q0`, entry-codec.ts) of the
 * exchange whose URL is `url`. */
async function preflightAnswerStored(url: string): Promise<boolean> {
  const worker = await h.worker();
  return worker.evaluate(async (u: string) => {
    const all = await chrome.storage.session.get(null);
    const fixed = Object.keys(all).filter((k) => k.endsWith("/u") && String(all[k]).includes(`"url":${JSON.stringify(u)}`));
    return fixed.some((k) => `${k.slice(0, -2)}/q0` in all);
  }, url);
}

describe("worker lifecycle", () => {
  test("killed between requests: earlier exchanges intact, new ones captured", async () => {
    const { page, tabId } = await openPage("kill-between");
    const url = (p: string) => specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, p);
    await runInPage(page, [0, 1, 2].map((i) => ({ kind: "fetch", url: url(`before-${i}`) }) as PageRequest));
    const before = await h.waitForExchanges(tabId, (es) => es.filter((e) => e.exchange.outcome.state === "completed").length >= 4);
    let after = before;
    for (let round = 0; round < 3; round++) {
      await h.killWorker();
      await runInPage(page, [{ kind: "fetch", url: url(`after-${round}`) }]);
      // "Between requests": the next kill comes once this request is in the log, i.e. once the
      // worker it woke is running. Killing a worker that is still starting makes Chromium drop
      // the events queued for that start before any extension code runs (see
      // hardening-worker-kills.test.ts); that is the harness's doing, not a browser's, and it
      // made this test fail about once in eight runs.
      const path = `/r/after-${round}`;
      after = await h.waitForExchanges(tabId, (es) => es.some((e) => new URL(e.exchange.url).pathname === path && e.exchange.outcome.state === "completed"));
    }
    const ids = new Map(after.map((e) => [e.exchange.id, e]));
    for (const e of before) expect(ids.get(e.exchange.id)?.exchange).toEqual(e.exchange);
    const paths = after.map((e) => new URL(e.exchange.url).pathname);
    expect(paths).toEqual(expect.arrayContaining(["/r/after-0", "/r/after-1", "/r/after-2"]));
  });

  test("killed mid-request: the exchange resumes and completes with its preflight", async () => {
    const { page, tabId } = await openPage("kill-mid");
    const url = specUrl(servers.apiOrigin, { preflight: allow("PUT"), actual: { headers: [ACAO], delayMs: 1500 } }, "slow-put");
    const running = runInPage(page, [{ kind: "fetch", method: "PUT", url }]);
    await h.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url === url && e.exchange.hops[0]?.preflight?.response !== undefined));
    // and in storage.session, what the next worker starts from: the worker writes within a few
    // milliseconds, but a kill within them (on a loaded machine, seen once in a run next to the
    // kill test) loses that change; the kill test measures that window, this test the resume
    const stored = await readUntil(() => preflightAnswerStored(url), (yes) => yes, 5000);
    expect(stored).toBe(true);
    await h.killWorker();
    expect(await running).toEqual([{ ok: true, status: 200 }]);
    const entries = await h.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url === url && e.exchange.outcome.state === "completed"));
    const list = entries.filter((e) => e.exchange.url === url);
    expect(list).toHaveLength(1);
    expect(list[0]?.exchange.hops[0]?.preflightState).toBe("sent");
    expect(list[0]?.exchange.hops[0]?.response?.status).toBe(200);
  });
});

describe("log lifecycle, badge and live port", () => {
  test("badge counts blocked exchanges in red; navigation clears log and badge", async () => {
    const { page, tabId } = await openPage("badge");
    await runInPage(page, [
      { kind: "fetch", url: specUrl(servers.apiOrigin, {}, "badge-1") },
      { kind: "fetch", url: specUrl(servers.apiOrigin, {}, "badge-2") },
    ]);
    const entries = await h.waitForExchanges(tabId, (es) => es.filter((e) => e.exchange.outcome.state === "failed").length >= 2);
    const blocked = entries.filter((e) => e.diagnosis.verdict === "blocked").length;
    const worker = await h.worker();
    const badge = () =>
      worker.evaluate(async (id: number) => ({
        text: await chrome.action.getBadgeText({ tabId: id }),
        color: await chrome.action.getBadgeBackgroundColor({ tabId: id }),
      }), tabId);
    // the badge follows within its delay (badge.ts BADGE_DELAY_MS)
    const shownText = (want: string) => readUntil(badge, (b) => b.text === want);
    const shown = await shownText(blocked > 0 ? String(blocked) : "");
    expect(shown.text).toBe(blocked > 0 ? String(blocked) : "");
    if (blocked > 0) expect(shown.color).toEqual([0xd9, 0x30, 0x25, 255]);
    await page.goto(`${servers.pageOrigin}/page?title=again`, { waitUntil: "load" });
    const cleared = await h.waitForExchanges(tabId, (es) => es.every((e) => !e.exchange.url.includes("badge-")));
    // What is left is the new page: its navigation (and its own same-origin requests).
    expect(cleared.filter((e) => e.exchange.trafficClass === "navigation").map((e) => e.exchange.url)).toEqual([
      `${servers.pageOrigin}/page?title=again`,
    ]);
    expect(cleared.every((e) => e.exchange.trafficClass === "navigation" || e.exchange.trafficClass === "same-origin")).toBe(true);
    expect((await shownText("")).text).toBe("");
  });

  test("a badge left wrong by a stopped worker (stopped within the badge's delay) is set right by the next one", async () => {
    const { page, tabId } = await openPage("badge-restart");
    await runInPage(page, [{ kind: "fetch", url: specUrl(servers.apiOrigin, {}, "badge-restart-1") }]);
    await h.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url.includes("badge-restart-1") && e.diagnosis.verdict === "blocked"));
    const text = async () => (await h.worker()).evaluate((id: number) => chrome.action.getBadgeText({ tabId: id }), tabId);
    const until = (want: string) => readUntil(text, (t) => t === want, 3000);
    expect(await until("1")).toBe("1");
    // what a worker stopped before sending its last count leaves: a badge that is not the log's
    await (await h.worker()).evaluate((id: number) => chrome.action.setBadgeText({ tabId: id, text: "7" }), tabId);
    expect(await text()).toBe("7");
    await h.killWorker();
    await h.request({ type: "getLog", tabId }); // wakes a new worker, which restores the log
    expect(await until("1")).toBe("1");
  });

  test("an open port gets the rows, then each new exchange in full within 100 ms of completion", async () => {
    const { page, tabId } = await openPage("port");
    await h.extensionPage.evaluate(
      (id: number, name: string) => {
        const w = window as unknown as { __msgs: { at: number; msg: { type: string; entries?: { exchange: { url: string; outcome: { state: string; endTime?: number } } }[] } }[] };
        w.__msgs = [];
        const port = chrome.runtime.connect({ name });
        port.onMessage.addListener((msg) => w.__msgs.push({ at: Date.now(), msg }));
        port.postMessage({ type: "subscribe", tabId: id, detail: "full" });
      },
      tabId,
      "cors-lens:tab-log",
    );
    const url = specUrl(servers.apiOrigin, { actual: { headers: [ACAO] } }, "port-live");
    await new Promise((r) => setTimeout(r, 200));
    await runInPage(page, [{ kind: "fetch", url }]);
    await new Promise((r) => setTimeout(r, 500));
    const msgs = await h.extensionPage.evaluate(() => (window as unknown as { __msgs: unknown[] }).__msgs) as {
      at: number;
      msg: { type: string; entries?: { exchange: { url: string; outcome: { state: string; endTime?: number } } }[] };
    }[];
    expect(msgs[0]?.msg.type).toBe("rows");
    const done = msgs.find((m) => m.msg.type === "upsert" && m.msg.entries?.some((e) => e.exchange.url === url && e.exchange.outcome.state === "completed"));
    expect(done).toBeDefined();
    const entry = done?.msg.entries?.find((e) => e.exchange.url === url);
    // webRequest timestamps and Date.now() share the same clock on one machine.
    expect((done?.at ?? 0) - (entry?.exchange.outcome.endTime ?? 0)).toBeLessThan(100);
  });
});
