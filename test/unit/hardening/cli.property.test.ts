/**
 * Hardening, logs from strangers, through the CLI: `cors-lens analyze <file>` on hundreds of
 * generated files (JSON of every strange kind, truncated JSON, a BOM, random bytes, empty),
 * in-process with injected output. Always an exit code of the documented three, a one-line
 * error on stderr for bad input, machine output that parses, and never a raw control or bidi
 * character from the file on the terminal; never an exception or a hang.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { expectWellBehavedRun, runCli } from "../support/cli";
import { useTempDir } from "../support/temp-dir";
import { strangeFile } from "./strangers";

const RUNS = 250;
const dir = useTempDir("cors-lens-strangers-");
let n = 0;

function fileOf(bytes: Buffer): string {
  const file = join(dir(), `f${n++}.har`);
  writeFileSync(file, bytes);
  return file;
}

test(`analyze: ${RUNS} strange files, a documented exit code and clean terminal output`, async () => {
  const codes = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(strangeFile, async (bytes) => {
      const run = await expectWellBehavedRun(["analyze", fileOf(bytes)]);
      codes.set(run.code, (codes.get(run.code) ?? 0) + 1);
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
      const { code, out } = await runCli(["analyze", fileOf(bytes), "--json"]);
      expect([0, 1, 2]).toContain(code);
      if (code !== 2) expect(() => JSON.parse(out)).not.toThrow();
    }),
    { numRuns: RUNS / 5 },
  );
});
