/**
 * `cors-lens analyze` of big files, streamed (src/cli/stream-analyze.ts): the report, the
 * warnings and the exit code are the ones the whole-file path gives for the same file. Multi-MB
 * files are generated here: a CORS Lens recording (bench/engine.ts writes it as the benchmark
 * does) and DevTools, Firefox and chrome-har exports repeated many times. A small look-ahead
 * window makes the reader cut hundreds of segments. No timing is asserted.
 */
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { writeHarFile } from "../../../bench/engine";
import { paintFor } from "../../../src/cli/colors";
import { analyzeStreaming } from "../../../src/cli/stream-analyze";
import { type CliRun, captureIo, runCli } from "../support/cli";
import { useTempDir } from "../support/temp-dir";

const FIXTURES = join(__dirname, "../../fixtures/har");
const tempDir = useTempDir("cors-lens-stream-");
let lensHar: string;

beforeAll(() => {
  lensHar = join(tempDir(), "recording.har");
  writeHarFile(lensHar, 3000);
}, 120_000);

/** The whole-file path (JSON.parse of the file, readHar, diagnose). */
function whole(file: string, extra: string[] = []): Promise<CliRun> {
  return runCli(["analyze", file, ...extra], { deps: { streamAboveBytes: Number.POSITIVE_INFINITY } });
}

/** The streaming path alone; code null when it hands the file back to the whole-file path. */
function streamed(file: string, json: boolean, window = 40): Omit<CliRun, "code"> & { code: number | null } {
  const captured = captureIo();
  const code = analyzeStreaming(file, statSync(file).size, { file, json, maxEntries: 200_000, window }, captured.io, paintFor(captured.io));
  return { code, out: captured.out, err: captured.err };
}

/** main() with the streaming threshold at 0: streamed, or read whole when the stream gives up. */
function viaMain(file: string, extra: string[] = []): Promise<CliRun> {
  return runCli(["analyze", file, ...extra], { deps: { streamAboveBytes: 0, streamWindow: 40 } });
}

/** A browser export repeated `copies` times, one copy a second later than the one before. */
function repeated(fixture: string, copies: number, uniqueUrls: boolean): string {
  const har = JSON.parse(readFileSync(join(FIXTURES, fixture), "utf8"));
  const entries: unknown[] = [];
  for (let k = 0; k < copies; k++) {
    for (const e of har.log.entries) {
      const copy = structuredClone(e);
      copy.startedDateTime = new Date(Date.parse(e.startedDateTime) + k * 1000).toISOString();
      if (uniqueUrls) {
        const mark = (url: string) => `${url}${url.includes("?") ? "&" : "?"}copy=${k}`;
        copy.request.url = mark(copy.request.url);
        if (copy.response.redirectURL) copy.response.redirectURL = mark(copy.response.redirectURL);
      }
      entries.push(copy);
    }
  }
  const file = join(tempDir(), `${fixture}-${copies}-${uniqueUrls}.har`);
  writeFileSync(file, JSON.stringify({ log: { ...har.log, entries } }, null, 1));
  return file;
}

test("a CORS Lens recording of 3,000 entries (several MB): streamed in many segments, same report, warnings and exit code as read whole", async () => {
  expect(statSync(lensHar).size).toBeGreaterThan(5 * 1024 * 1024);
  const reference = await whole(lensHar);
  expect(reference.code).toBe(1);
  expect(reference.out).toMatch(/^CORS Lens: .*\(Chromium rules, \d+ requests, from cors-lens\)\nTotal: \d+ blocked/);
  expect(streamed(lensHar, false)).toEqual(reference);
  const referenceJson = await whole(lensHar, ["--json"]);
  const json = streamed(lensHar, true);
  expect(json).toEqual(referenceJson);
  expect(JSON.parse(json.out).exchanges).toBeGreaterThan(1000);
}, 120_000);

test.each([
  ["chrome-devtools.har", false],
  ["chrome-devtools.har", true],
  ["firefox-netmonitor.har", false],
  ["chrome-har-output.har", false],
  ["chrome-har-output.har", true],
])("%s repeated to a few MB (unique URLs: %s): streamed, same output as read whole", async (fixture, unique) => {
  const file = repeated(fixture, 400, unique);
  expect(statSync(file).size).toBeGreaterThan(1024 * 1024);
  for (const json of [false, true]) {
    const reference = await whole(file, json ? ["--json"] : []);
    expect([0, 1]).toContain(reference.code);
    expect(streamed(file, json)).toEqual(reference);
  }
}, 120_000);

test("preflights paired across segments: a window of 1 entry still gives the whole-file answer", async () => {
  const file = repeated("chrome-devtools.har", 50, false);
  const reference = await whole(file, ["--json"]);
  const run = streamed(file, true, 1);
  expect(run).toEqual(reference);
});

test("an entry far too early in the file is held in the window; one far too late hands the file back to the whole-file path; same output", async () => {
  const file = repeated("chrome-devtools.har", 300, false);
  const har = JSON.parse(readFileSync(file, "utf8"));
  // the last request first: it waits in the window, sorted, until the end
  har.log.entries.unshift(har.log.entries.pop());
  writeFileSync(file, JSON.stringify(har));
  const early = streamed(file, false);
  expect(early.code).not.toBeNull();
  expect(early).toEqual(await whole(file));
  // the first request last: entries after it were already released
  har.log.entries.shift();
  har.log.entries.push(har.log.entries.shift());
  writeFileSync(file, JSON.stringify(har));
  expect(streamed(file, false).code).toBeNull();
  expect(await viaMain(file)).toEqual(await whole(file));
});

test("a CORS Lens file whose tail says something else than its last bytes suggest: read whole, same output", async () => {
  const har = JSON.parse(readFileSync(lensHar, "utf8"));
  // a nested object in log._corsLens: the tail is not predicted, the reader must not guess
  har.log._corsLens = { ...har.log._corsLens, browser: "firefox", extra: { nested: true } };
  har.log.browser = { name: "Firefox", version: "153" };
  const file = join(tempDir(), "tail.har");
  writeFileSync(file, JSON.stringify(har));
  const reference = await whole(file);
  expect(reference.out).toContain("(Firefox rules,");
  expect(await viaMain(file)).toEqual(reference);
}, 60_000);

test("--max-entries, --browser and --origin give the same answer streamed", async () => {
  const file = repeated("chrome-har-output.har", 300, true);
  for (const extra of [["--max-entries", "777"], ["--browser", "firefox"], ["--origin", "http://127.0.0.1:3000", "--json"]]) {
    expect(await viaMain(file, extra)).toEqual(await whole(file, extra));
  }
});

test("malformed big files: exit 2 and one line on stderr naming the file, never an exception", async () => {
  const har = JSON.parse(readFileSync(repeated("chrome-devtools.har", 200, false), "utf8"));
  const entries: string[] = har.log.entries.map((e: unknown) => JSON.stringify(e, null, 1));
  const head = `{"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},"entries": [`;
  const text = `${head}${entries.join(",")}]}}`;
  const between = head.length + entries.slice(0, 800).join(",").length; // just after entry 799
  const cases = [
    text.slice(0, Math.floor(text.length / 2)), // truncated in the middle of an entry
    text.slice(0, text.lastIndexOf("]")), // truncated after the last entry
    `${text.slice(0, between)} garbage ${text.slice(between)}`,
    `${text.slice(0, between)}}${text.slice(between)}`,
    `${text.slice(0, between)}{"a":tru}${text.slice(between)}`,
    text.replace('"startedDateTime": "', '"startedDateTime": "\u0001'),
    `${text}trailing`,
    text.replace('"entries": [', '"entries": {'),
  ];
  for (const [i, content] of cases.entries()) {
    const file = join(tempDir(), `bad-${i}.har`);
    writeFileSync(file, content);
    const run = await viaMain(file);
    expect([i, run.code]).toEqual([i, 2]);
    expect(run.out).toBe("");
    expect(run.err).toMatch(/^cors-lens: [^\n]+\n$/);
  }
});

test("a piece that is not JSON is named: the log member or the entry's index", () => {
  const entry = JSON.parse(readFileSync(join(FIXTURES, "chrome-devtools.har"), "utf8")).log.entries[0];
  const cases: [string, string][] = [
    [`{"log":{"version":"1.2","creator":{"name":"x","version":tru},"entries":[]}}`, "not valid JSON in log.creator"],
    [`{"log":{"version":"1.2","entries":[${JSON.stringify(entry)},{"a":tru}]}}`, "not valid JSON in entry 1"],
  ];
  for (const [i, [content, message]] of cases.entries()) {
    const file = join(tempDir(), `piece-${i}.har`);
    writeFileSync(file, content);
    const run = streamed(file, false);
    expect({ code: run.code, out: run.out }).toEqual({ code: 2, out: "" });
    expect(run.err).toContain(message);
  }
});
