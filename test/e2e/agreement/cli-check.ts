/**
 * `cors-lens check` judged by the browser: for the scenarios a terminal check can express
 * (a fetch or XHR with a method, script headers and a credentials flag, no mode tricks),
 * the CLI's own probe of the same URL must reach the browser's verdict.
 */
import { nodeSender } from "../../../src/cli/http";
import { probe } from "../../../src/cli/probe";
import type { BrowserKind, DiagnosedExchange } from "../../../src/cors/model";
import type { Scenario } from "./scenarios";

export function checkCanExpress(s: Scenario): boolean {
  const r = s.request;
  // the CLI follows redirects, as fetch does by default: it has no redirect mode to set
  return (r.kind === "fetch" || r.kind === "xhr") && !r.mode && !r.redirect && !r.abortAfterMs && s.target !== "same";
}

export async function cliCheck(s: Scenario, url: string, pageOrigin: string, browser: BrowserKind): Promise<DiagnosedExchange> {
  const headers = (s.request.headers ?? []).map(([name, value]) => ({ name, value }));
  return probe({ url, origin: pageOrigin, method: s.request.method ?? "GET", headers, credentials: s.request.credentials === "include" }, browser, nodeSender);
}
