import { execFileSync, spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { scanHarText } from "../../../src/cli/load-har";
import { runCli } from "../support/cli";
import { useTempDir } from "../support/temp-dir";

const ROOT = join(__dirname, "../../..");
const FIXTURES = join(ROOT, "test/fixtures/har");
const tempDir = useTempDir("cors-lens-cli-");

function entry(i: number, path: string, res: [string, string][]) {
  return {
    startedDateTime: new Date(Date.UTC(2026, 0, 1) + i).toISOString(),
    time: 3,
    request: { method: "GET", url: `http://api.test${path}`, httpVersion: "HTTP/1.1", headers: [{ name: "Origin", value: "http://app.test" }], cookies: [], queryString: [], headersSize: -1, bodySize: 0 },
    response: { status: 200, statusText: "OK", httpVersion: "HTTP/1.1", headers: res.map(([name, value]) => ({ name, value })), cookies: [], content: { size: 2, mimeType: "text/plain", text: "ok" }, redirectURL: "", headersSize: -1, bodySize: 2 },
    cache: {},
    timings: { send: 0, wait: 2, receive: 1 },
  };
}

test("a file with blocked requests: exit 1, report grouped by target origin with failure, explanation and fix", async () => {
  const { code, out, err } = await runCli(["analyze", join(FIXTURES, "chrome-devtools.har")]);
  expect(code).toBe(1);
  expect(err).toBe("");
  expect(out).toContain("Total: 2 blocked, 2 allowed, 1 network error, 1 not CORS");
  expect(out).toMatch(/http:\/\/localhost:4000 {2}2 blocked, 2 allowed\n/);
  expect(out).toContain("✗ blocked  PUT http://localhost:4000/items/1\n    method-not-allowed at preflight");
  expect(out).toContain("on the OPTIONS (preflight) response:\n        Access-Control-Allow-Origin: http://127.0.0.1:3000\n        Access-Control-Allow-Methods: PUT");
  expect(out).toContain("! network error  GET http://localhost:4999/down");
  expect(out).not.toContain("\u001b[");
});

test("a file where nothing is blocked: exit 0; --json is machine-readable", async () => {
  const file = join(tempDir(), "clean.har");
  writeFileSync(file, JSON.stringify({ log: { version: "1.2", creator: { name: "WebInspector", version: "537.36" }, entries: [entry(0, "/a", [["Access-Control-Allow-Origin", "*"]])] } }));
  const { code, out } = await runCli(["analyze", file, "--json"]);
  expect(code).toBe(0);
  const json = JSON.parse(out);
  expect(json.counts).toEqual({ allowed: 1, blocked: 0, "network-error": 0, "not-cors": 0, pending: 0 });
  expect(json.origins.map((o: { origin: string }) => o.origin)).toEqual(["http://api.test"]);
  expect(json.browser).toBe("chromium");
});

test("--browser firefox applies Firefox's rules; --json lists failures with fixes", async () => {
  const { code, out } = await runCli(["analyze", join(FIXTURES, "firefox-netmonitor.har"), "--json"]);
  expect(code).toBe(1);
  const json = JSON.parse(out);
  expect(json.browser).toBe("firefox");
  const failures = json.origins.flatMap((o: { failures: { failure: { id: string } }[] }) => o.failures.map((f) => f.failure.id));
  expect(failures).toEqual(["method-not-allowed", "acao-missing"]);
});

test("CORS Lens files: HAR export (checked against the format) and Export JSON", async () => {
  const { toHar } = await import("../../../src/export/har-writer");
  const { toCorsLensJson } = await import("../../../src/export/json-export");
  const { sampleLog } = await import("../export/sample-log");
  const harFile = join(tempDir(), "lens.har");
  const har = toHar(sampleLog, { redact: true, browser: "chromium", browserVersion: "156", creatorVersion: "0.1.0" });
  writeFileSync(harFile, JSON.stringify(har));
  const fromHar = await runCli(["analyze", harFile, "--json"]);
  expect(JSON.parse(fromHar.out).warnings).toEqual([]);
  const jsonFile = join(tempDir(), "lens.json");
  writeFileSync(jsonFile, JSON.stringify(toCorsLensJson(sampleLog, { redact: false, browser: "chromium" })));
  const fromJson = await runCli(["analyze", jsonFile, "--json"]);
  expect(JSON.parse(fromJson.out).counts).toEqual(JSON.parse(fromHar.out).counts);
  har.log.entries.reverse();
  writeFileSync(harFile, JSON.stringify(har));
  expect(JSON.parse((await runCli(["analyze", harFile, "--json"])).out).warnings[0]).toContain("does not follow the CORS Lens HAR format");
  writeFileSync(jsonFile, JSON.stringify({ format: "cors-lens-json", version: 7 }));
  const bad = await runCli(["analyze", jsonFile]);
  expect([bad.code, bad.err]).toEqual([2, expect.stringContaining("not a valid CORS Lens JSON export")]);
});

test("colours only on a terminal, and never with NO_COLOR", async () => {
  const file = join(FIXTURES, "chrome-devtools.har");
  expect((await runCli(["analyze", file], { isTTY: true })).out).toContain("\u001b[31m");
  expect((await runCli(["analyze", file], { isTTY: true, env: { NO_COLOR: "1" } })).out).not.toContain("\u001b[");
});

test("hostile header values are printed as inert text", async () => {
  const file = join(tempDir(), "hostile.har");
  const blocked = { ...entry(0, "/x", [["Access-Control-Allow-Origin", "http://evil.test\u001b[2J\u001b]0;pwned\u0007"]]), _error: "net::ERR_FAILED" };
  writeFileSync(file, JSON.stringify({ log: { entries: [blocked] } }));
  const { out } = await runCli(["analyze", file]);
  expect(out).not.toContain("\u001b");
  expect(out).toContain("\\x1b[2J");
});

test.each([
  ["a missing file", () => join(tempDir(), "nope.har"), "cannot read"],
  ["a truncated file", () => { const f = join(tempDir(), "cut.har"); writeFileSync(f, readFileSync(join(FIXTURES, "chrome-devtools.har"), "utf8").slice(0, 500)); return f; }, "is not valid JSON"],
  ["an empty file", () => { const f = join(tempDir(), "empty.har"); writeFileSync(f, ""); return f; }, "is empty"],
  ["JSON that is not a HAR", () => { const f = join(tempDir(), "pkg.json"); writeFileSync(f, JSON.stringify({ name: "x" })); return f; }, 'no "log" object'],
  ["a directory", () => tempDir(), "is not a file"],
])("%s → exit 2 with a message", async (_name, make, message) => {
  const { code, err, out } = await runCli(["analyze", make()]);
  expect(code).toBe(2);
  expect(err).toContain(message);
  expect(out).toBe("");
});

test("usage errors → exit 2; --help and --version → exit 0", async () => {
  expect((await runCli(["analyze"])).code).toBe(2);
  expect((await runCli(["analyze", "a.har", "--browser", "edge"])).err).toContain("--browser must be chromium, firefox");
  expect((await runCli(["frobnicate"])).err).toContain("unknown command frobnicate");
  const help = await runCli(["--help"]);
  expect(help.code).toBe(0);
  expect(help.out).toMatch(/only on servers you are\s+responsible for/);
  expect(await runCli(["--version"])).toEqual({ code: 0, out: "cors-lens test\n", err: "" });
});

describe("large files", () => {
  test("the scanner reads the fixtures exactly as JSON.parse does (bodies dropped)", () => {
    for (const name of ["chrome-devtools.har", "firefox-netmonitor.har", "chrome-har-output.har"]) {
      const text = readFileSync(join(FIXTURES, name), "utf8");
      const parsed = JSON.parse(text);
      for (const e of parsed.log.entries) delete e.response.content.text;
      expect(scanHarText(text, 1000).json).toEqual(parsed);
    }
  });

  test("the scanner caps entries and reports truncation", () => {
    const text = JSON.stringify({ log: { version: "1.2", entries: [entry(0, "/a", []), entry(1, "/b", []), entry(2, "/c", [])], pages: [] } });
    const loaded = scanHarText(text, 2);
    expect((loaded.json as { log: { entries: unknown[] } }).log.entries).toHaveLength(2);
    expect(loaded.entryCount).toBe(3);
    expect(loaded.warnings).toEqual(["the file has 3 entries; only the first 2 were read"]);
    expect(() => scanHarText(text.slice(0, -40), 10)).toThrow(/truncated|not valid JSON/);
  });

  test("a 100 MB HAR is analyzed with entries capped, in bounded time", async () => {
    const file = join(tempDir(), "big.har");
    const body = "x".repeat(4000);
    const one = JSON.stringify(entry(0, "/big", [["Access-Control-Allow-Origin", "*"]])).replace('"text":"ok"', `"text":"${body}"`);
    const count = Math.ceil((100 * 1024 * 1024) / one.length);
    writeFileSync(file, `{"log":{"version":"1.2","creator":{"name":"x","version":"1"},"entries":[${Array.from({ length: count }, () => one).join(",")}]}}`);
    const started = Date.now();
    const { code, err, out } = await runCli(["analyze", file, "--json", "--max-entries", "5000"]);
    expect(code).toBe(0);
    expect(err).toBe("");
    const json = JSON.parse(out);
    expect(json.exchanges).toBe(5000);
    expect(json.warnings).toContain(`the file has ${count} entries; only the first 5000 were read`);
    expect(Date.now() - started).toBeLessThan(60_000);
  }, 120_000);
});

test("the bundled CLI through bin/cors-lens.mjs", () => {
  execFileSync(process.execPath, ["build.mjs"], { cwd: ROOT, stdio: "ignore" });
  const version = spawnSync(process.execPath, [join(ROOT, "bin/cors-lens.mjs"), "--version"], { encoding: "utf8" });
  expect(version.stdout).toMatch(/^cors-lens \d+\.\d+\.\d+\n$/);
  const bad = spawnSync(process.execPath, [join(ROOT, "bin/cors-lens.mjs"), "analyze", join(tempDir(), "missing.har")], { encoding: "utf8" });
  expect([bad.status, bad.stderr]).toEqual([2, expect.stringContaining("cannot read")]);
  const blocked = spawnSync(process.execPath, [join(ROOT, "bin/cors-lens.mjs"), "analyze", join(FIXTURES, "chrome-devtools.har")], { encoding: "utf8" });
  expect(blocked.status).toBe(1);
}, 120_000);
