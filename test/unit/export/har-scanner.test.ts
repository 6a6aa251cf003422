/**
 * The incremental HAR scanner: fed a document in chunks of any size, it hands out each entry
 * and each other member of `log` as the JSON text JSON.parse would read there, and says when
 * the text is not JSON or not a shape it follows.
 */
import fc from "fast-check";
import { createHarScanner, HarScanError, HarScanUnsupported } from "../../../src/export/har-scanner";

interface Scanned {
  members: [string, unknown, boolean][];
  entries: unknown[];
}

function scan(text: string, chunkSizes: number[] = [text.length]): Scanned {
  const out: Scanned = { members: [], entries: [] };
  const scanner = createHarScanner({
    logMember: (name, value, after) => out.members.push([name, JSON.parse(value), after]),
    entry: (value) => out.entries.push(JSON.parse(value)),
  });
  let at = 0;
  let k = 0;
  while (at < text.length) {
    const size = Math.max(1, chunkSizes[k++ % chunkSizes.length] as number);
    scanner.push(text.slice(at, at + size));
    at += size;
  }
  scanner.end();
  return out;
}

const tricky = {
  log: {
    version: "1.2",
    creator: { name: "x \"quoted\" {not an object} [nor an array]", version: "\\" },
    entries: [
      { request: { url: "http://a.test/?q=]}", method: "GET" }, note: "escaped quote \\\" and backslash \\\\" },
      [1, [2, [3, {}]]],
      "a string entry with , and ]",
      12.5e3,
      null,
      true,
      { unicode: "café ✗ \u2028 \ud83d\ude00", empty: {}, list: [] },
    ],
    _corsLens: { browser: "chromium" },
  },
  other: [1, 2, { log: "not this one" }],
};

test("entries and log members come out as JSON.parse reads them, whatever the chunk sizes", () => {
  const text = JSON.stringify(tricky, null, 1);
  const expected = {
    members: [
      ["version", "1.2", false],
      ["creator", tricky.log.creator, false],
      ["_corsLens", { browser: "chromium" }, true],
    ],
    entries: tricky.log.entries,
  };
  expect(scan(text)).toEqual(expected);
  // one character at a time: every boundary falls inside a string, an escape, a number…
  expect(scan(text, [1])).toEqual(expected);
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 10 }), (sizes) => {
      expect(scan(text, sizes)).toEqual(expected);
    }),
    { numRuns: 200 },
  );
});

test("any JSON value as an entry is cut exactly", () => {
  fc.assert(
    fc.property(fc.array(fc.jsonValue(), { maxLength: 6 }), fc.integer({ min: 1, max: 17 }), (entries, size) => {
      const text = JSON.stringify({ log: { entries } });
      expect(scan(text, [size]).entries).toEqual(JSON.parse(text).log.entries);
    }),
    { numRuns: 300 },
  );
});

test("white space between tokens is allowed anywhere, as in JSON", () => {
  const text = ' \n{ "log" :\t{ "entries" : [ {"a":1} ,\r\n {"b":2} ] , "pages" : [ ] } } \n';
  expect(scan(text, [3])).toEqual({ members: [["pages", [], true]], entries: [{ a: 1 }, { b: 2 }] });
});

test.each([
  ["truncated in an entry", '{"log":{"entries":[{"a":"b'],
  ["truncated between entries", '{"log":{"entries":[{"a":1},'],
  ["truncated after the log", '{"log":{"entries":[]}'],
  ["not an object at all", "[1,2,3]"],
  ["a missing comma between entries", '{"log":{"entries":[{"a":1} {"b":2}]}}'],
  ["a comma before ]", '{"log":{"entries":[{"a":1},]}}'],
  ["text after the document", '{"log":{"entries":[]}} x'],
  ["a member name that is not a string", '{"log":{entries:[]}}'],
  ["a missing colon", '{"log":{"entries" []}}'],
  ["a closing bracket too many inside an entry", '{"log":{"entries":[{"a":1}}]}}'],
  ["an empty value", '{"log":{"pages":,"entries":[]}}'],
])("%s: HarScanError", (_, text) => {
  expect(() => scan(text)).toThrow(HarScanError);
  expect(() => scan(text, [2])).toThrow(HarScanError);
});

test.each([
  ["no log member", '{"other":{"entries":[]}}'],
  ["log is not an object", '{"log":[]}'],
  ["entries is not an array", '{"log":{"entries":{}}}'],
  ["no entries in log", '{"log":{"version":"1.2"}}'],
  ["two log members", '{"log":{"entries":[]},"log":{"entries":[]}}'],
  ["two entries members", '{"log":{"entries":[],"entries":[]}}'],
])("%s: HarScanUnsupported (the caller reads the file whole and says what is wrong)", (_, text) => {
  expect(() => scan(text)).toThrow(HarScanUnsupported);
});
