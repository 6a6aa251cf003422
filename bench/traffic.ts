/**
 * The request mix the benchmarks send from a real page, and the in-page code that sends it.
 *
 * Twenty templates, repeated in order: half are simple requests, half need a preflight; four
 * in twenty fail (a response without Access-Control-Allow-Origin, a preflight that does not
 * allow the method, a response that fails after a passing preflight, a refused connection).
 * Two API origins are used so that the browser opens 12 connections, not 6. Every request gets
 * a unique `n=` parameter, so neither the HTTP cache nor the preflight cache (Chromium keeps
 * a preflight 5 s even without Access-Control-Max-Age) changes from one round to the next.
 */
import { ALLOW_ORIGIN, specUrl, type RouteSpec, type TestServers } from "../test/support/server";

export interface RequestTemplate {
  method: string;
  url: string;
  headers: Record<string, string>;
}

/** failing templates per 20 (used to check that a burst did what it should) */
export const FAILING_PER_20 = 4;

export function requestMix(servers: TestServers): RequestTemplate[] {
  const allowPreflight = (methods: string, headers?: string): RouteSpec["preflight"] => ({
    status: 204,
    headers: [ALLOW_ORIGIN, ["Access-Control-Allow-Methods", methods], ...(headers ? [["Access-Control-Allow-Headers", headers] as [string, string]] : [])],
  });
  const ok: RouteSpec = { actual: { headers: [ALLOW_ORIGIN, ["Content-Type", "application/json"]], body: '{"ok":true}' } };
  const api = (spec: RouteSpec, path: string) => specUrl(servers.apiOrigin, spec, path);
  const third = (spec: RouteSpec, path: string) => specUrl(servers.thirdOrigin, spec, path);
  const get = (url: string): RequestTemplate => ({ method: "GET", url, headers: {} });
  const simple: RequestTemplate[] = [
    get(api(ok, "items")),
    get(third(ok, "items")),
    get(api(ok, "users/1")),
    get(third(ok, "users/2")),
    get(api({}, "no-acao")), // blocked: no Access-Control-Allow-Origin
    get(third(ok, "search")),
    get(api(ok, "feed")),
    get(third(ok, "feed")),
    get(servers.closedUrl), // network error: connection refused
    get(api(ok, "config")),
  ];
  const put = (url: string): RequestTemplate => ({ method: "PUT", url, headers: { "Content-Type": "application/json" } });
  const preflighted: RequestTemplate[] = [
    put(api({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/1")),
    put(third({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/2")),
    { method: "GET", url: api({ preflight: allowPreflight("GET", "x-bench"), actual: ok.actual }, "custom"), headers: { "X-Bench": "1" } },
    put(api({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/3")),
    { method: "DELETE", url: api({ preflight: allowPreflight("GET, PUT") }, "items/4"), headers: {} }, // blocked at the preflight
    put(third({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/5")),
    { method: "GET", url: third({ preflight: allowPreflight("GET", "x-bench"), actual: ok.actual }, "custom"), headers: { "X-Bench": "2" } },
    put(api({ preflight: allowPreflight("PUT", "content-type"), actual: {} }, "items/6")), // blocked: response lacks ACAO
    put(third({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/7")),
    put(api({ preflight: allowPreflight("PUT", "content-type"), actual: ok.actual }, "items/8")),
  ];
  // interleave: even positions simple, odd positions preflighted
  return simple.flatMap((s, i) => [s, preflighted[i] as RequestTemplate]);
}

export interface BurstResult {
  ms: number;
  ok: number;
  failed: number;
}

/**
 * In-page code, as source text (tsx would add helpers such as `__name` to a real function,
 * which do not exist in the page): fires `count` fetches at once, templates in turn, each
 * with a unique `n=` parameter, reads every body, and returns the elapsed time measured by
 * the page itself.
 */
const BURST = `async ({ templates, count, nonce }) => {
  const t0 = performance.now();
  const one = async (i) => {
    const t = templates[i % templates.length];
    const url = t.url + (t.url.includes("?") ? "&" : "?") + "n=" + nonce + "-" + i;
    try {
      const r = await fetch(url, { method: t.method, headers: t.headers, body: t.method === "PUT" ? "{}" : undefined });
      await r.text();
      return true;
    } catch {
      return false;
    }
  };
  const results = await Promise.all(Array.from({ length: count }, (_, i) => one(i)));
  const ms = performance.now() - t0;
  const ok = results.filter(Boolean).length;
  return { ms, ok, failed: count - ok };
}`;

export function burstExpression(templates: RequestTemplate[], count: number, nonce: string): string {
  return `(${BURST})(${JSON.stringify({ templates, count, nonce })})`;
}
