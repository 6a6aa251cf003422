/**
 * Browser agreement, Chromium: every scenario of the matrix is run in a real page with the
 * built extension loaded. What Chromium did (could the page read the response? which
 * "blocked by CORS policy" message did it print?) is the truth; the extension's diagnosis
 * must agree on the verdict for every case, and on the failure id wherever Chromium named
 * a CORS rule (mapped to an id by cors-failures.md section 6.1). Prints the table.
 */
import type { Page } from "puppeteer";
import { matchBrowserMessage } from "../../src/cors/messages";
import type { DiagnosedExchange, Verdict } from "../../src/cors/model";
import { type ExtHarness, launchChromiumWithExtension } from "../support/chromium";
import { startTestServers, type TestServers } from "../support/server";
import { isNotCorsByConstruction, issueInPage, scenarioUrl, sleep } from "./agreement/run";
import { SCENARIOS, type Scenario } from "./agreement/scenarios";
import { type AgreementRow, reportAgreement } from "./agreement/table";

let harness: ExtHarness;
let servers: TestServers;
let page: Page;
let tabId: number;
const consoleLines: string[] = [];
const rows: AgreementRow[] = [];
const runId = Date.now().toString(36);

beforeAll(async () => {
  servers = await startTestServers();
  harness = await launchChromiumWithExtension();
  page = await harness.newPage(`${servers.pageOrigin}/page?title=agreement`);
  page.on("console", (message) => consoleLines.push(message.text()));
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

  let browserVerdict: Verdict;
  if (result.ok) browserVerdict = isNotCorsByConstruction(s) ? "not-cors" : "allowed";
  else browserVerdict = message ? "blocked" : "network-error";

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
  const agree = extVerdict === browserVerdict && (browserId === null || browserId === extId);
  return { name: s.name, browserVerdict, extVerdict, browserId, extId, message, agree };
}

test("the matrix has at least 60 cases", () => {
  expect(SCENARIOS.length).toBeGreaterThanOrEqual(60);
});

test.each(SCENARIOS.map((s) => [s.name, s] as const))("%s: the extension agrees with Chromium", async (_name, scenario) => {
  const row = await run(scenario);
  rows.push(row);
  expect({ verdict: row.extVerdict, id: row.browserId === null ? "(browser named no rule)" : row.extId, message: row.message }).toEqual({
    verdict: row.browserVerdict,
    id: row.browserId ?? "(browser named no rule)",
    message: row.message,
  });
});

test("Chromium named a CORS rule in most blocked cases (the comparison has teeth)", () => {
  const named = rows.filter((r) => r.browserId !== null).length;
  expect(named).toBeGreaterThanOrEqual(40);
});
