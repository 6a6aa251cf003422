/**
 * The panel's text search (src/ui/store/select.ts matchesSearch) over its per-entry search
 * text: case-insensitive in URL, failure id, header names and values; the method only whole;
 * never across two texts; an updated exchange (a new object) is searched as it is now.
 */
import { rowOf } from "../../../src/protocol";
import { matchesSearch } from "../../../src/ui/store/select";
import { entry } from "./fixtures";

const e = entry({
  id: "a",
  url: "http://API.test/Users?id=7",
  method: "DELETE",
  failure: { id: "acao-missing" },
  requestHeaders: [{ name: "X-Trace", value: "Abc-123" }],
  responseHeaders: [{ name: "Vary", value: "Origin" }],
});

test.each([
  ["api.test/users", true],
  ["x-trace", true],
  ["abc-123", true],
  ["ORIGIN", true],
  ["acao-missing", true],
  ["delete", true],
  ["dele", false], // the method is matched whole
  ["varyorigin", false], // not across a header's name and value
  ["x-traceabc", false],
  ["nothing-like-this", false],
  ["", true],
])("%j → %s", (needle, expected) => {
  expect(matchesSearch(rowOf(e), e, needle)).toBe(expected);
});

test("without the full entry only URL, method and failure id are searched", () => {
  expect(matchesSearch(rowOf(e), undefined, "users")).toBe(true);
  expect(matchesSearch(rowOf(e), undefined, "acao-missing")).toBe(true);
  expect(matchesSearch(rowOf(e), undefined, "x-trace")).toBe(false);
});

test("an updated exchange is searched as it is now", () => {
  expect(matchesSearch(rowOf(e), e, "retry-after")).toBe(false);
  const updated = entry({ id: "a", url: "http://api.test/users", responseHeaders: [{ name: "Retry-After", value: "5" }] });
  expect(matchesSearch(rowOf(updated), updated, "retry-after")).toBe(true);
});
