/**
 * Hardening, the export as a hand-over: a user exports what the panel shows and someone else
 * runs `cors-lens analyze` on the file. Hundreds of generated captures (requests with or
 * without preflight, failed preflights, redirects, credentials, CORS headers right and wrong,
 * requests cut short) go through the real assembler and engine, then through the HAR export
 * and back through the importer:
 * - unredacted, the importer gives back the same exchanges (but for what HAR cannot carry:
 *   request ids, frame ids) without a warning, and the engine the same diagnosis;
 * - redacted (the default), the engine still gives the same verdict and failure: redaction
 *   hides secret values, never the evidence of the diagnosis.
 * The JSON export, lossless by design, must pass its own schema and give back exactly what
 * was exported; redacted, the same verdicts.
 */
import fc from "fast-check";
import { diagnose } from "../../../src/cors/diagnose";
import type { BrowserKind, Diagnosis, Exchange, HttpResponse, Preflight } from "../../../src/cors/model";
import { readHar } from "../../../src/export/har-reader";
import { toHar } from "../../../src/export/har-writer";
import { readCorsLensJson, toCorsLensJson } from "../../../src/export/json-export";
import { capture, capturing, PAGE, type Plan } from "./captures";

const RUNS = 300;

/** A plain GET answered 200 without CORS headers, for examples to vary. */
const PLAN: Plan = {
  url: "http://api.test/a",
  method: "GET",
  custom: false,
  cookie: false,
  mode: undefined,
  cached: false,
  preflight: { status: 200, acao: undefined, acam: undefined, acah: undefined, acac: undefined, proceeds: false, refused: false },
  response: { status: 200, acao: undefined, acac: undefined, setCookie: false, fromCache: false },
  redirectTo: "http://api.test/moved",
  end: "completed",
  cutAfter: 0,
};

/** What the user reads of a diagnosis, and what decides it. */
const judged = (d: Diagnosis) => ({ verdict: d.verdict, failure: d.failure?.id ?? null, warnings: d.warnings.map((w) => w.id), credentials: d.credentials });

/** A response as HAR carries it: not from the cache is said by saying nothing. */
function response<R extends HttpResponse | undefined>(r: R): R {
  if (r?.fromCache !== false) return r;
  const { fromCache: _, ...rest } = r;
  return rest as R;
}

/**
 * What HAR carries of an exchange:
 * - request ids and frame ids are not part of it (the reader names requests after entries);
 * - a pending exchange whose capture was interrupted says so only in its explanation
 *   (har-format.md: "pending: not finished yet, or capture was interrupted");
 * - a preflight answered but not ended (its last event not seen) has the duration HAR
 *   gives it: from its start to its answer.
 */
const strip = (x: Exchange) => {
  const pending = x.outcome.state === "pending";
  return {
    ...x,
    outcome: pending ? { state: "pending" } : x.outcome,
    requestIds: [],
    frameId: 0,
    hops: x.hops.map(({ response: r, preflight, ...hop }) => ({
      ...hop,
      ...(r ? { response: response(r) } : {}),
      ...(preflight ? { preflight: preflightAsHar(preflight) } : {}),
    })),
  };
};

function preflightAsHar({ endTime, response: r, ...rest }: Preflight) {
  const end = endTime ?? r?.time;
  return { ...rest, requestId: "", ...(r ? { response: response(r) } : {}), ...(end !== undefined ? { endTime: end } : {}) };
}

function exported(exchanges: Exchange[], browser: BrowserKind, redact: boolean) {
  const entries = exchanges.map((exchange) => ({ exchange, diagnosis: diagnose(exchange) }));
  const har = toHar({ tabId: 1, pageUrl: `${PAGE}/app`, entries, dropped: 0 }, { redact, browser, browserVersion: "1", creatorVersion: "0.1.0" });
  return { entries, read: readHar(JSON.parse(JSON.stringify(har))) };
}

test(`${RUNS} captures: exported (HAR, JSON) and read back, the same exchanges and diagnoses; redacted, the same verdicts`, () => {
  fc.assert(
    fc.property(capturing, ({ plans, order, browser }) => {
      const exchanges = capture(plans, order, browser);
      expect(exchanges.length).toBeGreaterThan(0);
      const plain = exported(exchanges, browser, false);
      expect(plain.read.warnings).toEqual([]);
      expect(plain.read.exchanges.map(strip)).toEqual(plain.entries.map((e) => strip(e.exchange)));
      expect(plain.read.exchanges.map((x) => judged(diagnose(x)))).toEqual(plain.entries.map((e) => judged(e.diagnosis)));
      const redacted = exported(exchanges, browser, true);
      expect(redacted.read.exchanges.map((x) => judged(diagnose(x)))).toEqual(redacted.entries.map((e) => judged(e.diagnosis)));

      const log = { tabId: 1, pageUrl: `${PAGE}/app`, entries: plain.entries, dropped: 0 };
      const json = (redact: boolean) => readCorsLensJson(JSON.parse(JSON.stringify(toCorsLensJson(log, { redact, browser }))));
      expect(json(false).exchanges).toEqual(plain.entries);
      expect(json(true).exchanges.map((e) => judged(diagnose(e.exchange)))).toEqual(plain.entries.map((e) => judged(e.diagnosis)));
    }),
    {
      numRuns: RUNS,
      // found by this test, kept: seed -230012647, a Firefox preflight whose request was never
      // seen, cut short (read back as "unknown" where capture says it needs no preflight)
      examples: [[{ plans: [PLAN, { ...PLAN, method: "POST", custom: true, end: "cut", cutAfter: 2 }, { ...PLAN, method: "POST" }], order: [0, 2087228835, 829021502, 2013265900], browser: "firefox" }]],
    },
  );
});
