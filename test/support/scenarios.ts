/**
 * Cross-origin request scenarios run by a real page: shared by tools/record-fixtures.ts (which
 * records their raw event streams) and the e2e tests (which check what the extension made of
 * them). A scenario is data — a list of requests the page makes — and `runInPage` performs
 * them inside the page and reports what the page itself observed (ok / status / error).
 */
import type { Page } from "puppeteer";
import { specUrl, type RouteSpec, type TestServers } from "./server";

export type PageRequest =
  | { kind: "fetch"; url: string; method?: string; headers?: Record<string, string>; credentials?: "include" | "omit" | "same-origin"; mode?: "cors" | "no-cors"; body?: string }
  | { kind: "xhr"; url: string; method?: string; headers?: Record<string, string>; withCredentials?: boolean }
  | { kind: "img"; url: string; crossOrigin?: "anonymous" | "use-credentials" }
  | { kind: "script"; url: string; crossOrigin?: "anonymous" }
  | { kind: "font"; url: string };

export interface PageResult {
  ok: boolean;
  status?: number;
  error?: string;
}

export interface Scenario {
  name: string;
  /** requests run one after the other, unless `concurrent` */
  requests: PageRequest[];
  concurrent?: boolean;
}

const ACAO: [string, string] = ["Access-Control-Allow-Origin", "$origin"];

/**
 * The in-page runner, as source text: TS loaders (tsx) add helpers such as `__name` to named
 * functions, which do not exist inside the page, so this code is sent as a string.
 */
const PAGE_RUNNER = `async (reqs, parallel) => {
  const one = async (r) => {
    try {
      if (r.kind === "fetch") {
        const init = { method: r.method || "GET", headers: r.headers || {}, mode: r.mode || "cors" };
        if (r.credentials) init.credentials = r.credentials;
        if (r.body !== undefined) init.body = r.body;
        const res = await fetch(r.url, init);
        if (r.mode !== "no-cors") await res.text();
        return { ok: true, status: res.status };
      }
      if (r.kind === "xhr") {
        return await new Promise((resolve) => {
          const x = new XMLHttpRequest();
          x.open(r.method || "GET", r.url);
          for (const [k, v] of Object.entries(r.headers || {})) x.setRequestHeader(k, v);
          x.withCredentials = !!r.withCredentials;
          x.onload = () => resolve({ ok: true, status: x.status });
          x.onerror = () => resolve({ ok: false, error: "xhr error" });
          x.send();
        });
      }
      if (r.kind === "font") {
        const face = new FontFace("f" + Math.random().toString(36).slice(2), "url(" + r.url + ")");
        await face.load();
        return { ok: true };
      }
      return await new Promise((resolve) => {
        const el = document.createElement(r.kind === "img" ? "img" : "script");
        if (r.crossOrigin) el.crossOrigin = r.crossOrigin;
        el.onload = () => resolve({ ok: true });
        el.onerror = () => resolve({ ok: false, error: r.kind + " error" });
        el.src = r.url;
        document.body.appendChild(el);
      });
    } catch (error) {
      return { ok: false, error: String(error) };
    }
  };
  if (parallel) return Promise.all(reqs.map(one));
  const out = [];
  for (const r of reqs) out.push(await one(r));
  return out;
}`;

/** Performs the requests inside the page and reports what the page saw; never throws. */
export async function runInPage(page: Page, requests: PageRequest[], concurrent = false): Promise<PageResult[]> {
  return page.evaluate(`(${PAGE_RUNNER})(${JSON.stringify(requests)}, ${concurrent})`) as Promise<PageResult[]>;
}

/** A 1×1 transparent GIF, for image routes. */
export const GIF_BASE64 = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";

/** The scenarios recorded as fixtures (test/fixtures/events/chromium/<name>.json). */
export function fixtureScenarios(s: TestServers): Scenario[] {
  const api = (spec: RouteSpec, path: string) => specUrl(s.apiOrigin, spec, path);
  const preflightOk = (methods: string, headers?: string): RouteSpec["preflight"] => ({
    status: 204,
    headers: [ACAO, ["Access-Control-Allow-Methods", methods], ...(headers ? [["Access-Control-Allow-Headers", headers] as [string, string]] : [])],
  });
  const secondHop = api({ actual: { headers: [ACAO] } }, "redirect-target");
  const thirdHop = specUrl(s.thirdOrigin, { actual: { headers: [["Access-Control-Allow-Origin", s.pageOrigin]] } }, "null-origin-target");
  return [
    { name: "simple-allowed", requests: [{ kind: "fetch", url: api({ actual: { headers: [ACAO] } }, "simple") }] },
    { name: "missing-acao", requests: [{ kind: "fetch", url: api({}, "missing-acao") }] },
    {
      name: "preflight-pass",
      requests: [{ kind: "fetch", method: "PUT", url: api({ preflight: preflightOk("PUT"), actual: { headers: [ACAO] } }, "put") }],
    },
    {
      name: "preflight-method-missing",
      requests: [{ kind: "fetch", method: "PUT", url: api({ preflight: preflightOk("GET, POST"), actual: { headers: [ACAO] } }, "put-denied") }],
    },
    {
      name: "custom-header",
      requests: [
        { kind: "fetch", url: api({ preflight: preflightOk("GET", "x-custom"), actual: { headers: [ACAO] } }, "custom"), headers: { "X-Custom": "1" } },
      ],
    },
    {
      name: "credentials-wildcard",
      requests: [{ kind: "fetch", credentials: "include", url: api({ actual: { headers: [["Access-Control-Allow-Origin", "*"]] } }, "cred-star") }],
    },
    {
      name: "cached-preflight",
      requests: (() => {
        const url = api({ preflight: { ...preflightOk("PUT"), headers: [...(preflightOk("PUT")?.headers ?? []), ["Access-Control-Max-Age", "600"]] }, actual: { headers: [ACAO] } }, "cached");
        return [
          { kind: "fetch", method: "PUT", url },
          { kind: "fetch", method: "PUT", url },
        ];
      })(),
    },
    {
      name: "redirect-same-origin",
      requests: [{ kind: "fetch", url: api({ actual: { status: 302, headers: [ACAO, ["Location", secondHop]] } }, "redirect-start") }],
    },
    {
      name: "redirect-cross-origin-null",
      requests: [{ kind: "fetch", url: api({ actual: { status: 302, headers: [ACAO, ["Location", thirdHop]] } }, "to-third") }],
    },
    {
      name: "preflight-redirect",
      requests: [
        { kind: "fetch", method: "PUT", url: api({ preflight: { status: 302, headers: [ACAO, ["Location", secondHop]] }, actual: { headers: [ACAO] } }, "preflight-redirect") },
      ],
    },
    { name: "connection-refused", requests: [{ kind: "fetch", url: s.closedUrl }] },
    { name: "same-origin", requests: [{ kind: "fetch", url: specUrl(s.pageOrigin, {}, "same") }] },
    {
      name: "no-cors-image",
      requests: [{ kind: "img", url: api({ actual: { headers: [["Content-Type", "image/gif"]], bodyBase64: GIF_BASE64 } }, "pixel.gif") }],
    },
    {
      name: "concurrent-puts",
      concurrent: true,
      requests: Array.from({ length: 5 }, () => ({
        kind: "fetch" as const,
        method: "PUT",
        url: api({ preflight: { ...preflightOk("PUT"), delayMs: 30 }, actual: { headers: [ACAO], delayMs: 20 } }, "concurrent"),
      })),
    },
    { name: "server-error-no-acao", requests: [{ kind: "fetch", url: api({ actual: { status: 500, body: "boom" } }, "error-500") }] },
  ];
}
