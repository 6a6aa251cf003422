/**
 * `cors-lens check` judged by the browser: for the scenarios a terminal check can express
 * (a fetch or XHR with a method, script headers, a credentials flag and fetch's redirect mode,
 * no mode tricks), the CLI's own probe of the same URL must reach the browser's verdict.
 */
import { nodeSender } from "../../../src/cli/http";
import { probe } from "../../../src/cli/probe";
import type { BrowserKind, DiagnosedExchange, Diagnosis } from "../../../src/cors/model";
import type { PageResult } from "./run";
import type { Scenario } from "./scenarios";
import { type AgreementRow, redirectStopOf } from "./table";

export function checkCanExpress(s: Scenario): boolean {
  const r = s.request;
  return (r.kind === "fetch" || r.kind === "xhr") && !r.mode && !r.abortAfterMs && s.target !== "same";
}

export async function cliCheck(s: Scenario, url: string, pageOrigin: string, browser: BrowserKind): Promise<DiagnosedExchange> {
  const headers = (s.request.headers ?? []).map(([name, value]) => ({ name, value }));
  const request = { url, origin: pageOrigin, method: s.request.method ?? "GET", headers, credentials: s.request.credentials === "include", redirect: s.request.redirect ?? "follow" };
  return probe(request, browser, nodeSender);
}

/** `cors-lens check` on the scenario's URL as an agreement row's CLI fields, with its diagnosis
 * (for the browser test's own id comparison) */
export async function cliRow(s: Scenario, url: string, pageOrigin: string, browser: BrowserKind, result: PageResult): Promise<{ diagnosis: Diagnosis; fields: Pick<AgreementRow, "cliVerdict" | "cliId" | "cliRedirectStop"> }> {
  const { diagnosis } = await cliCheck(s, url, pageOrigin, browser);
  const stop = redirectStopOf(result, diagnosis);
  return { diagnosis, fields: { cliVerdict: diagnosis.verdict, cliId: diagnosis.failure?.id ?? null, ...(stop === undefined ? {} : { cliRedirectStop: stop }) } };
}
