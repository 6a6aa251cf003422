/**
 * Hardening, faults, in the pure assembler: what a worker kill does to the event stream.
 * When the browser stops the service worker, the events it had queued are lost and a new
 * worker resumes from the stored state. Modelled here on every recorded Chromium scenario: the
 * stream is cut at every point, a window of 0–4 events right after the cut is lost, and a new
 * assembler restores the old one's snapshot (through JSON, as storage does) plus the exchanges
 * already finished. Whatever is lost, no request may be logged twice, no preflight may be
 * attached to a request it did not guard, and no request may end with another outcome than
 * the browser's (it may stay pending).
 */
import { type AssemblerSnapshot, createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { headerValue } from "../../../src/capture/headers";
import { diagnose } from "../../../src/cors/diagnose";
import type { Exchange } from "../../../src/cors/model";
import { fixtureNames, loadFixture, replay } from "../capture/helpers";

const outcomeOf = (ex: Exchange) => (ex.outcome.state === "failed" ? ex.outcome.error : ex.outcome.state);

/** Replays `events` with a kill after `cut` events that loses `lost` of them. */
function replayWithKill(events: CaptureEvent[], cut: number, lost: number): Exchange[] {
  const out = new Map<string, Exchange>();
  const first = createAssembler({ browser: "chromium", now: () => 0 });
  for (const e of events.slice(0, cut)) for (const ex of first.push(e)) out.set(ex.id, structuredClone(ex));
  const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as AssemblerSnapshot;
  // as the worker does on restore: what was in flight may have lost events
  for (const f of snapshot.inflight) f.exchange.captureGap ??= "after-start";
  snapshot.finished = [...out.values()].filter((ex) => ex.outcome.state !== "pending").map((ex) => structuredClone(ex));
  const second = createAssembler({ browser: "chromium", now: () => 0 });
  second.restore(snapshot);
  for (const e of events.slice(cut + lost)) for (const ex of second.push(e)) out.set(ex.id, structuredClone(ex));
  return [...out.values()];
}

describe("a kill that loses 0–4 events at any point of every recorded scenario", () => {
  test.each(fixtureNames())("%s", (name) => {
    const events = loadFixture(name);
    const expected = replay(events);
    // the page's requests: exchanges that are not OPTIONS (no scenario makes an OPTIONS itself)
    const pageRequests = new Map(expected.map((ex) => [ex.id, ex]));
    const verdicts = new Map(expected.map((ex) => [ex.id, `${diagnose(ex).verdict} ${diagnose(ex).failure?.id ?? ""}`]));
    const sameRequest = (a: Exchange, b: Exchange) =>
      a.method === b.method && a.url === b.url && JSON.stringify(a.hops[0]?.requestHeaders) === JSON.stringify(b.hops[0]?.requestHeaders);
    const twins = new Map(expected.map((ex) => [ex.id, expected.filter((other) => sameRequest(ex, other))]));
    const twinsOf = (ex: Exchange) => twins.get(ex.id) ?? [];
    let cases = 0;
    for (let cut = 0; cut <= events.length; cut++) {
      for (let lost = 0; lost <= 4 && cut + lost <= events.length; lost++) {
        cases++;
        const label = `${name}: cut ${cut}, ${lost} lost`;
        const result = replayWithKill(events, cut, lost);
        // nothing twice: one exchange per request id, no preflight logged as its own exchange
        const ids = result.flatMap((ex) => ex.requestIds);
        expect({ label, duplicates: ids.filter((id, i) => ids.indexOf(id) !== i) }).toEqual({ label, duplicates: [] });
        expect({ label, options: result.filter((ex) => ex.method === "OPTIONS").map((ex) => ex.id) }).toEqual({ label, options: [] });
        for (const ex of result) {
          const truth = pageRequests.get(ex.id);
          // an exchange the page made, under its own id
          expect({ label, id: ex.id, known: truth !== undefined }).toEqual({ label, id: ex.id, known: true });
          if (!truth) continue;
          // the right pairing: a preflight only where the browser sent one, for that URL and method
          ex.hops.forEach((hop, i) => {
            if (hop.preflight) {
              // identical requests (same URL, method and headers) are interchangeable: their
              // preflights may swap, as in the browser nothing tells them apart
              const guards = new Set(twinsOf(truth).map((t) => t.hops[i]?.preflight?.requestId));
              expect({ label, hop: i, guarded: guards.has(hop.preflight.requestId) }).toEqual({ label, hop: i, guarded: true });
              expect(hop.preflight.url).toBe(hop.url);
              const acrm = headerValue(hop.preflight.requestHeaders, "access-control-request-method");
              if (acrm !== null) expect(acrm).toBe(hop.method);
            }
          });
          // the browser's outcome, or still pending (events lost), never another one
          if (ex.outcome.state !== "pending") expect({ label, outcome: outcomeOf(ex) }).toEqual({ label, outcome: outcomeOf(truth) });
          // and the engine's verdict: the uninterrupted one, or pending — never a wrong one
          const d = diagnose(ex);
          const got = `${d.verdict} ${d.failure?.id ?? ""}`;
          if (d.verdict !== "pending") expect({ label, id: ex.id, got }).toEqual({ label, id: ex.id, got: verdicts.get(ex.id) });
        }
        // without loss, the result is exactly the uninterrupted one
        if (lost === 0) {
          expect({ label, outcomes: result.map(outcomeOf).sort() }).toEqual({ label, outcomes: expected.map(outcomeOf).sort() });
        }
      }
    }
    expect(cases).toBeGreaterThan(events.length);
  });
});

describe("an OPTIONS whose headers were lost", () => {
  const base = { browser: "chromium" as const, tabId: 3, frameId: 0, type: "xmlhttprequest", initiator: "http://page.test" };
  const url = "http://api.test/items";
  const ev = (requestId: string, kind: CaptureEvent["kind"], method: string, t: number, extra: Partial<CaptureEvent> = {}): CaptureEvent => ({
    ...base,
    requestId,
    kind,
    method,
    url,
    timeStamp: t,
    ...extra,
  });
  const origin = { requestHeaders: [{ name: "Origin", value: "http://page.test" }] };

  test("waits for the request it guarded when that request's first events were lost too", () => {
    const asm = createAssembler({ browser: "chromium", now: () => 0 });
    // lost: PUT beforeRequest, OPTIONS beforeRequest and sendHeaders
    expect(asm.push(ev("9", "headersReceived", "OPTIONS", 3, { statusCode: 204 }))).toEqual([]);
    expect(asm.push(ev("9", "completed", "OPTIONS", 4, { statusCode: 204 }))).toEqual([]);
    asm.push(ev("8", "sendHeaders", "PUT", 5, origin));
    const [ex] = asm.push(ev("8", "completed", "PUT", 6, { statusCode: 200 }));
    expect(ex?.method).toBe("PUT");
    expect(ex?.hops[0]?.preflightState).toBe("sent");
    expect(ex?.hops[0]?.preflight?.response?.status).toBe(204);
    expect(ex?.requestIds.sort()).toEqual(["8", "9"]);
    expect(asm.flushInterrupted()).toEqual([]);
  });

  test("is a request of its own when its headers arrive and name no method", () => {
    const asm = createAssembler({ browser: "chromium", now: () => 0 });
    asm.push(ev("9", "completed", "OPTIONS", 4, { statusCode: 200 }));
    const [own] = asm.push(ev("9", "sendHeaders", "OPTIONS", 3, origin));
    expect(own?.method).toBe("OPTIONS");
    expect(own?.outcome.state).toBe("completed");
  });

  test("is a request of its own when nothing claims it before the staleness sweep", () => {
    let clock = 0;
    const asm = createAssembler({ browser: "chromium", now: () => clock });
    asm.push(ev("9", "completed", "OPTIONS", 4, { statusCode: 204 }));
    // a simple GET on the same URL needs no preflight: it does not claim it
    asm.push(ev("10", "sendHeaders", "GET", 5, origin));
    const [get] = asm.push(ev("10", "completed", "GET", 6, { statusCode: 200 }));
    expect(get?.hops[0]?.preflight).toBeUndefined();
    clock = 10 * 60 * 1000;
    const flushed = asm.flushInterrupted(60 * 1000);
    expect(flushed.map((e) => [e.method, e.outcome.state])).toEqual([["OPTIONS", "completed"]]);
  });
});

describe("late events after a restart", () => {
  test("fill in a finished exchange handed back on restore instead of replacing it", () => {
    const events = loadFixture("preflight-pass");
    const [done] = replay(events);
    const asm = createAssembler({ browser: "chromium", now: () => 0 });
    asm.restore({ version: 1, inflight: [], options: [], orphans: [], finished: [structuredClone(done as Exchange)] });
    // the journal of an earlier worker may replay an event already applied
    const last = events[events.length - 1] as CaptureEvent;
    const [again] = asm.push(last);
    expect(again?.hops).toEqual(done?.hops);
    expect(again?.outcome).toEqual(done?.outcome);
    expect(asm.inflightCount()).toBe(0);
  });
});

describe("the engine on an exchange with a capture gap", () => {
  const [blocked] = replay(loadFixture("missing-acao"));
  const [allowed] = replay(loadFixture("simple-allowed"));
  /** what a kill can leave: `lost` parts of the exchange were never observed */
  const without = (ex: Exchange, lost: "response" | "requestHeaders", gap: boolean): Exchange => ({
    ...ex,
    hops: ex.hops.map((h) => (lost === "response" ? { ...h, response: undefined } : { ...h, requestHeaders: null })),
    ...(gap ? { captureGap: "after-start" as const } : {}),
  });

  test("start not seen: a certain block stands when the request went out with the page's Origin, else an earlier hop may have decided", () => {
    const ex = blocked as Exchange;
    expect(diagnose({ ...ex, captureGap: "start" }).verdict).toBe("blocked");
    // a cross-origin redirect before it (lost with the start) would have sent Origin: null
    const tainted = ex.hops.map((h) => ({ ...h, requestHeaders: (h.requestHeaders ?? []).map((x) => (x.name.toLowerCase() === "origin" ? { ...x, value: "null" } : x)) }));
    expect(diagnose({ ...ex, hops: tainted, captureGap: "start" }).verdict).toBe("pending");
    expect(diagnose({ ...ex, hops: ex.hops.map((h) => ({ ...h, requestHeaders: null })), captureGap: "start" }).verdict).toBe("pending");
  });

  test("complete evidence: the recorded verdicts stand, gap or not", () => {
    expect(diagnose(blocked as Exchange).verdict).toBe("blocked");
    expect(diagnose({ ...(blocked as Exchange), captureGap: "after-start" }).verdict).toBe("blocked");
    expect(diagnose({ ...(allowed as Exchange), captureGap: "after-start" }).verdict).toBe("allowed");
    expect(diagnose({ ...(allowed as Exchange), captureGap: "start" }).verdict).toBe("allowed");
  });

  test("net::ERR_FAILED with the response unobserved: a likely rule without a gap, undecided with one", () => {
    const guessed = diagnose(without(blocked as Exchange, "response", false));
    expect([guessed.verdict, guessed.failure?.confidence]).toEqual(["blocked", "likely"]);
    const d = diagnose(without(blocked as Exchange, "response", true));
    expect(d.verdict).toBe("pending");
    expect(d.failure).toBeUndefined();
    expect(d.explanation).toMatch(/^Capture was interrupted while the GET request .*\(it failed with net::ERR_FAILED\)\.$/);
  });

  test("completed with the request headers unobserved: cors or no-cors is unknown with a gap", () => {
    expect(diagnose(without(allowed as Exchange, "requestHeaders", false)).verdict).toBe("allowed");
    expect(diagnose(without(allowed as Exchange, "requestHeaders", true)).verdict).toBe("pending");
  });
});
