/**
 * The fix CORS Lens proposes, checked by the judge: every scenario the extension found blocked
 * (without a redirect, a request the page makes with fetch or XHR) is served again at a new URL
 * with the fix applied (with the lines it adds for a page that sends credentials, where the
 * page does) — the OPTIONS and the response keep their other headers, their
 * Access-Control-* and Vary lines are replaced by the fix's, an OPTIONS answered with an error
 * status is answered 204 as the fix says in words — and the browser must let the page read it.
 * So must every scenario it found allowed but warned about, served with the tighter policy it
 * proposes instead (tightening must not break what worked). A blocked scenario through one
 * or two redirects is served again with the fix on the hop it names (the server of a 3xx, or
 * the final one), then with the fix of what CORS Lens finds next, further on, until the page can
 * read it (at most one round per hop): following the fixes one by one must end in a readable
 * response. Not served: a request with credentials that a redirect to another server sends with
 * Origin: null, for which the fix is to call the final URL directly. Shared by the Chromium and
 * Firefox agreement tests, after their scenarios ran.
 */
import type { Page } from "puppeteer";
import { buildFix, type Fix } from "../../../src/cors/fix";
import { hopRequirement, targetHopIndex } from "../../../src/cors/fix/requirements";
import type { DiagnosedExchange, Header } from "../../../src/cors/model";
import { type RouteSpec, specUrl, type TestServers } from "../../support/server";
import { issueInPage, scenarioUrl } from "./run";
import { type RedirectOrigin, SCENARIOS, type Scenario } from "./scenarios";

interface FixCheck {
  /** blocked scenarios served again with the fix */
  tried: string[];
  /** allowed scenarios with warnings served again with the tightened policy */
  tightened: string[];
  /** those the browser still did not let the page read (with what was served), or where CORS
   * Lens still found the failure or warnings the fix was for */
  failed: string[];
  /** blocked scenarios whose fix has no header to send */
  noHeaderFix: string[];
  /** blocked scenarios through a redirect served with the fixes, and how many rounds each took */
  redirects: string[];
  /** redirected with credentials to another server: the fix is to call the final URL directly
   * (its headers are for that call), which no header on the way can stand in for */
  directCallOnly: string[];
}

/** Warnings about the page's own request, which no server answer clears: the method's case is
 * the page's code, and a Chromium-only safelisted header sends no preflight in Chromium, so
 * nothing there shows that the server now lists it (in Firefox the preflight shows it). */
const ABOUT_THE_REQUEST = new Set(["warn-method-case", "warn-chromium-only-safelisted-header"]);

const notCors = (headers: [string, string][] | undefined) => (headers ?? []).filter(([name]) => !/^access-control-|^vary$/i.test(name));
const lines = (headers: Header[]) => headers.map((h): [string, string] => [h.name, h.value]);

/** What the check needs of a browser harness (test/support/chromium.ts, firefox.ts). */
export interface FixHarness {
  request(message: { type: "getLog"; tabId: number }): Promise<{ entries: DiagnosedExchange[] }>;
  waitForExchanges(tabId: number, predicate: (entries: DiagnosedExchange[]) => boolean): Promise<DiagnosedExchange[]>;
}

/** The tab's cross-origin entries by "METHOD url" (repeated URLs keep their last exchange). */
export async function liveByUrl(harness: Pick<FixHarness, "request">, tabId: number): Promise<Map<string, DiagnosedExchange>> {
  const { entries } = await harness.request({ type: "getLog", tabId });
  return new Map(entries.filter((e) => e.exchange.trafficClass === "cross-origin").map((e) => [`${e.exchange.method} ${e.exchange.url}`, e]));
}

/** Runs the check after the matrix in `page` (tab `tabId`), prints its figures and asserts
 * that every fix worked, on enough scenarios for the check to have teeth. */
export async function expectFixesWork(
  browser: string,
  harness: FixHarness,
  page: Page,
  tabId: number,
  servers: TestServers,
  runId: string,
  scenarios: Scenario[] = SCENARIOS,
): Promise<void> {
  const live = await liveByUrl(harness, tabId);
  const captured = async (url: string) => {
    const ended = await harness.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url === url && e.exchange.outcome.state !== "pending"));
    return ended.find((e) => e.exchange.url === url) as DiagnosedExchange;
  };
  const { tried, tightened, failed, noHeaderFix, redirects, directCallOnly } = await checkFixes(scenarios, page, servers, runId, live, captured);
  process.stdout.write(
    `fix check (${browser}): ${tried.length} blocked scenarios served with the fix, ${tightened.length} warned ones with the tighter policy, ${redirects.length} blocked through a redirect served with the fixes hop by hop (${redirects.join(", ") || "none"}), ${failed.length} not fixed; no header fix for: ${noHeaderFix.join(", ") || "none"}; the final URL to be called directly for: ${directCallOnly.join(", ") || "none"}\n`,
  );
  expect(failed).toEqual([]);
  expect(tried.length).toBeGreaterThanOrEqual(15);
  expect(tightened.length).toBeGreaterThanOrEqual(1);
}

/** `live`: the extension's entries of the scenarios' runs, by "METHOD url"; `captured`: the
 * extension's entry of a URL once it has ended. */
async function checkFixes(
  scenarios: Scenario[],
  page: Page,
  servers: TestServers,
  runId: string,
  live: Map<string, DiagnosedExchange>,
  captured: (url: string) => Promise<DiagnosedExchange>,
): Promise<FixCheck> {
  const check: FixCheck = { tried: [], tightened: [], failed: [], noHeaderFix: [], redirects: [], directCallOnly: [] };
  for (const s of scenarios) {
    if (s.redirect) {
      await checkRedirectFix(s, page, servers, runId, live, captured, check);
      continue;
    }
    if ((s.target ?? "api") !== "api" || !s.route || (s.request.kind !== "fetch" && s.request.kind !== "xhr") || s.request.abortAfterMs) continue;
    // fetch sends `patch` as written (only DELETE, GET, HEAD, OPTIONS, POST and PUT are
    // upper-cased), and Node's HTTP parser answers an unknown method 400 before any route runs:
    // no header of ours reaches the page, fixed or not (the scenario is blocked for that reason)
    const sent = sentMethod(s.request.method);
    if (sent === null) continue;
    const entry = live.get(`${sent} ${scenarioUrl(s, servers, runId)}`);
    const warned = entry?.diagnosis.verdict === "allowed" && entry.diagnosis.warnings.length > 0;
    if (!entry || (entry.diagnosis.verdict !== "blocked" && !warned)) continue;
    const fix = buildFix(entry);
    if (fix.preflight.length === 0 && fix.response.length === 0) {
      if (!warned) check.noHeaderFix.push(s.name);
      continue;
    }
    // what the fix says to add if the page sends credentials, for a page that does
    const route = fixedRoute(s.route, fix, s.request.credentials === "include");
    const url = specUrl(servers.apiOrigin, route, `${s.name}-fixed-${runId}`);
    const result = await issueInPage(page, s.request, url);
    (warned ? check.tightened : check.tried).push(s.name);
    const what = warned ? `warned ${entry.diagnosis.warnings.map((w) => w.id).join(",")}` : entry.diagnosis.failure?.id;
    if (!result.ok) {
      check.failed.push(`${s.name} (${what}): ${result.error ?? result.status} with ${JSON.stringify(route)}`);
      continue;
    }
    // and CORS Lens itself finds nothing left to fix: allowed, none of the warnings the fix addressed
    const after = (await captured(url)).diagnosis;
    const chromium = entry.exchange.browser === "chromium";
    const left = after.warnings
      .filter((w) => entry.diagnosis.warnings.some((before) => before.id === w.id))
      .filter((w) => !(ABOUT_THE_REQUEST.has(w.id) && (w.id === "warn-method-case" || chromium)))
      .map((w) => w.id);
    if (after.verdict !== "allowed" || left.length > 0) check.failed.push(`${s.name} (${what}): served with the fix, CORS Lens says ${after.verdict} ${after.failure?.id ?? ""} warnings ${left.join(",")}`);
  }
  return check;
}

/** The method as the exchange has it (fetch upper-cases the six it knows), or null when no
 * header of ours can reach the page (see checkFixes). */
function sentMethod(method: string | undefined): string | null {
  if (method === undefined) return "GET";
  if (/^(delete|get|head|options|post|put)$/i.test(method)) return method.toUpperCase();
  return method === method.toUpperCase() ? method : null;
}

/** `spec` answered with the fix's lines instead of its own Access-Control-* and Vary lines, an
 * OPTIONS with an error status answered 204; for a page that sends credentials, with the lines
 * the fix adds for that case too. */
function fixedRoute(route: RouteSpec, fix: Fix, sendsCredentials: boolean): RouteSpec {
  const ifCredentials = sendsCredentials ? lines(fix.ifCredentials ?? []) : [];
  const preflight = route.preflight;
  const status = preflight?.status ?? 404;
  return {
    ...(fix.preflight.length > 0 || preflight
      ? { preflight: { ...preflight, status: status >= 200 && status < 300 ? status : 204, headers: [...notCors(preflight?.headers), ...lines(fix.preflight), ...ifCredentials] } }
      : {}),
    actual: { status: 200, body: "ok", ...route.actual, headers: [...notCors(route.actual?.headers), ...lines(fix.response), ...ifCredentials] },
  };
}

/** The index of a redirected scenario's final hop: after the 3xx, and the second one if any. */
const finalHopOf = (s: Scenario) => (s.redirect?.via ? 2 : 1);

/** A 3xx answered with the fix's lines (its Location left to the test), and its OPTIONS answer. */
function fixed3xx(status: number, headers: [string, string][] | undefined, preflight: RouteSpec["preflight"], fix: Fix, sendsCredentials: boolean) {
  const route = fixedRoute({ actual: { status, headers: headers ?? [] }, ...(preflight ? { preflight } : {}) }, fix, sendsCredentials);
  return { headers: (route.actual?.headers ?? []).filter(([name]) => name.toLowerCase() !== "location"), ...(route.preflight ? { preflight: route.preflight } : {}) };
}

/** A scenario through one or two redirects, served with `fix` on hop `hop` (0: the first 3xx,
 * 1: the second when there is one, then the final). */
function withRedirectFix(s: Scenario, fix: Fix, hop: number, round: number): Scenario {
  const redirect = s.redirect as NonNullable<Scenario["redirect"]>;
  const sendsCredentials = s.request.credentials === "include";
  const name = `${s.name.replace(/-fixed\d*$/, "")}-fixed${round}`;
  const to = redirect.to as { origin: RedirectOrigin; route: RouteSpec };
  const via = redirect.via;
  if (hop === 0) return { ...s, name, redirect: { ...redirect, ...fixed3xx(redirect.status, redirect.headers, redirect.preflight, fix, sendsCredentials) } };
  if (via && hop === 1) {
    return { ...s, name, redirect: { ...redirect, via: { ...via, ...fixed3xx(via.status, via.headers, via.preflight ?? to.route.preflight, fix, sendsCredentials) } } };
  }
  // the second 3xx goes on answering OPTIONS as the final route did (its default), not as the
  // fix says for the final hop: that is another hop
  const pinned = via ? { via: { ...via, preflight: via.preflight ?? to.route.preflight ?? {} } } : {};
  return { ...s, name, redirect: { ...redirect, ...pinned, to: { origin: to.origin, route: fixedRoute(to.route, fix, sendsCredentials) } } };
}

/** A blocked scenario through one or two redirects (to a server of the matrix, fetch following them):
 * served with the fix of the hop CORS Lens names, then with the fix of what it finds next,
 * until the page reads the response; each round's hop must lie past the previous one's. */
async function checkRedirectFix(
  s: Scenario,
  page: Page,
  servers: TestServers,
  runId: string,
  live: Map<string, DiagnosedExchange>,
  captured: (url: string) => Promise<DiagnosedExchange>,
  check: FixCheck,
): Promise<void> {
  const redirect = s.redirect;
  if (!redirect || !("origin" in redirect.to) || (s.request.kind !== "fetch" && s.request.kind !== "xhr") || s.request.mode === "no-cors") return;
  if ((s.request.redirect ?? "follow") !== "follow" || s.request.abortAfterMs) return;
  const method = sentMethod(s.request.method);
  if (method === null) return;
  let entry = live.get(`${method} ${scenarioUrl(s, servers, runId)}`);
  if (entry?.diagnosis.verdict !== "blocked") return;
  let current = s;
  let lastHop = -1;
  for (let round = 1; ; round++) {
    const failure = entry.diagnosis.failure;
    const what = `${s.name} (round ${round}: ${failure?.id ?? entry.diagnosis.verdict})`;
    const hop = targetHopIndex(entry);
    const req = hopRequirement(entry, hop);
    if (req.nullOrigin && (req.credentials || s.request.credentials === "include")) {
      check.directCallOnly.push(s.name);
      return;
    }
    const fix = buildFix(entry);
    if (fix.preflight.length === 0 && fix.response.length === 0) {
      if (round === 1) check.noHeaderFix.push(s.name);
      else check.failed.push(`${what}: no header fix after the previous round's`);
      return;
    }
    if (hop <= lastHop || hop > finalHopOf(s)) {
      check.failed.push(`${what}: the fix names hop ${hop} again (or one past the final) after a round on hop ${lastHop}`);
      return;
    }
    lastHop = hop;
    current = withRedirectFix(current, fix, hop, round);
    const url = scenarioUrl(current, servers, runId);
    const result = await issueInPage(page, current.request, url);
    entry = await captured(url);
    if (result.ok) {
      if (entry.diagnosis.verdict !== "allowed") check.failed.push(`${what}: readable once served with the fix, but CORS Lens says ${entry.diagnosis.verdict} ${entry.diagnosis.failure?.id ?? ""}`);
      else check.redirects.push(`${s.name}:${round}`);
      return;
    }
    if (entry.diagnosis.verdict !== "blocked") {
      check.failed.push(`${what}: served with the fix, ${result.error ?? result.status}, and CORS Lens says ${entry.diagnosis.verdict}: ${JSON.stringify(current.redirect)}`);
      return;
    }
  }
}
