/**
 * The compact stored form of a log entry (src/platform/entry-codec.ts): every entry comes back
 * exactly as it went in, URLs equal to their parent's and header key names are left out of
 * the text, and the earlier forms still load.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { diagnose } from "../../../src/cors/diagnose";
import type { DiagnosedExchange, Exchange } from "../../../src/cors/model";
import { decodeEntry, encodeParts, type PartMemo, SCAN_MAX } from "../../../src/platform/entry-codec";
import { interleave, prng } from "./helpers";

const API = "https://api.example/v1/items?id=7";
const h = (name: string, value: string) => ({ name, value });

/** a preflighted PUT redirected once (307) to another URL, whose second preflight failed */
const redirected: DiagnosedExchange = {
  exchange: {
    id: "r41",
    browser: "chromium",
    tabId: 3,
    frameId: 0,
    initiator: "https://app.example",
    type: "xmlhttprequest",
    method: "PUT",
    url: API,
    startTime: 100,
    hops: [
      {
        url: API,
        method: "PUT",
        requestHeaders: [h("Origin", "https://app.example"), h("Content-Type", "application/json")],
        startTime: 100,
        preflightState: "sent",
        preflight: {
          requestId: "42",
          url: API,
          requestHeaders: [h("Access-Control-Request-Method", "PUT")],
          startTime: 101,
          endTime: 110,
          response: { status: 204, statusText: "No Content", headers: [h("Access-Control-Allow-Origin", "https://app.example")], time: 109, fromCache: false, ip: "10.0.0.1" },
        },
        response: { status: 307, statusText: "Temporary Redirect", headers: [h("Location", "https://b.example/x"), h("Set-Cookie", "a=1"), h("Set-Cookie", "b=2")], time: 120 },
        redirectUrl: "https://b.example/x",
      },
      {
        url: "https://b.example/x",
        method: "PUT",
        requestHeaders: null,
        startTime: 121,
        preflightState: "sent",
        preflight: { requestId: "43", url: "https://b.example/x", requestHeaders: null, startTime: 122, endTime: 130, error: "net::ERR_FAILED" },
      },
    ],
    outcome: { state: "failed", error: "net::ERR_FAILED", endTime: 131 },
    trafficClass: "cross-origin",
    requestIds: ["41", "42", "43"],
    captureGap: "after-start",
  },
  diagnosis: {
    verdict: "blocked",
    explanation: "The redirect target's preflight failed.",
    warnings: [],
    cachedPreflight: false,
    credentials: "unknown",
    credentialsInferred: true,
    browser: "chromium",
  },
};

const { exchange, diagnosis } = redirected;

function encode(seq: number, ex: Exchange): Map<string, string> {
  const parts = encodeParts(seq, ex);
  if (!parts) throw new Error("not encoded");
  return parts;
}
/** every part's text, as storage gets them */
const allText = (parts: Map<string, string>) => [...parts.values()].join("\n");
const roundTrip = (seq: number, ex: Exchange) => {
  const parts = encode(seq, ex);
  return decodeEntry(parts.get(""), parts);
};

/** Version 2 as the previous release wrote it: one key, the diagnosis under d, hops packed
 * (URLs equal to the implied one left out, flat header lists, no references). */
function v2Text(seq: number, d: DiagnosedExchange): string {
  const flat = (hs: { name: string; value: string }[] | null) => hs?.flatMap((x) => [x.name, x.value]) ?? null;
  const res = (r?: { headers: { name: string; value: string }[] }) => r && { ...r, headers: flat(r.headers) };
  const hops = d.exchange.hops.map((hop, i) => {
    const implied = i === 0 ? d.exchange.url : (d.exchange.hops[i - 1]?.redirectUrl ?? d.exchange.url);
    const out: Record<string, unknown> = { ...hop, requestHeaders: flat(hop.requestHeaders), response: res(hop.response) };
    if (hop.url === implied) delete out.url;
    if (!hop.response) delete out.response;
    if (hop.preflight) {
      const pf: Record<string, unknown> = { ...hop.preflight, requestHeaders: flat(hop.preflight.requestHeaders), response: res(hop.preflight.response) };
      if (hop.preflight.url === hop.url) delete pf.url;
      if (!hop.preflight.response) delete pf.response;
      out.preflight = pf;
    }
    return out;
  });
  return `{"v":2,"s":${seq},"d":${JSON.stringify({ exchange: { ...d.exchange, hops }, diagnosis: d.diagnosis })}}`;
}

test("an exchange comes back exactly as encoded (redirect, two preflights, repeated header lines)", () => {
  expect(roundTrip(9, exchange)).toEqual({ s: 9, exchange });
});

test("one part per piece: the core, the fixed fields, each hop's request and response, its preflight's request, end and response", () => {
  expect([...encode(9, exchange).keys()]).toEqual(["", "u", "h0", "r0", "p0", "z0", "q0", "h1", "p1", "z1"]);
  const changedParts = (before: Exchange, after: Exchange) => {
    const was = encode(9, before);
    return [...encode(9, after)].filter(([k, v]) => was.get(k) !== v).map(([k]) => k);
  };
  // a change of the outcome changes the core only, and the core holds no URL
  const later = structuredClone(exchange);
  later.outcome = { state: "completed", endTime: 200 };
  expect(changedParts(exchange, later)).toEqual([""]);
  expect(encode(9, later).get("")).not.toContain(API);
  // a preflight that ends changes its end only: its request (URL, header lines) stays written
  const inFlight = structuredClone(exchange);
  const pf = inFlight.hops[0]?.preflight as NonNullable<Exchange["hops"][number]["preflight"]>;
  delete pf.endTime;
  delete pf.response;
  expect(changedParts(inFlight, exchange)).toEqual(["z0", "q0"]);
  // a preflight seen by its OPTIONS adds its request id to the core; the fixed fields stay
  const earlier = structuredClone(exchange);
  earlier.requestIds = ["41"];
  expect(changedParts(earlier, exchange)).toEqual([""]);
});

test("version 4 entries (every field in the core, the preflight's end in its request part) still load", () => {
  const parts = encode(9, exchange);
  const fixed = JSON.parse(parts.get("u") ?? "") as Record<string, unknown>;
  const core = JSON.parse(parts.get("") ?? "") as { s: number; x: Record<string, unknown> };
  const v4 = new Map<string, string>();
  for (const [k, v] of parts) {
    if (k === "" || k === "u" || k.startsWith("z")) continue;
    const end = parts.get(`z${k.slice(1)}`);
    v4.set(k, k.startsWith("p") && end ? JSON.stringify({ ...JSON.parse(v), ...JSON.parse(end) }) : v);
  }
  const v4Core = JSON.stringify({ v: 4, s: core.s, x: { ...fixed, ...core.x } });
  expect(decodeEntry(v4Core, v4)).toEqual({ s: 9, exchange });
});

test("a diagnosis given (the exchange has ended) goes into the core and comes back", () => {
  const parts = encodeParts(9, exchange, diagnosis);
  expect(parts?.get("")).toContain('"explanation"');
  expect([...(parts?.entries() ?? [])].filter(([k, v]) => k !== "" && v.includes("explanation"))).toEqual([]);
  expect(decodeEntry(parts?.get(""), parts ?? new Map())).toEqual({ s: 9, exchange, diagnosis });
});

test("without a diagnosis, the text leaves out the diagnosis, URLs equal to their parent's and header key names", () => {
  const text = allText(encode(9, exchange));
  expect(text).not.toContain("explanation");
  expect(text).not.toContain("verdict");
  expect(text.split(API).length - 1).toBe(1); // the exchange's own URL only
  // hop 0's redirectUrl and its Location header; hop 1's URL is implied by that redirectUrl
  expect(text.split("https://b.example/x").length - 1).toBe(2);
  expect(text).not.toContain('"name"');
  expect(text).toContain('["Location","https://b.example/x","Set-Cookie","a=1","Set-Cookie","b=2"]');
  expect(text.length).toBeLessThan(JSON.stringify({ s: 9, d: { exchange } }).length * 0.9);
});

test("a hop or preflight at another URL than the one it implies keeps its URL", () => {
  const odd = structuredClone(exchange);
  const [first, second] = odd.hops;
  if (first?.preflight) first.preflight.url = "https://api.example/other";
  if (second) second.url = "https://c.example/"; // not hop 0's redirect target
  expect(roundTrip(1, odd)).toEqual({ s: 1, exchange: odd });
  // a hop without redirectUrl before it: the next one's URL is kept as well
  delete (first as { redirectUrl?: string }).redirectUrl;
  expect(roundTrip(1, odd)).toEqual({ s: 1, exchange: odd });
});

test("the earlier forms load with the diagnosis they stored: v2 text, { s, d } as text and as an object", () => {
  const v2 = v2Text(5, redirected);
  expect(v2).not.toContain(API.repeat(2));
  expect(decodeEntry(v2)).toEqual({ s: 5, exchange, diagnosis });
  expect(decodeEntry(JSON.stringify({ s: 3, d: redirected }))).toEqual({ s: 3, exchange, diagnosis });
  expect(decodeEntry({ s: 4, d: redirected })).toEqual({ s: 4, exchange, diagnosis });
});

test("garbage is null; a hop whose request part is missing ends the hops", () => {
  expect(decodeEntry("{not json")).toBeNull();
  expect(decodeEntry(42)).toBeNull();
  expect(decodeEntry('{"v":2,"s":1,"d":{"exchange":{"url":"x","hops":[null]}}}')).toBeNull();
  expect(decodeEntry('{"v":4,"x":{"url":"x","hops":0}}')).toBeNull(); // no sequence number
  expect(decodeEntry('{"v":4,"s":1,"x":{"url":"x","hops":"two"}}')).toBeNull();
  expect(decodeEntry('{"v":4,"s":1,"x":{"url":"x","hops":1}}', new Map([["h0", "{not json"]]))).toBeNull();
  expect(decodeEntry('{"s":1,"d":{}}')).toBeNull();
  const parts = encode(9, exchange);
  parts.delete("h1");
  expect(decodeEntry(parts.get(""), parts)?.exchange.hops).toEqual(exchange.hops.slice(0, 1));
});

test("an exchange that cannot be serialised (a cycle) gives no parts", () => {
  const cyclic = structuredClone(exchange) as typeof exchange & { self?: unknown };
  cyclic.self = cyclic;
  expect(encodeParts(1, cyclic)).toBeNull();
});

test("a preflighted hop's header lines equal to its preflight's are written as their index there", () => {
  const ex = structuredClone(exchange);
  const hop = ex.hops[0] as (typeof ex.hops)[number];
  const pf = hop.preflight as NonNullable<typeof hop.preflight>;
  const ua = h("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156.0.0.0");
  // (a line twice in the reference: the first is referred to)
  pf.requestHeaders = [h("Access-Control-Request-Method", "PUT"), h("Origin", "https://app.example"), ua, h("Origin", "https://app.example")];
  hop.requestHeaders = [ua, h("Origin", "https://app.example"), h("Content-Type", "application/json"), h("origin", "https://app.example")];
  (pf.response as NonNullable<typeof pf.response>).headers.push(h("Date", "Wed, 25 Nov 2026 17:51:40 GMT"));
  (hop.response as NonNullable<typeof hop.response>).headers.push(h("Date", "Wed, 25 Nov 2026 17:51:40 GMT"));
  const parts = encode(2, ex);
  const text = allText(parts);
  expect(text.split("HeadlessChrome").length - 1).toBe(1);
  expect(text.split("17:51:40").length - 1).toBe(1);
  // only an exact line is referred to: another case of the name is a line of its own
  expect(parts.get("h0")).toContain('"requestHeaders":[2,1,"Content-Type","application/json","origin","https://app.example"]');
  expect(decodeEntry(parts.get(""), parts)).toEqual({ s: 2, exchange: ex });
});

test("thousands of header lines on both sides (servers choose them) refer to the first equal line, as short lists do", () => {
  const ex = structuredClone(exchange);
  const hop = ex.hops[0] as (typeof ex.hops)[number];
  const pf = hop.preflight as NonNullable<typeof hop.preflight>;
  const many = Array.from({ length: 5000 }, (_, i) => h(`X-H${i % 2500}`, "v")); // each line twice
  (pf.response as NonNullable<typeof pf.response>).headers = many;
  (hop.response as NonNullable<typeof hop.response>).headers = [h("X-H2499", "v"), h("X-New", "n"), ...many.slice(0, 3000)];
  expect(5000 * 3002).toBeGreaterThan(SCAN_MAX); // the map's path
  const parts = encode(2, ex);
  const response = JSON.parse(parts.get("r0") ?? "null") as { headers: (string | number)[] };
  expect(response.headers.slice(0, 5)).toEqual([2499, "X-New", "n", 0, 1]);
  expect(response.headers.slice(-1)).toEqual([499]); // line 2999 is X-H499, first at 499
  expect(decodeEntry(parts.get(""), parts)).toEqual({ s: 2, exchange: ex });
});

test("a reference to a line that is not there is left out", () => {
  const parts = encode(2, exchange);
  parts.set("h0", (parts.get("h0") ?? "").replace('"requestHeaders":["Origin"', '"requestHeaders":[7,"Origin"'));
  expect(parts.get("h0")).toContain("[7,");
  expect(decodeEntry(parts.get(""), parts)?.exchange.hops[0]?.requestHeaders).toEqual(exchange.hops[0]?.requestHeaders);
});

// ---- the memo: parts whose source did not change keep their text ------------------------------

/** every recorded stream, in its order and in shuffled interleavings of its requests */
function recordedStreams(): { name: string; browser: "chromium" | "firefox"; events: CaptureEvent[] }[] {
  const out: { name: string; browser: "chromium" | "firefox"; events: CaptureEvent[] }[] = [];
  for (const browser of ["chromium", "firefox"] as const) {
    const dir = resolve(__dirname, `../../fixtures/events/${browser}`);
    for (const file of readdirSync(dir).filter((f) => f.endsWith(".json"))) {
      const events = JSON.parse(readFileSync(join(dir, file), "utf8")) as CaptureEvent[];
      out.push({ name: `${browser}/${file}`, browser, events });
      for (const seed of [1, 2, 3]) out.push({ name: `${browser}/${file} #${seed}`, browser, events: interleave(events, prng(seed)) });
    }
  }
  return out;
}

test("with a memo, every step of every recorded stream encodes to the same texts as a whole encoding (the assembler edits exchanges in place)", () => {
  let reused = 0;
  let steps = 0;
  for (const { name, browser, events } of recordedStreams()) {
    const asm = createAssembler({ browser, now: () => 0 });
    const memos = new Map<string, PartMemo>();
    const check = (ex: Exchange) => {
      const memo = memos.get(ex.id) ?? new Map();
      memos.set(ex.id, memo);
      const before = new Map([...memo].map(([k, v]) => [k, v.text]));
      const ended = ex.outcome.state !== "pending";
      const diagnosis = ended ? diagnose(ex) : undefined;
      const incremental = encodeParts(4, ex, diagnosis, memo);
      const whole = encodeParts(4, structuredClone(ex), diagnosis);
      expect({ name, parts: incremental && [...incremental] }).toEqual({ name, parts: whole && [...whole] });
      expect([...memo.keys()].sort()).toEqual([...(whole?.keys() ?? [])].sort());
      for (const [suffix, text] of incremental ?? []) if (suffix !== "" && before.get(suffix) === text) reused++;
      steps++;
    };
    for (const e of events) for (const ex of asm.push(e)) check(ex);
    for (const ex of asm.flushInterrupted()) check(ex);
  }
  expect(steps).toBeGreaterThan(500);
  expect(reused).toBeGreaterThan(steps); // most parts of most steps are kept, not encoded again
});

test("a memo made from stored texts (no sources known) encodes every part again", () => {
  const whole = encode(9, exchange);
  const memo: PartMemo = new Map([...whole].map(([k, text]) => [k, { deps: null, text: `${text} ` }]));
  expect([...(encodeParts(9, exchange, undefined, memo) ?? [])]).toEqual([...whole]);
});

test("a part whose source changed in place is encoded again; the memo forgets parts that are gone", () => {
  const ex = structuredClone(exchange);
  const memo: PartMemo = new Map();
  encodeParts(9, ex, undefined, memo);
  const hop = ex.hops[0] as Exchange["hops"][number];
  hop.preflightState = "cached";
  (hop.response as NonNullable<typeof hop.response>).status = 500;
  ex.hops.pop();
  const again = encodeParts(9, ex, undefined, memo);
  expect([...(again ?? [])]).toEqual([...encode(9, structuredClone(ex))]);
  expect([...memo.keys()]).toEqual([...(again?.keys() ?? [])]);
});
