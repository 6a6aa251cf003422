/**
 * The platform's detail normalizer (src/platform/normalize.ts) on malformed webRequest details:
 * it never throws, drops what it cannot use, bounds what a hostile server controls.
 */
import { MAX_HEADER_VALUE, MAX_HEADERS, normalizeDetails, normalizeHeaders } from "../../../src/platform/normalize";

const good = {
  requestId: "42",
  url: "http://api.test/x",
  method: "GET",
  type: "xmlhttprequest",
  tabId: 3,
  frameId: 0,
  timeStamp: 1000,
  initiator: "http://page.test",
};

test("a well-formed detail keeps exactly the CaptureEvent fields", () => {
  const e = normalizeDetails("headersReceived", { ...good, statusCode: 200, statusLine: "HTTP/1.1 200 OK", responseHeaders: [{ name: "A", value: "1" }], parentFrameId: -1, extra: "x" }, "chromium");
  expect(e).toEqual({ ...good, kind: "headersReceived", browser: "chromium", statusCode: 200, statusLine: "HTTP/1.1 200 OK", responseHeaders: [{ name: "A", value: "1" }] });
});

test.each([
  ["null", null],
  ["a string", "details"],
  ["no requestId", { ...good, requestId: undefined }],
  ["no url", { ...good, url: 7 }],
])("unusable details (%s) give null", (_name, details) => {
  expect(normalizeDetails("beforeRequest", details, "chromium")).toBeNull();
});

test("wrong types fall back to safe defaults", () => {
  const e = normalizeDetails("beforeRequest", { requestId: 5, url: "http://x.test/", method: 1, type: {}, tabId: "3", frameId: Number.NaN, timeStamp: "soon", initiator: 9, statusCode: "200", fromCache: "yes" }, "firefox");
  expect(e).toMatchObject({ requestId: "5", method: "GET", type: "other", tabId: -1, frameId: 0, browser: "firefox" });
  expect(e?.initiator).toBeUndefined();
  expect(e?.statusCode).toBeUndefined();
  expect(e?.fromCache).toBeUndefined();
  expect(typeof e?.timeStamp).toBe("number");
});

test("headers: junk entries skipped, binaryValue decoded as Latin-1, missing value empty", () => {
  expect(
    normalizeHeaders([null, 3, { value: "no name" }, { name: "" }, { name: "B", binaryValue: [104, 105, 300] }, { name: "C" }, { name: "D", value: "ok" }]),
  ).toEqual([
    { name: "B", value: "hi," },
    { name: "C", value: "" },
    { name: "D", value: "ok" },
  ]);
  expect(normalizeHeaders("Origin: x")).toBeUndefined();
});

test("huge values and header floods are bounded", () => {
  const [big] = normalizeHeaders([{ name: "X-Big", value: "a".repeat(MAX_HEADER_VALUE * 10) }]) ?? [];
  expect(big?.value.length).toBeLessThan(MAX_HEADER_VALUE + 64);
  expect(big?.value).toContain("more characters");
  const flood = normalizeHeaders(Array.from({ length: MAX_HEADERS * 4 }, (_, i) => ({ name: `H${i}`, value: "v" })));
  expect(flood).toHaveLength(MAX_HEADERS);
});

test("non-HTTP schemes pass through as data (the assembler classifies them)", () => {
  expect(normalizeDetails("beforeRequest", { ...good, url: "data:text/plain,hi" }, "chromium")?.url).toBe("data:text/plain,hi");
});
