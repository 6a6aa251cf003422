/**
 * Hardening, strangers' event streams in the capture assembler: hundreds of generated streams
 * of webRequest-like events (well-typed but in any order, with colliding request ids, OPTIONS
 * with and without Access-Control-Request-Method, hostile header values, absurd times; and
 * objects that are not events at all). The assembler never throws, never loses track of what
 * it holds, survives a snapshot → JSON → restore at any point, ends everything it holds when
 * asked, stays fast on floods, and the engine judges whatever comes out.
 */
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import fc from "fast-check";
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent, CaptureEventKind } from "../../../src/capture/events";
import { diagnose } from "../../../src/cors/diagnose";
import type { Exchange } from "../../../src/cors/model";
import { strangeString, strangeValue } from "./strangers";

const RUNS = 250;
const KINDS: CaptureEventKind[] = ["beforeRequest", "sendHeaders", "headersReceived", "beforeRedirect", "responseStarted", "completed", "errorOccurred"];
const VERDICTS = new Set(["allowed", "blocked", "not-cors", "network-error", "pending"]);

const header = fc.record({
  name: fc.oneof(fc.constantFrom("Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers", "Access-Control-Allow-Origin", "Location", "Sec-Fetch-Mode", "Content-Type"), strangeString),
  value: fc.oneof(fc.constantFrom("http://page.test", "PUT", "GET", "x-a, x-b", "*", "cors", "no-cors", "null"), strangeString),
});

/** Well-typed events over a small space of ids, URLs and tabs, so that they collide. */
const event: fc.Arbitrary<CaptureEvent> = fc
  .record({
    kind: fc.constantFrom(...KINDS),
    browser: fc.constantFrom("chromium" as const, "firefox" as const),
    requestId: fc.oneof(fc.integer({ min: 1, max: 12 }).map(String), strangeString),
    tabId: fc.constantFrom(-1, 1, 2),
    frameId: fc.constantFrom(0, 1),
    url: fc.oneof(fc.constantFrom("http://api.test/a", "http://api.test/b", "https://other.test/c", "http://page.test/p", "data:text/plain,x", "javascript:void 0"), strangeString),
    method: fc.oneof(fc.constantFrom("GET", "PUT", "OPTIONS", "POST", "options"), strangeString),
    type: fc.constantFrom("xmlhttprequest", "main_frame", "image", "font", "other"),
    timeStamp: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double()),
    initiator: fc.option(fc.constantFrom("http://page.test", "null", "chrome-extension://abc"), { nil: undefined }),
    requestHeaders: fc.option(fc.array(header, { maxLength: 5 }), { nil: undefined }),
    responseHeaders: fc.option(fc.array(header, { maxLength: 5 }), { nil: undefined }),
    statusCode: fc.option(fc.constantFrom(200, 204, 302, 404, 0, -1, 999), { nil: undefined }),
    redirectUrl: fc.option(fc.oneof(fc.constantFrom("http://api.test/b", "https://other.test/c", "javascript:x"), strangeString), { nil: undefined }),
    error: fc.option(fc.oneof(fc.constantFrom("net::ERR_FAILED", "net::ERR_CONNECTION_REFUSED"), strangeString), { nil: undefined }),
  })
  .map((e) => {
    // CaptureEvent's optional fields are absent, not undefined (as the platform builds them)
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(e)) if (v !== undefined) out[k] = v;
    return out as unknown as CaptureEvent;
  });

/** What arrives is not always an event: the push must shrug it off. */
const anything = fc.oneof({ weight: 6, arbitrary: event }, { weight: 1, arbitrary: strangeValue.map((v) => v as CaptureEvent) });

/** Snapshot-shaped: the right keys, anything inside. */
const exchangeShaped = fc.record(
  { id: fc.oneof(fc.constantFrom("r1", "r2"), strangeValue), hops: fc.oneof(fc.array(strangeValue, { maxLength: 3 }), strangeValue), requestIds: strangeValue, outcome: strangeValue, tabId: strangeValue, url: strangeValue },
  { requiredKeys: [] },
);
const snapshotShaped = fc.record({
  version: fc.oneof(fc.constant(1), strangeValue),
  inflight: fc.oneof(fc.array(fc.record({ exchange: fc.oneof(exchangeShaped, strangeValue), lastSeen: strangeValue }), { maxLength: 3 }), strangeValue),
  options: fc.oneof(fc.array(fc.record({ requestId: strangeValue, events: fc.oneof(fc.array(strangeValue, { maxLength: 2 }), strangeValue), reserved: strangeValue, firstSeen: strangeValue }), { maxLength: 3 }), strangeValue),
  orphans: fc.oneof(fc.array(fc.record({ preflight: fc.oneof(fc.record({ requestId: strangeValue, url: strangeValue }), strangeValue), tabId: strangeValue, acrm: strangeValue, acrh: strangeValue }), { maxLength: 3 }), strangeValue),
  finished: fc.oneof(fc.array(fc.oneof(exchangeShaped, strangeValue), { maxLength: 3 }), strangeValue),
});

function check(exchanges: Exchange[]): void {
  for (const ex of exchanges) {
    expect(typeof ex.id).toBe("string");
    expect(Array.isArray(ex.hops)).toBe(true);
    expect(VERDICTS.has(diagnose(ex).verdict)).toBe(true);
  }
}

test(`${RUNS} streams: never throws, every exchange judged, everything ended on request`, () => {
  fc.assert(
    fc.property(fc.array(anything, { maxLength: 120 }), (stream) => {
      const asm = createAssembler({ browser: "chromium", now: () => 1000 });
      const ids = new Set<string>();
      for (const e of stream) {
        const out = asm.push(e);
        expect(Array.isArray(out)).toBe(true);
        check(out);
        if (typeof (e as { requestId?: unknown })?.requestId === "string") ids.add((e as { requestId: string }).requestId);
      }
      // it holds no more requests than it was told about
      expect(asm.inflightCount()).toBeLessThanOrEqual(ids.size);
      check(asm.flushInterrupted());
      expect(asm.inflightCount()).toBe(0);
      const rest = asm.snapshot();
      expect(rest.inflight).toEqual([]);
      expect(rest.options).toEqual([]);
      expect(rest.orphans).toEqual([]);
    }),
    { numRuns: RUNS },
  );
});

test(`${RUNS} streams cut at any point by a restart (snapshot → JSON → restore): never throws`, () => {
  fc.assert(
    fc.property(fc.array(anything, { maxLength: 80 }), fc.nat(), (stream, at) => {
      const cut = stream.length === 0 ? 0 : at % stream.length;
      const first = createAssembler({ browser: "chromium", now: () => 1000 });
      for (const e of stream.slice(0, cut)) first.push(e);
      const second = createAssembler({ browser: "chromium", now: () => 1000 });
      second.restore(JSON.parse(JSON.stringify(first.snapshot())));
      for (const e of stream.slice(cut)) check(second.push(e));
      check(second.flushInterrupted());
      expect(second.inflightCount()).toBe(0);
    }),
    { numRuns: RUNS },
  );
});

test(`${RUNS} restores from stranger snapshots (what storage may hold after an update or a bug): never throws`, () => {
  fc.assert(
    fc.property(fc.oneof(strangeValue, snapshotShaped), fc.array(event, { maxLength: 20 }), (snapshot, stream) => {
      const asm = createAssembler({ browser: "chromium", now: () => 1000 });
      asm.restore(snapshot as never);
      // and the assembler stays usable
      for (const e of stream) check(asm.push(e));
      check(asm.flushInterrupted());
    }),
    { numRuns: RUNS },
  );
});

describe("floods stay fast and bounded", () => {
  const base = { browser: "chromium" as const, tabId: 1, frameId: 0, type: "xmlhttprequest", initiator: "http://page.test", timeStamp: 1 };
  const origin = [{ name: "Origin", value: "http://page.test" }];

  test("2,000 identical preflighted PUTs in flight at once", () => {
    const asm = createAssembler({ browser: "chromium", now: () => 1 });
    const url = "http://api.test/same";
    for (let i = 0; i < 2000; i++) asm.push({ ...base, kind: "beforeRequest", requestId: `p${i}`, method: "PUT", url });
    for (let i = 0; i < 2000; i++) asm.push({ ...base, kind: "beforeRequest", requestId: `o${i}`, method: "OPTIONS", url });
    for (let i = 0; i < 2000; i++) asm.push({ ...base, kind: "sendHeaders", requestId: `o${i}`, method: "OPTIONS", url, requestHeaders: [...origin, { name: "Access-Control-Request-Method", value: "PUT" }] });
    for (let i = 0; i < 2000; i++) asm.push({ ...base, kind: "completed", requestId: `o${i}`, method: "OPTIONS", url, statusCode: 204 });
    let paired = 0;
    for (let i = 0; i < 2000; i++) {
      asm.push({ ...base, kind: "sendHeaders", requestId: `p${i}`, method: "PUT", url, requestHeaders: origin });
      const [ex] = asm.push({ ...base, kind: "completed", requestId: `p${i}`, method: "PUT", url, statusCode: 200 });
      if (ex?.hops[0]?.preflight) paired++;
    }
    expect(paired).toBe(2000);
    expect(asm.inflightCount()).toBe(0);
    // No wall-clock bound: Jest's test timeout is the hang guard; the pairing cost (once a
    // sort per OPTIONS, seconds for this flood) is measured by `npm run bench`.
  });

  test("100,000 complete requests: nothing kept in flight, memory flat", () => {
    const asm = createAssembler({ browser: "chromium", now: () => 1 });
    // a real collection before each reading, so that only what is retained counts
    setFlagsFromString("--expose_gc");
    const gc = runInNewContext("gc") as () => void;
    const heap = () => {
      gc();
      return process.memoryUsage().heapUsed;
    };
    const run = (from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const e = { ...base, requestId: String(i), method: "GET", url: `http://api.test/r${i}` };
        asm.push({ ...e, kind: "beforeRequest" });
        asm.push({ ...e, kind: "sendHeaders", requestHeaders: origin });
        asm.push({ ...e, kind: "completed", statusCode: 200, responseHeaders: [{ name: "Access-Control-Allow-Origin", value: "*" }] });
      }
    };
    run(0, 20000);
    const before = heap();
    run(20000, 100000);
    expect(asm.inflightCount()).toBe(0);
    // 80,000 more requests retain (almost) nothing more: the assembler forgets finished ones
    expect(heap() - before).toBeLessThan(8 * 1024 * 1024);
  });
});
