/**
 * Browser agreement, Chromium: every scenario of the matrix is run in a real page with the
 * built extension loaded. What Chromium did (could the page read the response? which
 * "blocked by CORS policy" message did it print?) is the truth; the extension's diagnosis
 * must agree on the verdict for every case, and on the failure id wherever Chromium named
 * a CORS rule (mapped to an id by cors-failures.md section 6.1). Prints the table.
 */
import type { Page } from "puppeteer";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { harFromMessages } from "chrome-har";
import { diagnose } from "../../src/cors/diagnose";
import { matchBrowserMessage } from "../../src/cors/messages";
import { toHar } from "../../src/export/har-writer";
import { readHar } from "../../src/export/har-reader";
import { validateCorsLensHar } from "../../src/export/validate-corslens";
import type { DiagnosedExchange } from "../../src/cors/model";
import { type ExtHarness, launchChromiumWithExtension } from "../support/chromium";
import { startTestServers, type TestServers } from "../support/server";
import { checkCanExpress, cliRow } from "./agreement/cli-check";
import { expectFixesWork, liveByUrl } from "./agreement/fix-check";
import { browserVerdictOf, issueInPage, scenarioUrl, sleep } from "./agreement/run";
import { generatedFor } from "./agreement/generated";
import { SCENARIOS, type Scenario } from "./agreement/scenarios";
import { type AgreementRow, idMatch, REDIRECT_STOP, redirectStopOf, reportAgreement, stopReadingAgrees } from "./agreement/table";

let harness: ExtHarness;
let servers: TestServers;
let page: Page;
let tabId: number;
const consoleLines: string[] = [];
const rows: AgreementRow[] = [];
const runId = Date.now().toString(36);
/** random combinations of the rules, from a seed the test prints (generated.ts) */
const { seed, scenarios: GENERATED } = generatedFor("chromium");
const cdpMessages: { method: string; params: unknown }[] = [];
const CHROME_HAR_EVENTS = [
  "Page.frameStartedLoading",
  "Page.domContentEventFired",
  "Page.loadEventFired",
  "Network.requestWillBeSent",
  "Network.requestWillBeSentExtraInfo",
  "Network.responseReceived",
  "Network.responseReceivedExtraInfo",
  "Network.dataReceived",
  "Network.loadingFinished",
  "Network.loadingFailed",
  "Network.requestServedFromCache",
  "Network.resourceChangedPriority",
] as const;

beforeAll(async () => {
  servers = await startTestServers();
  harness = await launchChromiumWithExtension();
  page = await harness.newPage(`${servers.pageOrigin}/page?title=agreement`);
  page.on("console", (message) => consoleLines.push(message.text()));
  // The same session as a third-party tool sees it: CDP events for chrome-har.
  const cdp = await page.createCDPSession();
  for (const event of CHROME_HAR_EVENTS) cdp.on(event, (params: unknown) => cdpMessages.push({ method: event, params }));
  await cdp.send("Page.enable");
  await cdp.send("Network.enable");
  // chrome-har files requests under the page they belong to: load the page again with CDP
  // listening, so that it sees the page start.
  await page.reload({ waitUntil: "load" });
  tabId = await harness.tabIdOf(page);
});

afterAll(async () => {
  await harness?.close();
  await servers?.close();
  reportAgreement("Chromium", rows);
});

/** The CORS console line Chromium printed for this URL (it names the failing hop, and the
 * first URL in "(redirected from …)"). */
function corsMessageFor(lines: string[], url: string, finalUrls: string[]): string | null {
  return (
    lines.find(
      (line) =>
        line.includes("has been blocked by CORS policy") &&
        (line.includes(`'${url}'`) || finalUrls.some((u) => line.includes(`'${u}'`))),
    ) ?? null
  );
}

async function run(s: Scenario): Promise<AgreementRow> {
  const url = scenarioUrl(s, servers, runId);
  if (s.repeat) {
    await issueInPage(page, s.request, url);
    await harness.waitForExchanges(tabId, (es) => es.some((e) => e.exchange.url === url && e.exchange.outcome.state !== "pending"));
  }
  const before = consoleLines.length;
  const result = await issueInPage(page, s.request, url);
  const count = s.repeat ? 2 : 1;
  const entries = await harness.waitForExchanges(
    tabId,
    (es) => es.filter((e) => e.exchange.url === url && e.exchange.outcome.state !== "pending").length >= count,
  );
  await sleep(30); // console messages arrive over CDP a moment after the promise settles
  const mine = entries.filter((e) => e.exchange.url === url);
  const entry = mine[mine.length - 1] as DiagnosedExchange;
  const hopUrls = entry.exchange.hops.map((h) => h.url);
  const message = corsMessageFor(consoleLines.slice(before), url, hopUrls);

  const browserVerdict = browserVerdictOf(s, result, message !== null);

  let browserId: string | null = null;
  if (message) {
    const match = matchBrowserMessage(message, "chromium");
    browserId = match?.id ?? "(unmapped message)";
    // "R" rule of section 6.1: the redirect- id when the failing URL answered with a 3xx.
    const failingHop = entry.exchange.hops.find((h) => h.url === match?.url);
    const hopStatus = failingHop?.response?.status ?? 0;
    if (match && !match.preflight && hopStatus >= 300 && hopStatus < 400 && /^(acao|acac)-/.test(match.id)) {
      browserId = `redirect-${match.id}`;
    }
  }
  const extVerdict = entry.diagnosis.verdict;
  const extId = entry.diagnosis.failure?.id ?? null;
  const row: AgreementRow = { name: s.name, browserVerdict, extVerdict, browserId, extId, message, agree: false };
  const redirectStop = redirectStopOf(result, entry.diagnosis);
  if (redirectStop !== undefined) row.redirectStop = redirectStop;
  if (checkCanExpress(s)) {
    Object.assign(row, (await cliRow(s, url, servers.pageOrigin, "chromium", result)).fields);
  }
  const idOk = (id: string | null | undefined) => browserId === null || browserId === id;
  const match = browserId === null ? "same" : idMatch(entry.diagnosis, [browserId]);
  if (match === "candidate") row.candidate = true;
  row.agree =
    extVerdict === browserVerdict &&
    match !== "differs" &&
    stopReadingAgrees(row.redirectStop) &&
    stopReadingAgrees(row.cliRedirectStop) &&
    (row.cliVerdict === undefined || (row.cliVerdict === browserVerdict && idOk(row.cliId)));
  return row;
}

test("the matrix has at least 60 cases", () => {
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(60);
});

async function expectAgreement(scenario: Scenario): Promise<void> {
  const row = await run(scenario);
  rows.push(row);
  const named = row.browserId ?? "(browser named no rule)";
  expect({
    verdict: row.extVerdict,
    id: row.browserId === null || row.candidate ? named : row.extId,
    cliVerdict: row.cliVerdict ?? "(n/a)",
    cliId: row.cliVerdict === undefined || row.browserId === null ? named : row.cliId,
    redirectStop: row.redirectStop ?? "(n/a)",
    cliRedirectStop: row.cliRedirectStop ?? "(n/a)",
    message: row.message,
  }).toEqual({
    verdict: row.browserVerdict,
    id: named,
    cliVerdict: row.cliVerdict === undefined ? "(n/a)" : row.browserVerdict,
    cliId: named,
    redirectStop: row.redirectStop === undefined ? "(n/a)" : REDIRECT_STOP,
    cliRedirectStop: row.cliRedirectStop === undefined ? "(n/a)" : REDIRECT_STOP,
    message: row.message,
  });
}

test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: the extension agrees with Chromium", (_name, scenario) => expectAgreement(scenario));

test.each(GENERATED.map((s) => [s.name, s] as const))(`%s (generated, seed ${seed}): the extension agrees with Chromium`, (_name, scenario) =>
  expectAgreement(scenario),
);

test("Chromium named a CORS rule in most blocked cases (the comparison has teeth)", () => {
  const named = rows.filter((r) => r.browserId !== null).length;
  expect(named).toBeGreaterThanOrEqual(40);
});

test("capture → Export HAR → import → the same diagnoses, for every exchange", async () => {
  const log = await harness.request({ type: "getLog", tabId });
  const har = toHar(log, { redact: false, browser: "chromium", browserVersion: "test", creatorVersion: "test" });
  expect(validateCorsLensHar(har)).toEqual([]);
  const back = readHar(JSON.parse(JSON.stringify(har)));
  const summary = (e: DiagnosedExchange) =>
    `${e.exchange.method} ${e.exchange.url} ${e.diagnosis.verdict} ${e.diagnosis.failure?.id ?? "-"} [${e.diagnosis.warnings.map((w) => w.id).join(",")}]`;
  const original = log.entries.map(summary).sort();
  const imported = back.exchanges.map((exchange) => summary({ exchange, diagnosis: diagnose(exchange) })).sort();
  expect(imported).toEqual(original);
  expect(original.length).toBeGreaterThanOrEqual(SCENARIOS.length);
});

test("a HAR built by chrome-har from this session's CDP events is diagnosed with the live verdicts", async () => {
  const live = await liveByUrl(harness, tabId);
  const har = harFromMessages(cdpMessages, {});
  mkdirSync(join(__dirname, "../../test-output"), { recursive: true });
  writeFileSync(join(__dirname, "../../test-output/chrome-har-session.har"), JSON.stringify(har, null, 1));
  const result = readHar(har, { browser: "chromium" });
  const compared: string[] = [];
  const differing: string[] = [];
  let incomplete = 0;
  let misattributed = 0;
  let modeUnseen = 0;
  for (const exchange of result.exchanges) {
    const twin = live.get(`${exchange.method} ${exchange.url}`);
    if (!twin) continue;
    // Under load chrome-har can give a redirect's target the 3xx's response headers (seen in
    // CI: a 200 carrying the 307's Location and Allow-Origin): the file then contradicts what
    // the test server sent (it sends Location on a 3xx only), and is not compared.
    if (exchange.hops.some((h) => h.response && (h.response.status < 300 || h.response.status > 399) && h.response.headers.some((x) => x.name.toLowerCase() === "location"))) {
      misattributed++;
      continue;
    }
    // A chain whose failed request chrome-har left out is read as interrupted, never as a verdict.
    if (exchange.outcome.state === "pending") {
      incomplete++;
      continue;
    }
    const verdict = diagnose(exchange).verdict;
    // Without the ExtraInfo event the file holds only the renderer's provisional headers (no
    // Origin, no Sec-Fetch-Mode): a no-cors POST then looks like a cors one, and its success is
    // read as allowed (seed 19: the first of a repeated no-cors POST). Counted, not compared.
    if (verdict === "allowed" && twin.diagnosis.verdict === "not-cors" && exchange.hops.every((h) => h.requestHeaders === null)) {
      modeUnseen++;
      continue;
    }
    compared.push(exchange.url);
    if (verdict !== twin.diagnosis.verdict) differing.push(`${exchange.method} ${exchange.url}: chrome-har ${verdict}, live ${twin.diagnosis.verdict}`);
  }
  process.stdout.write(
    `chrome-har: ${result.exchanges.length} exchanges read, ${compared.length} compared with live capture, ${differing.length} differ, ${incomplete} incomplete in the file, ${misattributed} with another response's headers, ${modeUnseen} no-cors with only provisional headers\n`,
  );
  expect(differing).toEqual([]);
  // chrome-har leaves out failed requests (every CORS block among them), so it covers the
  // allowed and not-cors part of the matrix: at least those must be there.
  expect(compared.length).toBeGreaterThanOrEqual(25);
});

test("the proposed fix works in Chromium: every blocked scenario served with the fix's headers, and every warned one with the tighter policy, is readable", () =>
  expectFixesWork("Chromium", harness, page, tabId, servers, runId, [...SCENARIOS, ...GENERATED]), 300_000 + 1500 * GENERATED.length); // a hunt serves many more
