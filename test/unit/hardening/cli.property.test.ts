/**
 * Hardening, logs from strangers, through the CLI: `cors-lens analyze <file>` on hundreds of
 * generated files (JSON of every strange kind, truncated JSON, a BOM, random bytes, empty),
 * in-process with injected output. Always an exit code of the documented three, a one-line
 * error on stderr for bad input, machine output that parses, and never a raw control or bidi
 * character from the file on the terminal; never an exception or a hang.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { main } from "../../../src/cli/main";
import { strangeFile } from "./strangers";

const RUNS = 250;
/** per file: a hang guard, not a speed budget (see importer.property.test.ts) */
const MAX_MS = 20000;
let dir: string;
let n = 0;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "cors-lens-strangers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function analyze(bytes: Buffer, extra: string[] = []) {
  const file = join(dir, `f${n++}.har`);
  writeFileSync(file, bytes);
  let out = "";
  let err = "";
  const start = performance.now();
  const code = await main(["analyze", file, ...extra], { stdout: (t) => (out += t), stderr: (t) => (err += t), isTTY: false, env: {} });
  return { code, out, err, ms: performance.now() - start };
}

/** Characters a file must never put raw on a terminal: C0 (but tab and newline), DEL, C1,
 * bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

test(`analyze: ${RUNS} strange files, a documented exit code and clean terminal output`, async () => {
  const codes = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(strangeFile, async (bytes) => {
      const { code, out, err, ms } = await analyze(bytes);
      expect([0, 1, 2]).toContain(code);
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 2) expect(err).toMatch(/^cors-lens: /);
      expect(RAW_CONTROL.test(out)).toBe(false);
      expect(RAW_CONTROL.test(err)).toBe(false);
      expect(ms).toBeLessThan(MAX_MS);
    }),
    { numRuns: RUNS },
  );
  // both bad input and readable files were generated
  expect(codes.get(2)).toBeGreaterThan(0);
  expect((codes.get(0) ?? 0) + (codes.get(1) ?? 0)).toBeGreaterThan(0);
});

test(`analyze --json: ${RUNS / 5} strange files, stdout is JSON whenever the file was read`, async () => {
  await fc.assert(
    fc.asyncProperty(strangeFile, async (bytes) => {
      const { code, out } = await analyze(bytes, ["--json"]);
      expect([0, 1, 2]).toContain(code);
      if (code !== 2) expect(() => JSON.parse(out)).not.toThrow();
    }),
    { numRuns: RUNS / 5 },
  );
});
