/**
 * The journal's compact form of capture events (src/platform/event-journal.ts): what the
 * decoder gives back is exactly what was encoded, fields a request repeats are written once,
 * and each base starts empty.
 */
import type { CaptureEvent } from "../../../src/capture/events";
import { createJournalDecoder, createJournalEncoder } from "../../../src/platform/event-journal";

const URL_A = "http://api.test/items/1?spec=long-enough-to-matter";
const common = { browser: "chromium", tabId: 7, frameId: 0, type: "xmlhttprequest", initiator: "http://page.test" } as const;
const ua = { name: "User-Agent", value: "Mozilla/5.0 (X11; Linux x86_64) HeadlessChrome/156" };
const acao = { name: "Access-Control-Allow-Origin", value: "http://page.test" };

/** a preflighted PUT (OPTIONS id 2, request id 1) that is redirected once, then a failing GET */
const events: CaptureEvent[] = [
  { ...common, kind: "beforeRequest", requestId: "1", url: URL_A, method: "PUT", timeStamp: 1000.5 },
  { ...common, kind: "beforeRequest", requestId: "2", url: URL_A, method: "OPTIONS", timeStamp: 1001 },
  { ...common, kind: "sendHeaders", requestId: "2", url: URL_A, method: "OPTIONS", timeStamp: 1002, requestHeaders: [ua, { name: "Access-Control-Request-Method", value: "PUT" }] },
  { ...common, kind: "headersReceived", requestId: "2", url: URL_A, method: "OPTIONS", timeStamp: 1010, statusCode: 204, statusLine: "HTTP/1.1 204 No Content", responseHeaders: [acao] },
  { ...common, kind: "completed", requestId: "2", url: URL_A, method: "OPTIONS", timeStamp: 1011, statusCode: 204, statusLine: "HTTP/1.1 204 No Content", responseHeaders: [acao], fromCache: false, ip: "127.0.0.1" },
  { ...common, kind: "sendHeaders", requestId: "1", url: URL_A, method: "PUT", timeStamp: 1012, requestHeaders: [ua, { name: "Content-Type", value: "application/json" }] },
  { ...common, kind: "headersReceived", requestId: "1", url: URL_A, method: "PUT", timeStamp: 1020, statusCode: 307, statusLine: "HTTP/1.1 307", responseHeaders: [acao, { name: "Location", value: "http://api.test/b" }] },
  { ...common, kind: "beforeRedirect", requestId: "1", url: URL_A, method: "PUT", timeStamp: 1021, statusCode: 307, redirectUrl: "http://api.test/b", responseHeaders: [acao, { name: "Location", value: "http://api.test/b" }], fromCache: false, ip: "127.0.0.1" },
  { ...common, kind: "beforeRequest", requestId: "1", url: "http://api.test/b", method: "PUT", timeStamp: 1022 },
  { ...common, kind: "errorOccurred", requestId: "1", url: "http://api.test/b", method: "PUT", timeStamp: 1030, error: "net::ERR_FAILED" },
  // a new request reusing nothing but the header lines seen before
  { browser: "chromium", tabId: -1, frameId: 2, type: "other", kind: "sendHeaders", requestId: "3", url: "http://other.test/", method: "GET", timeStamp: 2000, originUrl: "moz-extension://x/", requestHeaders: [ua] },
];

function roundTrip(list: CaptureEvent[]): { back: (CaptureEvent | null)[]; text: string } {
  const encoder = createJournalEncoder();
  const text = JSON.stringify(list.map((e) => encoder.encode(e)));
  const decoder = createJournalDecoder();
  return { back: (JSON.parse(text) as unknown[]).map((c) => decoder.decode(c)), text };
}

test("decoding gives back exactly the events encoded, in a fraction of their size", () => {
  const { back, text } = roundTrip(events);
  expect(back).toEqual(events);
  expect(text.length).toBeLessThan(JSON.stringify(events).length / 2);
});

test("a request's URL is written once, a header line once, a repeated response header list as 1", () => {
  const encoder = createJournalEncoder();
  const compact = events.map((e) => encoder.encode(e));
  expect(JSON.stringify(compact).split(URL_A).length - 1).toBe(2); // the PUT's and the OPTIONS's first events
  expect(JSON.stringify(compact).split("HeadlessChrome").length - 1).toBe(1);
  expect(compact[4]?.p).toBe(1); // onCompleted repeats onHeadersReceived's headers
  expect(compact[5]).toEqual({ k: 1, r: "1", s: 11.5, q: [0, "Content-Type", "application/json"] });
});

test("a field the previous event of the request had and this one has not comes back absent", () => {
  const a: CaptureEvent = { ...common, kind: "beforeRedirect", requestId: "9", url: URL_A, method: "GET", timeStamp: 5, redirectUrl: "http://x.test/", ip: "::1" };
  const b: CaptureEvent = { ...common, kind: "beforeRequest", requestId: "9", url: "http://x.test/", method: "GET", timeStamp: 6 };
  expect(roundTrip([a, b]).back).toEqual([a, b]);
});

test("after reset() the encoder writes every field again: a decoder that starts there reads it", () => {
  const encoder = createJournalEncoder();
  for (const e of events.slice(0, 3)) encoder.encode(e);
  encoder.reset();
  const later = events.slice(3).map((e) => encoder.encode(e));
  const decoder = createJournalDecoder();
  expect(later.map((c) => decoder.decode(JSON.parse(JSON.stringify(c))))).toEqual(events.slice(3));
});

test("time stamps come back as the very same numbers", () => {
  const list: CaptureEvent[] = [1795650901709.264, 1795650902198.451, 1795650902198.4512, 0.1 + 0.2].map((timeStamp, i) => ({
    ...common,
    kind: i === 0 ? "beforeRequest" : "sendHeaders",
    requestId: "5",
    url: URL_A,
    method: "GET",
    timeStamp,
  }));
  expect(roundTrip(list).back.map((e) => e?.timeStamp)).toEqual(list.map((e) => e.timeStamp));
});

test("what is not a compact event decodes to null", () => {
  const decoder = createJournalDecoder();
  expect(decoder.decode(null)).toBeNull();
  expect(decoder.decode({ k: 99, r: "1", s: 1 })).toBeNull();
  expect(decoder.decode({ k: 0, r: "1", S: 1 })).toBeNull(); // no URL, tab, method: no base to take them from
  expect(decoder.decode({ k: 0, r: "1", s: 1, b: "chromium", t: 1, f: 0, u: "http://a.test/", m: "GET", y: "other" })).toBeNull(); // a difference without a base
  expect(decoder.decode({ k: 0, r: "1", S: 1, b: "chromium", t: 1, f: 0, u: "http://a.test/", m: "GET", y: "other", q: [5] })).toBeNull();
});
