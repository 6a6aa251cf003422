/**
 * Hardening, faults: the service worker is stopped again and again (Puppeteer's worker
 * close(), the recipe's way) during continuous cross-origin traffic — at random moments, and
 * every other time right after an OPTIONS preflight reached the server, i.e. between a
 * preflight and its request. Afterwards the server's own request log is compared with the
 * extension's log: every request the page made must appear once, with the preflight the
 * server received, and with the browser's verdict (and failure id) — or, when the kill cut it
 * off, pending with "capture interrupted" and no verdict at all.
 *
 * Two phases, each in its own tab:
 * 1. 20 kills during ≥ 420 requests, nothing else open;
 * 2. 10 kills during ≥ 200 requests with the panel (panel.html?tabId=N) and the popup
 *    (popup.html?tabId=N) open: every restart makes both reconnect and re-read the log, and
 *    afterwards they must show the worker's log without having been reloaded.
 *
 * Figures are printed and written to test-output/hardening-worker-kills.json. The goal of the
 * hardening issue is ≥ 99% complete; what is asserted here are the invariants (nothing
 * duplicated, mispaired or misdiagnosed) and a floor that catches regressions: how many
 * exchanges a kill cuts off depends on how far behind the worker is when it dies, i.e. on the
 * machine's load (see the README, "Reliability and security").
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Page } from "puppeteer";
import { launchChromiumWithExtension, type ExtHarness } from "../support/chromium";
import { specUrl, type RouteSpec, startTestServers, type TestServers } from "../support/server";
import type { DiagnosedExchange, Verdict } from "../../src/cors/model";
import { headerValue } from "../../src/capture/headers";
import { diagnose } from "../../src/cors/diagnose";

jest.setTimeout(120000);

const CONCURRENCY = 4;
const OUT = resolve(__dirname, "../../test-output");
/** regression floor for the share of complete exchanges (see the header comment) */
const FLOOR = { quiet: 0.85, pagesOpen: 0.6 };
/** how long a phase may go on killing, and the phase tests' timeout (well above it: the log
 * settles and is read after the kills) */
const PHASE_KILLS_MS = 120_000;
const PHASE_TIMEOUT_MS = 300_000;

let servers: TestServers;
let h: ExtHarness;

/** A small seeded generator: the same seed gives the same traffic and kill schedule. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ACAO: [string, string] = ["Access-Control-Allow-Origin", "$origin"];
const allow = (methods: string, headers?: string): [string, string][] => [
  ACAO,
  ["Access-Control-Allow-Methods", methods],
  ...(headers ? [["Access-Control-Allow-Headers", headers] as [string, string]] : []),
];

interface Planned {
  i: number;
  kind: string;
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  /** what the browser does with it (the page's own result must agree) */
  expected: Verdict;
  /** the failure id a blocked one must get */
  failureId?: string;
}

interface Kind {
  name: string;
  expected: Verdict;
  failureId?: string;
  make(delay: () => number): { spec: RouteSpec | null; method: string; headers: Record<string, string>; body?: string };
}

/** Mixed traffic: simple, preflighted, blocked at each phase, network failures. Delays on both
 * the preflight and the request widen the window between them. */
const KINDS: Kind[] = [
  { name: "simple-ok", expected: "allowed", make: (d) => ({ spec: { actual: { headers: [ACAO], delayMs: d() } }, method: "GET", headers: {} }) },
  { name: "simple-blocked", expected: "blocked", failureId: "acao-missing", make: (d) => ({ spec: { actual: { delayMs: d() } }, method: "GET", headers: {} }) },
  {
    name: "put-ok",
    expected: "allowed",
    make: (d) => ({ spec: { preflight: { status: 204, headers: allow("PUT"), delayMs: d() }, actual: { headers: [ACAO], delayMs: d() } }, method: "PUT", headers: {} }),
  },
  {
    name: "put-denied",
    expected: "blocked",
    failureId: "method-not-allowed",
    make: (d) => ({ spec: { preflight: { status: 204, headers: allow("GET, POST"), delayMs: d() }, actual: { headers: [ACAO] } }, method: "PUT", headers: {} }),
  },
  {
    name: "header-ok",
    expected: "allowed",
    make: (d) => ({ spec: { preflight: { status: 204, headers: allow("GET", "x-trace"), delayMs: d() }, actual: { headers: [ACAO], delayMs: d() } }, method: "GET", headers: { "X-Trace": "1" } }),
  },
  // Chromium checks the preflight's Access-Control-Allow-Origin before its status
  { name: "preflight-404", expected: "blocked", failureId: "preflight-acao-missing", make: (d) => ({ spec: { preflight: { status: 404, delayMs: d() } }, method: "DELETE", headers: {} }) },
  {
    name: "post-json",
    expected: "allowed",
    make: (d) => ({
      spec: { preflight: { status: 204, headers: allow("POST", "content-type"), delayMs: d() }, actual: { headers: [ACAO], delayMs: d() } },
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }),
  },
  {
    name: "actual-blocked",
    expected: "blocked",
    failureId: "acao-missing",
    make: (d) => ({ spec: { preflight: { status: 204, headers: allow("PATCH"), delayMs: d() }, actual: { delayMs: d() } }, method: "PATCH", headers: {} }),
  },
  { name: "dropped", expected: "network-error", make: (d) => ({ spec: { actual: { drop: true, delayMs: d() } }, method: "GET", headers: {} }) },
  { name: "refused", expected: "network-error", make: () => ({ spec: null, method: "GET", headers: {} }) },
];

function plan(prefix: string, count: number, seed: number): Planned[] {
  const random = rng(seed);
  const delay = () => Math.floor(random() * 120);
  const out: Planned[] = [];
  for (let i = 0; i < count; i++) {
    const kind = KINDS[Math.floor(random() * KINDS.length)] as Kind;
    const made = kind.make(delay);
    // unique URLs: no preflight cache hit, and each request is found by its URL
    const url = made.spec === null ? `${servers.closedUrl}?n=${prefix}${i}` : specUrl(servers.apiOrigin, made.spec, `${prefix}${i}-${kind.name}`);
    out.push({
      i,
      kind: kind.name,
      url,
      method: made.method,
      headers: made.headers,
      ...(made.body !== undefined ? { body: made.body } : {}),
      expected: kind.expected,
      ...(kind.failureId ? { failureId: kind.failureId } : {}),
    });
  }
  return out;
}

/** In-page traffic: CONCURRENCY loops take the next planned request until told to stop (and
 * at least `min` were made). Source text, so that no transpiler helper leaks into the page. */
const TRAFFIC = `(plan, concurrency, min) => {
  window.__stop = false;
  window.__results = [];
  let next = 0;
  const one = async (r) => {
    try {
      const init = { method: r.method, headers: r.headers, mode: "cors" };
      if (r.body !== undefined) init.body = r.body;
      const res = await fetch(r.url, init);
      await res.text();
      return { i: r.i, ok: true, status: res.status };
    } catch (e) {
      return { i: r.i, ok: false, error: String(e) };
    }
  };
  const loop = async () => {
    while (next < plan.length && (!window.__stop || next < min)) {
      const r = plan[next++];
      window.__results.push(await one(r));
    }
  };
  window.__done = Promise.all(Array.from({ length: concurrency }, loop)).then(() => window.__results);
}`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Evaluates in the extension's options page (storage.session is open to extension pages).
 * Not in the worker: under load a worker being replaced stayed listed with its context
 * destroyed, and 40 lookups over 10 s kept finding it (the harness failed, not the product). */
function inExtensionPage<T>(expression: string): Promise<T> {
  return h.extensionPage.evaluate(expression) as Promise<T>;
}

async function until(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) return false;
    await sleep(5);
  }
  return true;
}

interface Figures {
  requestsMade: number;
  kills: number;
  killsBetweenPreflightAndRequest: number;
  /** one exchange, the browser's verdict and failure id, the preflight the server received */
  complete: number;
  /** pending, "capture interrupted", no verdict */
  interrupted: number;
  /** right verdict, but the preflight's events died with a worker */
  preflightMissed: number;
  /** not in the log at all */
  lost: number;
  duplicated: number;
  mispaired: number;
  misdiagnosed: number;
  completePercent: number;
  /** storage.session in use at the end (its quota is 10 MB) and how many keys */
  storageBytes: number;
  storageKeys: number;
  /** the most storage.session held during the traffic (sampled every 250 ms) */
  storagePeakBytes: number;
  /** of those, journal keys left (events journaled by a restarting worker and not yet applied) */
  journalKeys: number;
  /** the tab's log at the end: its exchanges, and those its bounds dropped (counted by the log) */
  logEntries: number;
  logDropped: number;
  /** worker starts the harness watchdog had to resume (Puppeteer trap, see below) */
  stuckStartsResumed: number;
  stoppedWorkersWoken: number;
  trafficSeconds: number;
  settleSeconds: number;
}

// ---- the browser's view of the worker, and the kills -------------------------------------

let swStatus = "running";
const swStates: string[] = [];
let resumed = 0;
/** during a kill phase: a worker stopped longer than this is woken by a message (below) */
let wakeStoppedAfterMs: number | null = null;
let woken = 0;

async function watchWorker(): Promise<() => void> {
  const swCdp = await h.extensionPage.createCDPSession();
  swCdp.on("ServiceWorker.workerVersionUpdated", (e) => {
    for (const v of e.versions) {
      if (!v.scriptURL.startsWith(`chrome-extension://${h.extensionId}/`) || v.runningStatus === swStatus) continue;
      swStatus = v.runningStatus;
      swStates.push(`${Date.now()} ${v.runningStatus}`);
    }
  });
  await swCdp.send("ServiceWorker.enable");
  // Harness trap (e2e-recipe.md): a worker restarted under the same DevTools target while
  // Puppeteer still tracks the old one can stay paused in "starting", waiting for a debugger
  // that never resumes it (Chromium gives up after 60 s). This watchdog resumes it the way
  // Puppeteer does for every worker it sees start: attach, run, detach. Counted in the figures.
  const browserCdp = await h.browser.target().createCDPSession();
  // In the same trap, seen in 2 of 6 runs in a row (and then at every start of that browser),
  // the killed worker's target outlives it, so killWorker's wait for it to go runs to its end
  // (the loop below waits 1 s at most), and once a stopped worker was not started again by
  // the traffic's events for 70 s, until a message started it. During a phase, a worker
  // stopped for over 2 s (the traffic's next event starts it within ~100 ms otherwise) is
  // started by a message from the extension page, as getLog starts it; counted in the figures.
  let startingSince = 0;
  let stoppedSince = 0;
  const timer = setInterval(() => {
    if (swStatus === "stopped" && wakeStoppedAfterMs !== null) {
      if (stoppedSince === 0) stoppedSince = Date.now();
      if (Date.now() - stoppedSince >= wakeStoppedAfterMs) {
        stoppedSince = Date.now();
        woken++;
        void h.request({ type: "getSettings" }).catch(() => undefined);
      }
    } else stoppedSince = 0;
    if (swStatus !== "starting") {
      startingSince = 0;
      return;
    }
    if (startingSince === 0) startingSince = Date.now();
    if (Date.now() - startingSince < 500) return;
    startingSince = Date.now();
    void (async () => {
      const { targetInfos } = await browserCdp.send("Target.getTargets");
      for (const t of targetInfos) {
        if (t.type !== "service_worker" || !t.url.startsWith(`chrome-extension://${h.extensionId}/`)) continue;
        resumed++;
        const { sessionId } = await browserCdp.send("Target.attachToTarget", { targetId: t.targetId, flatten: true });
        const session = browserCdp.connection()?.session(sessionId);
        await session?.send("Runtime.runIfWaitingForDebugger").catch(() => undefined);
        await session?.detach().catch(() => undefined);
      }
    })().catch(() => undefined);
  }, 100);
  return () => {
    clearInterval(timer);
    void swCdp.detach().catch(() => undefined);
    void browserCdp.detach().catch(() => undefined);
  };
}

interface PhaseResult {
  figures: Figures;
  problems: string[];
  notes: string[];
  tabId: number;
  /** the interrupted and misdiagnosed exchanges as the log holds them (test servers' headers
   * only), so that a case the engine leaves undecided can be studied after the run */
  cases: DiagnosedExchange[];
}

/** Which events of an exchange reached the log (for the notes on interrupted exchanges). */
function captured(ex: DiagnosedExchange["exchange"]): string {
  const hop = ex.hops[0];
  const pf = hop?.preflight;
  const parts = [
    `gap ${ex.captureGap ?? "none"}`,
    `request headers ${hop?.requestHeaders ? "yes" : "no"}`,
    `response ${hop?.response ? hop.response.status : "no"}`,
    pf ? `preflight ${pf.response ? pf.response.status : "no response"}${pf.endTime !== undefined ? " ended" : ""}` : `preflight ${hop?.preflightState}`,
  ];
  return parts.join(", ");
}

/** When the server saw the request and answered it, relative to the kills around it: an answer
 * sent after a kill reaches the browser while the worker is stopping or starting. */
function nearKills(server: ServerSeen, kills: number[]): string {
  const at = (t: number | undefined, answered: number | undefined, what: string) => {
    if (t === undefined) return `${what} not received`;
    const before = kills.filter((k) => k <= t).at(-1);
    const after = kills.find((k) => k > t);
    const answer = answered === undefined || after === undefined ? "" : `, answered ${answered < after ? `${after - answered} ms before` : `${answered - after} ms after`} it`;
    return `${what} ${before === undefined ? "" : `${t - before} ms after kill ${kills.indexOf(before) + 1}`}${after === undefined ? "" : `, ${after - t} ms before kill ${kills.indexOf(after) + 1}${answer}`}`;
  };
  return [server.options.length > 0 ? at(server.options[0], server.optionsAnswered[0], "OPTIONS") : "", at(server.actual[0], server.actualAnswered[0], "request")].filter(Boolean).join("; ");
}

/** What the server saw of one URL: when requests came and when they were answered. */
interface ServerSeen {
  options: number[];
  actual: number[];
  optionsAnswered: (number | undefined)[];
  actualAnswered: (number | undefined)[];
}

async function runPhase(name: string, page: Page, opts: { kills: number; min: number; seed: number }): Promise<PhaseResult> {
  const tabId = await h.tabIdOf(page);
  await page.bringToFront();
  // At most 1,800 requests: under the tab's bound of 2,000 exchanges (the oldest are dropped
  // past it, which this test would count as lost). A slow machine can make more before the
  // kills are done (once, worker starts that the harness had to resume took 4 s each and the
  // page made 3,932); the kills then go on without traffic.
  const planned = plan(name, 1800, opts.seed);
  const firstServerRequest = servers.requests.length;
  await page.evaluate(`(${TRAFFIC})(${JSON.stringify(planned)}, ${CONCURRENCY}, ${opts.min})`);
  const random = rng(opts.seed + 1);
  // CORS_LENS_KILL_TRACE=<dir>: a Chrome trace of the phase, for bench/dispatch-latency.ts (how
  // long events waited in the worker) and a look at the worker's tasks around a kill
  const traceDir = process.env.CORS_LENS_KILL_TRACE;
  if (traceDir) {
    mkdirSync(traceDir, { recursive: true });
    await page.tracing.start({ path: join(traceDir, `kill-trace-${name}.json`), categories: ["toplevel", "devtools.timeline", "v8.execute", "extensions", "ServiceWorker"] });
  }
  const kills: number[] = [];
  const started = Date.now();
  // storage.session in use, sampled during the phase: a write past its 10 MB quota fails
  let storagePeak = 0;
  const sampler = setInterval(() => {
    inExtensionPage<number>("chrome.storage.session.getBytesInUse(null)").then(
      (bytes) => {
        storagePeak = Math.max(storagePeak, bytes);
      },
      () => undefined,
    );
  }, 250);
  // The kills end by this deadline, well inside the test's own timeout: a phase that jest timed
  // out went on in the background while the next phase ran, two kill loops stopping the same
  // worker and two pages filling the same storage (seen on a loaded machine: its figures were
  // then those of both phases). A phase that runs out of time shows fewer kills, and fails.
  const killDeadline = Date.now() + PHASE_KILLS_MS;
  wakeStoppedAfterMs = 2000;
  for (let k = 0; k < opts.kills && Date.now() < killDeadline; k++) {
    // A kill stops a running worker. (Stopping one that is still starting makes Chromium drop
    // the events queued for that start before any extension code runs: no extension can
    // survive or even see that, and it is not what a browser does to an extension.)
    await until(() => swStatus === "running", 30000);
    // a random moment of the traffic...
    await sleep(250 + Math.floor(random() * 600));
    if (k % 2 === 1) {
      // ...or, every other kill, right after a preflight reached the server: its request has
      // not been sent yet
      const seen = servers.requests.length;
      await until(() => servers.requests.slice(seen).some((r) => r.method === "OPTIONS"), 5000);
    }
    await until(() => swStatus === "running", 30000);
    kills.push(Date.now());
    await h.killWorker({ waitGoneMs: 1000 });
  }
  wakeStoppedAfterMs = null;
  await page.evaluate(() => {
    (window as unknown as { __stop: boolean }).__stop = true;
  });
  const results = (await page.evaluate(() => (window as unknown as { __done: Promise<unknown> }).__done)) as { i: number; ok: boolean }[];
  const trafficSeconds = Math.round((Date.now() - started) / 100) / 10;
  clearInterval(sampler);
  if (traceDir) await page.tracing.stop();
  const made = results.map((r) => planned[r.i] as Planned);
  const urls = new Set(made.map((p) => p.url));
  // Let the log settle: every request over, or nothing changing for 1.5 s (cut-off ones stay).
  let entries: DiagnosedExchange[] = [];
  let logDropped = 0;
  let lastCount = -1;
  let stableSince = Date.now();
  for (const deadline = Date.now() + 15000; Date.now() < deadline; await sleep(250)) {
    const log = await h.request({ type: "getLog", tabId });
    entries = log.entries;
    logDropped = log.dropped;
    const over = entries.filter((e) => urls.has(e.exchange.url) && e.exchange.outcome.state !== "pending").length;
    if (over !== lastCount) {
      lastCount = over;
      stableSince = Date.now();
    }
    if (over >= urls.size || Date.now() - stableSince > 1500) break;
  }

  // storage.session as the last worker left it: a lost request found there was stored but not
  // read back; one not found there never reached storage
  const stored = await inExtensionPage<[string, string][]>(
    "chrome.storage.session.get(null).then((all) => Object.entries(all).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]))",
  );
  const storageBytes = await inExtensionPage<number>("chrome.storage.session.getBytesInUse(null)");
  // the key says under which tab it was stored ("this tab" or the other one's id)
  const storedUnder = (url: string) =>
    stored.filter(([, v]) => v.includes(JSON.stringify(url).slice(1, -1))).map(([k]) => k.replace(`:${tabId}:`, ":this tab:"));
  const byUrl = new Map<string, DiagnosedExchange[]>();
  for (const e of entries) byUrl.set(e.exchange.url, [...(byUrl.get(e.exchange.url) ?? []), e]);
  const serverBy = new Map<string, ServerSeen>();
  for (const r of servers.requests.slice(firstServerRequest)) {
    const s = serverBy.get(r.url) ?? { options: [], actual: [], optionsAnswered: [], actualAnswered: [] };
    (r.method === "OPTIONS" ? s.options : s.actual).push(r.time);
    (r.method === "OPTIONS" ? s.optionsAnswered : s.actualAnswered).push(r.answered);
    serverBy.set(r.url, s);
  }
  const problems: string[] = [];
  /** what the interrupted exchanges hold (not problems: where the kills cut them off) */
  const notes: string[] = [];
  const cases: DiagnosedExchange[] = [];
  const f = { complete: 0, interrupted: 0, preflightMissed: 0, lost: 0, duplicated: 0, mispaired: 0, misdiagnosed: 0 };
  for (const p of made) {
    const pageResult = results.find((r) => r.i === p.i);
    // ground truth: the page's own result agrees with the plan
    if (pageResult?.ok !== (p.expected === "allowed")) problems.push(`page saw ${JSON.stringify(pageResult)} for ${p.kind} #${p.i}`);
    const list = byUrl.get(p.url) ?? [];
    if (list.length === 0) {
      f.lost++;
      const at = serverBy.get(p.url)?.options[0] ?? serverBy.get(p.url)?.actual[0];
      const kill = at === undefined ? -1 : kills.filter((k) => k <= at).length - 1;
      const keys = storedUnder(p.url);
      problems.push(
        `lost: ${p.kind} #${p.i}${kill >= 0 && at !== undefined ? ` (${at - (kills[kill] as number)} ms after kill ${kill + 1})` : ""}; in storage: ${keys.length > 0 ? keys.join(" ") : "nothing"}`,
      );
      continue;
    }
    if (list.length > 1) {
      f.duplicated++;
      problems.push(`duplicated ×${list.length}: ${p.kind} #${p.i} (${list.map((e) => `${e.exchange.method} ${e.exchange.id}`).join(", ")})`);
      continue;
    }
    const { exchange, diagnosis } = list[0] as DiagnosedExchange;
    const hop = exchange.hops[0];
    const server = serverBy.get(p.url) ?? { options: [], actual: [], optionsAnswered: [], actualAnswered: [] };
    // pairing: a preflight attached to this request is one the server received for its URL,
    // for its method, answered with the status the server sent
    const pf = hop?.preflight;
    let pairing = "";
    if (pf && server.options.length === 0) pairing = "preflight attached but the server received none";
    else if (pf && pf.url !== hop?.url) pairing = `preflight for ${pf.url}`;
    else if (pf?.requestHeaders && headerValue(pf.requestHeaders, "access-control-request-method") !== exchange.method) pairing = "preflight for another method";
    else if (pf?.response && pf.response.status !== (p.kind === "preflight-404" ? 404 : 204)) pairing = `preflight status ${pf.response.status}`;
    if (pairing) {
      f.mispaired++;
      problems.push(`mispaired: ${p.kind} #${p.i}: ${pairing}`);
      continue;
    }
    // the log's diagnosis is the engine's verdict on the exchange the log holds (a diagnosis
    // made before the exchange last changed would be stale)
    const fresh = diagnose(exchange);
    if (fresh.verdict !== diagnosis.verdict || fresh.failure?.id !== diagnosis.failure?.id) {
      f.misdiagnosed++;
      problems.push(`stale diagnosis: ${p.kind} #${p.i}: log says ${diagnosis.verdict} ${diagnosis.failure?.id ?? ""}, its exchange gives ${fresh.verdict} ${fresh.failure?.id ?? ""} (${captured(exchange)})`);
      continue;
    }
    if (diagnosis.verdict === "pending") {
      // cut off by a kill: it must say so, and claim nothing else
      if (/interrupted/i.test(diagnosis.explanation) && !diagnosis.failure) {
        f.interrupted++;
        notes.push(`interrupted: ${p.kind} #${p.i}: ${captured(exchange)}; ${nearKills(server, kills)}`);
        cases.push(list[0] as DiagnosedExchange);
      }
      else {
        f.misdiagnosed++;
        problems.push(`pending without "interrupted": ${p.kind} #${p.i}: ${diagnosis.explanation}`);
      }
      continue;
    }
    const id = diagnosis.failure?.id;
    if (diagnosis.verdict !== p.expected || (p.failureId !== undefined && id !== p.failureId)) {
      f.misdiagnosed++;
      // with what was captured and when, to tell a capture bug from a request that really
      // failed otherwise (the page's own result is checked above)
      const outcome = exchange.outcome.state === "failed" ? exchange.outcome.error : exchange.outcome.state;
      cases.push(list[0] as DiagnosedExchange);
      problems.push(
        `misdiagnosed: ${p.kind} #${p.i}: ${diagnosis.verdict} ${id ?? ""}, expected ${p.expected} ${p.failureId ?? ""}; outcome ${outcome}, ${captured(exchange)}; ${nearKills(server, kills)}`,
      );
      continue;
    }
    if (server.options.length > 0 && !pf) {
      f.preflightMissed++;
      problems.push(`preflight not captured: ${p.kind} #${p.i} (${hop?.preflightState})`);
      continue;
    }
    f.complete++;
  }
  // The log's bounds (per tab, and all tabs' storage budget) drop the oldest exchanges, counted:
  // its lost requests are then not the capture's. Said first, since it explains the list.
  if (logDropped > 0) problems.unshift(`lost: the log's bounds dropped its ${logDropped} oldest exchanges (its dropped counter); the lost requests below include them`);
  // No preflight may show up as an exchange of its own.
  const stray = entries.filter((e) => e.exchange.method === "OPTIONS" && urls.has(e.exchange.url));
  f.duplicated += stray.length;
  for (const e of stray) problems.push(`preflight logged as its own exchange: ${e.exchange.url}`);
  // Kills that fell between a preflight's arrival at the server and its request's.
  const between = kills.filter((at) =>
    [...serverBy.values()].some((s) => s.options.length > 0 && s.actual.length > 0 && (s.options[0] as number) <= at && at <= (s.actual[0] as number)),
  ).length;
  const figures: Figures = {
    requestsMade: made.length,
    kills: kills.length,
    killsBetweenPreflightAndRequest: between,
    ...f,
    completePercent: Math.round((f.complete / made.length) * 10000) / 100,
    storageBytes,
    storageKeys: stored.length,
    storagePeakBytes: storagePeak,
    journalKeys: stored.filter(([k]) => k.startsWith("j:")).length,
    logEntries: entries.length,
    logDropped,
    stuckStartsResumed: resumed,
    stoppedWorkersWoken: woken,
    trafficSeconds,
    settleSeconds: Math.round((Date.now() - started) / 100) / 10 - trafficSeconds,
  };
  process.stdout.write(`\n[hardening] worker kills, ${name}: ${JSON.stringify(figures)}\n${notes.map((n) => `  ${n}\n`).join("")}`);
  return { figures, problems, notes, tabId, cases };
}

const report: Record<string, PhaseResult> = {};
let stopWatching: () => void = () => undefined;

beforeAll(async () => {
  servers = await startTestServers();
  // CORS_LENS_EXTENSION: a private copy of dist/chrome, for machines where another build may
  // rewrite dist/ while this suite runs
  h = await launchChromiumWithExtension({ extensionPath: process.env.CORS_LENS_EXTENSION || undefined });
  stopWatching = await watchWorker();
});

afterAll(async () => {
  stopWatching();
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, "hardening-worker-kills.json"), `${JSON.stringify({ ...report, swStates }, null, 2)}\n`);
  await h?.close();
  await servers?.close();
});

function expectInvariants(r: PhaseResult, floor: number, minRequests: number, kills: number): void {
  const { figures } = r;
  expect(figures.requestsMade).toBeGreaterThanOrEqual(minRequests);
  expect(figures.kills).toBe(kills);
  expect(figures.killsBetweenPreflightAndRequest).toBeGreaterThan(0);
  expect({ duplicated: figures.duplicated, mispaired: figures.mispaired, misdiagnosed: figures.misdiagnosed, problems: r.problems.filter((p) => !/^(lost|preflight not captured)/.test(p)) }).toEqual({
    duplicated: 0,
    mispaired: 0,
    misdiagnosed: 0,
    problems: [],
  });
  expect(figures.complete / figures.requestsMade).toBeGreaterThanOrEqual(floor);
}

describe("worker stopped during continuous cross-origin traffic", () => {
  test("20 kills, ≥ 420 requests: nothing duplicated, mispaired or misdiagnosed", async () => {
    const page = await h.newPage(`${servers.pageOrigin}/page?title=kills-quiet`);
    const r = await runPhase("q", page, { kills: 20, min: 420, seed: 20261125 });
    report.quiet = r;
    expectInvariants(r, FLOOR.quiet, 420, 20);
  }, PHASE_TIMEOUT_MS);

  test("10 kills with the panel and the popup open: same invariants, and both show the worker's log without a reload", async () => {
    const page = await h.newPage(`${servers.pageOrigin}/page?title=kills-pages`);
    const tabId = await h.tabIdOf(page);
    const panel = await h.newPage(`chrome-extension://${h.extensionId}/panel.html?tabId=${tabId}`);
    const popup = await h.newPage(`chrome-extension://${h.extensionId}/popup.html?tabId=${tabId}`);
    // A reload would reset these markers: they prove the pages reconnected by themselves.
    for (const p of [panel, popup]) await p.evaluate(() => Object.assign(window, { __notReloaded: true }));
    const r = await runPhase("p", page, { kills: 10, min: 200, seed: 7 });
    report.pagesOpen = r;
    expectInvariants(r, FLOOR.pagesOpen, 200, 10);

    const log = await h.request({ type: "getLog", tabId });
    const cross = log.entries.filter((e) => e.exchange.trafficClass === "cross-origin");
    const blocked = cross.filter((e) => e.diagnosis.verdict === "blocked").length;
    const allowed = cross.filter((e) => e.diagnosis.verdict === "allowed").length;
    await panel.waitForFunction(
      (n) => (document.querySelector(".state-line")?.textContent ?? "").includes(`of ${n} exchanges shown`),
      { timeout: 10000 },
      log.entries.length,
    );
    expect(await panel.$eval(".conn", (el) => el.textContent)).toBe("live");
    await popup.waitForFunction(
      (b, a) => {
        const text = document.querySelector('[aria-label="Cross-origin requests by verdict"]')?.textContent ?? "";
        return text.includes(`${b} blocked`) && text.includes(`${a} allowed`);
      },
      { timeout: 10000 },
      blocked,
      allowed,
    );
    for (const p of [panel, popup]) expect(await p.evaluate(() => (window as unknown as { __notReloaded?: boolean }).__notReloaded)).toBe(true);
  }, PHASE_TIMEOUT_MS);

  // A worker stopped after it applied its journal but before it removed it leaves the journal to
  // the next worker, which applies it again. A tab's navigation, journaled while a starting
  // worker restored, was then applied again after later kills, and each time it cleared what
  // the page had made since.
  test("a navigation replayed from an earlier worker's journal does not clear the requests made after it", async () => {
    const navigatedAt = Date.now();
    const page = await h.newPage(`${servers.pageOrigin}/page?title=replayed-navigation`);
    const tabId = await h.tabIdOf(page);
    const urls = [1, 2, 3].map((n) => specUrl(servers.apiOrigin, { actual: { headers: [["Access-Control-Allow-Origin", "*"]] } }, `after-navigation-${n}`));
    await page.evaluate((list: string[]) => Promise.all(list.map((u) => fetch(u).then((r) => r.status))), urls);
    const ended = (entries: DiagnosedExchange[]) => entries.filter((e) => urls.includes(e.exchange.url) && e.exchange.outcome.state === "completed").length;
    await h.waitForExchanges(tabId, (entries) => ended(entries) === 3);
    // the worker's writes of them are done: an ended exchange is stored with its diagnosis,
    // whose explanation names the URL (a few ms; polled, for a loaded machine)
    const storedEnded = () =>
      inExtensionPage<boolean>(
        `chrome.storage.session.get(null).then((all) => { const text = Object.values(all).join(" "); return ${JSON.stringify(urls)}.every((u) => text.includes(u + " passed the CORS check")); })`,
      );
    for (const deadline = Date.now() + 5000; !(await storedEnded()) && Date.now() < deadline; ) await sleep(50);

    // the navigation as a worker that was restoring would have journaled it (the oldest boot id)
    const key = "j:000000000000001:000000";
    const navigation = { kind: "beforeRequest", browser: "chromium", requestId: "replayed-navigation", tabId, frameId: 0, url: page.url(), method: "GET", type: "main_frame", timeStamp: navigatedAt };
    await inExtensionPage(`chrome.storage.session.set(${JSON.stringify({ [key]: navigation })})`);
    await h.killWorker();
    // the next worker replays the journal before it answers
    const log = await h.request({ type: "getLog", tabId });
    expect(ended(log.entries)).toBe(3);
    expect(log.pageUrl).toBe(page.url());
    // and, its log written, removes the journal
    let left = true;
    for (const deadline = Date.now() + 5000; left && Date.now() < deadline; await sleep(100)) {
      left = await inExtensionPage<boolean>(`chrome.storage.session.get(${JSON.stringify(key)}).then((v) => ${JSON.stringify(key)} in v)`);
    }
    expect(left).toBe(false);
    await page.close();
  });

  // Kills that come faster than a restarting worker can replay its journal: each worker must
  // leave less to replay than it found. (When the journal was removed only once all of it was
  // applied, each worker replayed everything and journaled more meanwhile, without end.)
  test("a journal too long to replay before the next kill shrinks with every worker until it is applied", async () => {
    // the earlier phases' tabs (and their logs, which a starting worker loads first) go
    for (const p of await h.browser.pages()) if (p !== h.extensionPage) await p.close();
    const page = await h.newPage(`${servers.pageOrigin}/page?title=long-journal`);
    const tabId = await h.tabIdOf(page);
    const requests = 1500;
    const t0 = Date.now();
    const events: Record<string, unknown> = {};
    const origin = servers.pageOrigin;
    for (let i = 0; i < requests; i++) {
      const base = { browser: "chromium", requestId: `journal-${i}`, tabId, frameId: 0, url: `${servers.apiOrigin}/journal-${i}`, method: "GET", type: "xmlhttprequest", initiator: origin };
      const at = t0 + i;
      events[`j:000000000000002:${String(3 * i).padStart(6, "0")}`] = { ...base, kind: "beforeRequest", timeStamp: at };
      events[`j:000000000000002:${String(3 * i + 1).padStart(6, "0")}`] = { ...base, kind: "sendHeaders", timeStamp: at, requestHeaders: [{ name: "Origin", value: origin }, { name: "Sec-Fetch-Mode", value: "cors" }] };
      events[`j:000000000000002:${String(3 * i + 2).padStart(6, "0")}`] = { ...base, kind: "completed", timeStamp: at + 1, statusCode: 200, responseHeaders: [{ name: "Access-Control-Allow-Origin", value: "*" }] };
    }
    await h.killWorker();
    await inExtensionPage(`chrome.storage.session.set(${JSON.stringify(events)})`);
    const journalSize = () => inExtensionPage<number>("chrome.storage.session.getKeys().then((keys) => keys.filter((k) => k.startsWith('j:')).length)");
    const sizes = [await journalSize()];
    // Wake a worker (a request from the page), let it run, stop it; again. A worker first loads
    // the log, then replays: one stopped before its first slice was written removes nothing, so
    // each worker that removed nothing gets 20 ms more than the one before (a loaded machine
    // loads slowly). While a worker lives, the journal's size is read again and again: a size
    // between full and empty is the removal in parts this test looks for. (Read only at the
    // kills, it was timing: on an idle machine a worker of 150 ms applied all 4,500 events, and
    // with steps of 50 ms the next size after "nothing removed" was "all removed" — 2026-11-26.) Removing the journal only once all of it was applied goes from all to
    // nothing in one worker; this build removes it in parts. (The build before stayed above
    // 4,500 keys for 30 workers of 400 ms; this one, at 400 ms: 4,500 → 3,278 → 1,872 → 0.)
    let life = 150;
    const lives: number[] = [];
    /** sizes read while workers lived */
    const during: number[] = [];
    for (let cycle = 0; cycle < 60 && (sizes.at(-1) ?? 0) > 0; cycle++) {
      await until(() => swStatus !== "running", 5000);
      void page.evaluate((u: string) => fetch(u).catch(() => undefined), specUrl(servers.apiOrigin, { actual: { headers: [["Access-Control-Allow-Origin", "*"]] } }, `wake-${cycle}`));
      await until(() => swStatus === "running", 10000);
      for (const end = Date.now() + life; Date.now() < end; ) during.push(await journalSize());
      await h.killWorker();
      lives.push(life);
      const size = await journalSize();
      if (size >= (sizes.at(-1) ?? 0)) life += 20;
      sizes.push(size);
    }
    // (a few keys are each starting worker's own journal of the wake-up request: not a part)
    const partial = [...sizes, ...during].filter((n) => n > 50 && n < (sizes[0] ?? 0) - 50);
    process.stdout.write(`\n[hardening] journal of ${3 * requests} events, keys left after each worker: ${sizes.join(" ")} (workers' lives, ms: ${lives.join(" ")}; ${partial.length} of ${during.length} reads while they lived found part of it applied)\n`);
    expect(sizes.at(-1)).toBe(0);
    // part of the journal was seen applied and removed: removed as applied, not all or nothing
    expect(partial.length).toBeGreaterThan(0);
    const log = await h.request({ type: "getLog", tabId });
    const replayed = log.entries.filter((e) => e.exchange.url.startsWith(`${servers.apiOrigin}/journal-`));
    expect(new Set(replayed.map((e) => e.exchange.url)).size).toBe(requests);
    expect(replayed).toHaveLength(requests);
    expect(replayed.filter((e) => e.diagnosis.verdict !== "allowed").map((e) => `${e.exchange.url}: ${e.diagnosis.verdict}, ${JSON.stringify(e.exchange.outcome)}, gap ${e.exchange.captureGap}`)).toEqual([]);
    await page.close();
  });
});
