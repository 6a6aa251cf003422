/**
 * Runs one agreement scenario in a real browser page and reports what the browser did:
 * whether the page could read the response, and the browser's own CORS messages for it.
 * Browser-neutral: the Chromium and Firefox tests feed it their console/pageerror streams.
 */
import type { Page } from "puppeteer";
import type { RouteSpec } from "../../support/server";
import { specUrl, type TestServers } from "../../support/server";
import type { PageRequest, Scenario } from "./scenarios";
import type { Verdict } from "../../../src/cors/model";
import { isOpaqueRedirect } from "./table";

export interface PageResult {
  ok: boolean;
  status?: number;
  type?: string;
  error?: string;
}

/** Replaces "$page" in header values by the page origin (the server itself only knows a whole
 * value "$origin"). */
function withPage(route: RouteSpec | undefined, pageOrigin: string): RouteSpec {
  const fix = (headers?: [string, string][]) => headers?.map(([n, v]): [string, string] => [n, v.replaceAll("$page", pageOrigin)]);
  return {
    ...(route?.preflight ? { preflight: { ...route.preflight, headers: fix(route.preflight.headers) } } : {}),
    ...(route?.actual ? { actual: { ...route.actual, headers: fix(route.actual.headers) } } : {}),
  };
}

/** The URL the page asks for; unique per run so that caches never mix scenarios. */
export function scenarioUrl(s: Scenario, servers: TestServers, runId: string): string {
  const path = `${s.name}-${runId}`;
  if (s.target === "closed") return `${servers.closedUrl.replace(/\/$/, "")}/${path}`;
  if (s.target === "unsafe-port") return `http://localhost:6000/${path}`;
  if (s.target === "same") return specUrl(servers.pageOrigin, withPage(s.route, servers.pageOrigin), path);
  if (s.redirect) {
    const to = s.redirect.to;
    let location: string;
    if ("literal" in to) location = to.literal;
    else if ("userinfoOn" in to) location = specUrl(servers.thirdOrigin, withPage(to.route, servers.pageOrigin), `${path}-target`).replace("http://", "http://user:secret@");
    else {
      const origin = to.origin === "third" ? servers.thirdOrigin : to.origin === "page" ? servers.pageOrigin : servers.apiOrigin;
      location = specUrl(origin, withPage(to.route, servers.pageOrigin), `${path}-target`);
      const via = s.redirect.via;
      if (via) {
        const viaPreflight = via.preflight ?? to.route.preflight;
        const second: RouteSpec = { actual: { status: via.status, headers: [...(via.headers ?? []), ["Location", location]] }, ...(viaPreflight ? { preflight: viaPreflight } : {}) };
        location = specUrl(origin, withPage(second, servers.pageOrigin), `${path}-via`);
      }
    }
    const headers: [string, string][] = [...(s.redirect.headers ?? []), ["Location", location]];
    const first: RouteSpec = { actual: { status: s.redirect.status, headers }, ...(s.redirect.preflight ? { preflight: s.redirect.preflight } : {}) };
    return specUrl(servers.apiOrigin, withPage(first, servers.pageOrigin), path);
  }
  return specUrl(servers.apiOrigin, withPage(s.route, servers.pageOrigin), path);
}

/** Issues the request from inside the page the way the scenario says, and waits for its end. */
export async function issueInPage(page: Page, request: PageRequest, url: string): Promise<PageResult> {
  return page.evaluate(
    async (req: PageRequest, target: string): Promise<PageResult> => {
      const method = req.method ?? "GET";
      if (req.kind === "fetch") {
        const controller = new AbortController();
        if (req.abortAfterMs) setTimeout(() => controller.abort(), req.abortAfterMs);
        try {
          const init: RequestInit = { method, signal: controller.signal };
          if (req.headers) init.headers = req.headers;
          if (req.credentials) init.credentials = req.credentials;
          if (req.mode) init.mode = req.mode;
          if (req.redirect) init.redirect = req.redirect;
          if (req.body !== undefined) init.body = req.body;
          const response = await fetch(target, init);
          await response.arrayBuffer().catch(() => undefined);
          return { ok: true, status: response.status, type: response.type };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      }
      if (req.kind === "xhr") {
        return new Promise<PageResult>((resolve) => {
          const xhr = new XMLHttpRequest();
          xhr.open(method, target);
          if (req.credentials === "include") xhr.withCredentials = true;
          for (const [name, value] of req.headers ?? []) xhr.setRequestHeader(name, value);
          xhr.onload = () => resolve({ ok: true, status: xhr.status });
          xhr.onerror = () => resolve({ ok: false, error: "XMLHttpRequest error" });
          xhr.send(req.body ?? null);
        });
      }
      if (req.kind === "img") {
        return new Promise<PageResult>((resolve) => {
          const img = new Image();
          if (req.crossOrigin) img.crossOrigin = req.crossOrigin;
          img.onload = () => resolve({ ok: true });
          img.onerror = () => resolve({ ok: false, error: "image error" });
          img.src = target;
        });
      }
      if (req.kind === "font") {
        try {
          await new FontFace(`f${Math.random().toString(36).slice(2)}`, `url(${JSON.stringify(target)})`).load();
          return { ok: true };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      }
      // A <script type=module> rather than import(): Jest's CommonJS transform would turn an
      // import() in this function into require(), which does not exist in the page.
      return new Promise<PageResult>((resolve) => {
        const script = document.createElement("script");
        script.type = "module";
        if (req.crossOrigin) script.crossOrigin = req.crossOrigin;
        script.onload = () => resolve({ ok: true });
        script.onerror = () => resolve({ ok: false, error: "module script error" });
        script.src = target;
        document.head.append(script);
      });
    },
    request,
    url,
  );
}

/** What the browser did, as a verdict: from the page's result, and whether the browser named
 * a CORS rule for the request (its console line). An opaque redirect (fetch's redirect:
 * "manual") is compared as REDIRECT_STOP says. */
export function browserVerdictOf(s: Scenario, result: PageResult, namedRule: boolean): Verdict {
  if (isOpaqueRedirect(result)) return "network-error";
  if (result.ok) return isNotCorsByConstruction(s) ? "not-cors" : "allowed";
  return namedRule ? "blocked" : "network-error";
}

/** Requests that no CORS check applies to: the page cannot be told "blocked" for them. */
export function isNotCorsByConstruction(s: Scenario): boolean {
  return s.target === "same" || s.request.mode === "no-cors" || (s.request.kind === "img" && !s.request.crossOrigin);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
