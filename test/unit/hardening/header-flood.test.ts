/** A server sending thousands of header lines: bounded, the CORS ones kept, the cut disclosed. */
import { DROPPED_HEADERS_NAME, MAX_HEADERS, normalizeHeaders } from "../../../src/platform/normalize";

test("3,000 lines with Access-Control-Allow-Origin last: it is kept, the rest is bounded and the cut said", () => {
  const raw = [...Array.from({ length: 3000 }, (_, i) => ({ name: `X-H-${i}`, value: `v${i}` })), { name: "Access-Control-Allow-Origin", value: "http://page.test" }];
  const out = normalizeHeaders(raw) ?? [];
  expect(out).toHaveLength(MAX_HEADERS);
  expect(out.find((h) => h.name === "Access-Control-Allow-Origin")?.value).toBe("http://page.test");
  expect(out[0]).toEqual({ name: "X-H-0", value: "v0" });
  const kept = MAX_HEADERS - 1;
  expect(out[out.length - 1]).toEqual({ name: DROPPED_HEADERS_NAME, value: `${3001 - kept} more header lines not kept` });
});

test("CORS lines keep their order among the others", () => {
  const raw = Array.from({ length: 600 }, (_, i) => (i % 100 === 99 ? { name: "Vary", value: `v${i}` } : { name: `X-${i}`, value: "x" }));
  const out = normalizeHeaders(raw) ?? [];
  expect(out.filter((h) => h.name === "Vary").map((h) => h.value)).toEqual(["v99", "v199", "v299", "v399", "v499", "v599"]);
  expect(out.findIndex((h) => h.name === "Vary")).toBe(99);
});

test("up to the bound nothing changes", () => {
  const raw = Array.from({ length: MAX_HEADERS }, (_, i) => ({ name: `H${i}`, value: "v" }));
  expect(normalizeHeaders(raw)).toEqual(raw);
});
