/**
 * Bad input never throws: arbitrary partial exchanges, absurd header values, non-ASCII bytes
 * and 100 KB headers give a diagnosis (or a clear "insufficient evidence" one).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { FIXTURES } from "../capture/helpers";
import { diagnose, diagnoseFully, inFlightDiagnosis } from "../../../src/cors/diagnose";
import { matchBrowserMessage } from "../../../src/cors/messages";
import type { Exchange } from "../../../src/cors/model";
import { normalizeExchange, repairExchange } from "../../../src/cors/normalize";
import { needsPreflight } from "../../../src/cors/preflight";
import { ACAO, exchange } from "./fixtures";

const VERDICTS = ["allowed", "blocked", "not-cors", "network-error", "pending"];

const headerName = fc.oneof(
  fc.constantFrom("Access-Control-Allow-Origin", "access-control-allow-credentials", "Access-Control-Allow-Methods", "Access-Control-Allow-Headers", "Access-Control-Max-Age", "Origin", "Cookie", "Location", "Vary", "Sec-Fetch-Mode", "Content-Type", "Access-Control-Request-Headers", "Access-Control-Request-Method"),
  fc.string(),
);
const headerValue = fc.oneof(fc.constantFrom("*", "null", "true", "http://127.0.0.1:3000", "GET, PUT", "", "cors", "no-cors", "data:x"), fc.string(), fc.string({ unit: "binary" }));
const header = fc.oneof(fc.record({ name: headerName, value: headerValue }), fc.anything());
const headers = fc.oneof(fc.array(header, { maxLength: 6 }), fc.constant(null), fc.anything());
const response = fc.oneof(fc.record({ status: fc.oneof(fc.integer({ min: -5, max: 999 }), fc.double()), statusText: fc.string(), headers, time: fc.integer() }, { requiredKeys: [] }), fc.anything());
const url = fc.oneof(fc.constantFrom("http://localhost:4000/api", "https://a.example/x", "data:text/plain,x", "http://u:p@b/", "file:///x", "ws://x/s", ""), fc.webUrl(), fc.string());
const hop = fc.record(
  {
    url,
    method: fc.oneof(fc.constantFrom("GET", "PUT", "patch", "OPTIONS"), fc.string()),
    requestHeaders: headers,
    preflightState: fc.constantFrom("sent", "cached", "not-needed", "unknown", "bogus"),
    preflight: fc.oneof(fc.record({ url, requestHeaders: headers, response, error: fc.oneof(fc.constantFrom("net::ERR_FAILED", "NS_ERROR_DOM_BAD_URI", "net::ERR_EMPTY_RESPONSE"), fc.string()) }, { requiredKeys: [] }), fc.anything()),
    response,
    redirectUrl: url,
  },
  { requiredKeys: [] },
);
const outcome = fc.oneof(
  fc.record({ state: fc.constant("completed"), endTime: fc.integer() }),
  fc.record({ state: fc.constant("failed"), error: fc.oneof(fc.constantFrom("net::ERR_FAILED", "NS_ERROR_DOM_BAD_URI", "net::ERR_UNSAFE_REDIRECT", "net::ERR_CONNECTION_REFUSED"), fc.string()), endTime: fc.integer() }),
  fc.record({ state: fc.constant("pending"), interrupted: fc.boolean() }, { requiredKeys: ["state"] }),
  fc.anything(),
);
const partialExchange = fc.record(
  {
    id: fc.string(),
    browser: fc.constantFrom("chromium", "firefox", "safari"),
    initiator: fc.oneof(fc.constantFrom("http://127.0.0.1:3000", "null", "https://a.example"), fc.constant(null), fc.string()),
    type: fc.oneof(fc.constantFrom("xmlhttprequest", "image", "font", "main_frame", "websocket"), fc.string()),
    method: fc.string(),
    url,
    hops: fc.oneof(fc.array(hop, { maxLength: 4 }), fc.anything()),
    outcome,
    trafficClass: fc.oneof(fc.constantFrom("cross-origin", "same-origin", "navigation", "extension", "non-http"), fc.string()),
    hints: fc.oneof(fc.record({ corsError: fc.string(), consoleMessage: fc.string(), mode: fc.string(), credentials: fc.constantFrom("include", "omit", "x"), redirectMode: fc.string() }, { requiredKeys: [] }), fc.anything()),
  },
  { requiredKeys: [] },
);

function sane(input: unknown, viaFallback = true): void {
  const d = diagnose(input as Exchange);
  // The defensive reading handles partial exchanges itself; the last-resort catch is not needed.
  if (!viaFallback) expect(d.explanation).not.toMatch(/could not read this exchange/);
  expect(VERDICTS).toContain(d.verdict);
  expect(typeof d.explanation).toBe("string");
  expect(d.explanation.length).toBeGreaterThan(0);
  expect(Array.isArray(d.warnings)).toBe(true);
  if (d.verdict === "blocked" || d.verdict === "network-error") expect(typeof d.failure?.id).toBe("string");
}

test("arbitrary partial exchanges never throw", () => {
  fc.assert(fc.property(partialExchange, (ex) => sane(ex, false)), { numRuns: 3000 });
});

test("an exchange the engine takes as it is (well formed) is diagnosed as its repaired copy would be", () => {
  let taken = 0;
  // mostly valid fields, each sometimes not (so both sides of every check are reached)
  const often = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) => fc.oneof({ arbitrary: valid, weight: 9 }, { arbitrary: other, weight: 1 });
  const lines = often(fc.array(fc.record({ name: headerName, value: fc.string() }), { maxLength: 4 }), headers);
  const validResponse = fc.record({ status: often(fc.integer({ min: 100, max: 599 }), fc.anything()), statusText: often(fc.string(), fc.anything()), headers: lines, time: fc.integer() });
  const maybe = <T>(valid: fc.Arbitrary<T>) => often(fc.oneof(fc.constant(undefined), valid), fc.anything());
  const validHop = fc.record(
    {
      url: often(url, fc.anything()),
      method: often(fc.constantFrom("GET", "PUT"), fc.anything()),
      requestHeaders: lines,
      startTime: often(fc.integer(), fc.anything()),
      redirectUrl: maybe(url),
      preflightState: often(fc.constantFrom("sent", "cached", "not-needed", "unknown"), fc.anything()),
      preflight: maybe(
        fc.record(
          { requestId: often(fc.string(), fc.anything()), url: often(url, fc.anything()), requestHeaders: lines, startTime: often(fc.integer(), fc.anything()), response: maybe(validResponse), error: maybe(fc.string()) },
          { requiredKeys: ["requestId", "url", "requestHeaders", "startTime"] },
        ),
      ),
      response: maybe(validResponse),
    },
    { requiredKeys: ["url", "method", "requestHeaders", "startTime", "preflightState"] },
  );
  const nearlyWellFormed = fc.record({
    id: fc.string(),
    browser: often(fc.constantFrom("chromium", "firefox"), fc.anything()),
    initiator: often(fc.constantFrom("http://127.0.0.1:3000", "null", null), fc.anything()),
    type: often(fc.constantFrom("xmlhttprequest", "image"), fc.anything()),
    method: often(fc.constantFrom("GET", "PUT", "patch"), fc.anything()),
    url,
    hops: often(fc.array(validHop, { minLength: 1, maxLength: 3 }), fc.anything()),
    outcome: often(fc.oneof(fc.record({ state: fc.constant("completed"), endTime: fc.integer() }), fc.record({ state: fc.constant("failed"), error: fc.constantFrom("net::ERR_FAILED", "NS_ERROR_DOM_BAD_URI"), endTime: fc.integer() }), fc.record({ state: fc.constant("pending"), interrupted: fc.boolean() }, { requiredKeys: ["state"] })), outcome),
    trafficClass: often(fc.constantFrom("cross-origin", "same-origin", "navigation", "extension", "non-http"), fc.string()),
    hints: fc.oneof(fc.constant(undefined), fc.record({ credentials: fc.constantFrom("include", "omit") }, { requiredKeys: [] })),
    requestIds: fc.array(fc.string(), { maxLength: 2 }),
  });
  fc.assert(
    fc.property(nearlyWellFormed, (ex) => {
      if (normalizeExchange(ex) !== (ex as unknown)) return;
      taken++;
      expect(diagnose(ex as unknown as Exchange)).toEqual(diagnose(repairExchange(ex)));
    }),
    { numRuns: 3000 },
  );
  // the arbitraries reach the fast path often enough for this to mean something
  expect(taken).toBeGreaterThan(150);
});

test("the in-flight shortcut gives what the full path gives, for arbitrary exchanges and for every step of the recorded streams", () => {
  let taken = 0;
  const pendingOften = fc.record({ state: fc.constant("pending"), interrupted: fc.oneof(fc.boolean(), fc.anything()), more: fc.anything() }, { requiredKeys: ["state"] });
  const exchanges = fc.oneof(partialExchange, partialExchange.chain((ex) => pendingOften.map((outcome) => ({ ...ex, outcome, captureGap: "start" }))));
  fc.assert(
    fc.property(exchanges, (ex) => {
      const quick = inFlightDiagnosis(ex);
      if (quick === null) return;
      taken++;
      expect(quick).toEqual(diagnoseFully(ex as unknown as Exchange));
    }),
    { numRuns: 4000 },
  );
  expect(taken).toBeGreaterThan(300);
  let steps = 0;
  for (const browser of ["chromium", "firefox"] as const) {
    const dir = join(FIXTURES, "..", browser);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const asm = createAssembler({ browser, now: () => 0 });
      for (const e of JSON.parse(readFileSync(join(dir, file), "utf8")) as CaptureEvent[]) {
        for (const ex of asm.push(e)) {
          const quick = inFlightDiagnosis(ex);
          expect(quick === null).toBe(ex.outcome.state !== "pending");
          if (quick) expect(quick).toEqual(diagnoseFully(ex));
          steps++;
        }
      }
    }
  }
  expect(steps).toBeGreaterThan(300);
});

test("every exchange the assembler builds from the recorded fixtures is well formed (used without a copy)", () => {
  for (const browser of ["chromium", "firefox"] as const) {
    const dir = join(FIXTURES, "..", browser);
    for (const file of readdirSync(dir)) {
      const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as CaptureEvent[];
      const asm = createAssembler({ browser, now: () => 0 });
      for (const e of events) for (const ex of asm.push(e)) expect([file, normalizeExchange(ex) === ex]).toEqual([file, true]);
    }
  }
});

test("anything at all never throws", () => {
  fc.assert(fc.property(fc.anything(), (x) => sane(x, false)), { numRuns: 1000 });
  for (const x of [null, undefined, 0, "", [], {}, { hops: [null] }, { hops: [{}], outcome: { state: "failed" } }]) sane(x, false);
});

test("absurd values: 100 KB headers and non-ASCII bytes", () => {
  const big = "x".repeat(100_000);
  const ex = exchange({
    headers: { "X-Big": big, Accept: "\u00e9\u0000\u{1F600}" },
    preflight: { status: 204, headers: { ...ACAO(), "Access-Control-Allow-Headers": big, "Access-Control-Allow-Methods": "\u00ff" } },
    response: null,
    outcome: "net::ERR_FAILED",
  });
  const d = diagnose(ex);
  expect(d.verdict).toBe("blocked");
  expect(d.failure?.id).toBe("acam-unparseable");
  const ex2 = exchange({ headers: { "X-Big": big }, preflight: { status: 204, headers: { ...ACAO(), "Access-Control-Allow-Headers": big } }, response: null, outcome: "net::ERR_FAILED" });
  expect(diagnose(ex2).failure?.missing).toEqual(["x-big"]);
  const ex3 = exchange({ response: { status: 200, headers: { "Access-Control-Allow-Origin": `\u0000${big}`, "X-\u00e9": big } }, outcome: "net::ERR_FAILED" });
  expect(diagnose(ex3).failure?.id).toBe("acao-invalid");
  const e2 = exchange({ response: { status: 200, headers: { "Access-Control-Allow-Origin": "\u00e9\u0001" } }, outcome: "net::ERR_FAILED" });
  // Chromium escapes non-printable and non-ASCII characters in quoted values.
  expect(diagnose(e2).failure?.browserMessage).toContain("'\\u00E9\\u0001'");
});

test("matchBrowserMessage and needsPreflight accept any text", () => {
  fc.assert(
    fc.property(fc.string(), fc.constantFrom("chromium", "firefox") as fc.Arbitrary<"chromium" | "firefox">, (text, browser) => {
      const m = matchBrowserMessage(text, browser);
      expect(m === null || typeof m.id === "string").toBe(true);
      expect(typeof needsPreflight(text, [{ name: text, value: text }], browser).needed).toBe("boolean");
    }),
    { numRuns: 2000 },
  );
});
