/**
 * Running the CLI in-process for unit tests: an io that collects what `cors-lens` writes, a
 * run of main() with it, and what every run on a stranger's file must be.
 */
import type { CliIo } from "../../../src/cli/io";
import { type MainDeps, main } from "../../../src/cli/main";

/** An io whose stdout and stderr are collected in `out` and `err`. */
export interface CapturedIo {
  io: CliIo;
  out: string;
  err: string;
}

export function captureIo(isTTY = false, env: Record<string, string> = {}): CapturedIo {
  const captured: CapturedIo = {
    out: "",
    err: "",
    io: {
      stdout: (t) => {
        captured.out += t;
      },
      stderr: (t) => {
        captured.err += t;
      },
      isTTY,
      env,
    },
  };
  return captured;
}

export interface CliRun {
  code: number;
  out: string;
  err: string;
}

/** `cors-lens <args>` through main(), not a terminal and no environment unless said. */
export interface RunOptions {
  isTTY?: boolean;
  env?: Record<string, string>;
  deps?: MainDeps;
}

export async function runCli(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const captured = captureIo(options.isTTY, options.env);
  const code = await main(args, captured.io, options.deps);
  return { code, out: captured.out, err: captured.err };
}

/** Characters a log must never put raw on a terminal: C0 (but tab and newline), DEL, C1,
 * bidi embeddings, overrides and isolates. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** Per run: a hang guard, not a speed budget (see importer.property.test.ts). */
const HANG_GUARD_MS = 20000;

/**
 * runCli on a stranger's file, and what every such run must be: one of the documented exit
 * codes, a `cors-lens: ` error for bad input, no raw control or bidi character on the terminal,
 * no hang.
 */
export async function expectWellBehavedRun(args: string[], options: RunOptions = {}): Promise<CliRun> {
  const start = performance.now();
  const run = await runCli(args, options);
  expect(performance.now() - start).toBeLessThan(HANG_GUARD_MS);
  expect([0, 1, 2]).toContain(run.code);
  if (run.code === 2) expect(run.err).toMatch(/^cors-lens: /);
  expect(RAW_CONTROL.test(run.out)).toBe(false);
  expect(RAW_CONTROL.test(run.err)).toBe(false);
  return run;
}
