/**
 * `npm run lint:firefox`: runs `web-ext lint` (the linter addons.mozilla.org runs on uploads)
 * on the built dist/firefox and fails on any error, and on any warning that is not in
 * tools/webext-lint-allowlist.json (each entry justified there and in the README, "Firefox").
 * Notices are printed, not judged. Needs `node build.mjs` first.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import webExt from "web-ext";
import { repoRoot } from "../test/support/paths";
import { judgeLint, parseAllowlist } from "./webext-lint-judge";

async function main(): Promise<void> {
  const root = repoRoot();
  const sourceDir = join(root, "dist/firefox");
  if (!existsSync(join(sourceDir, "manifest.json"))) throw new Error("dist/firefox has no manifest.json: run `node build.mjs` first");
  const allowlist = parseAllowlist(JSON.parse(readFileSync(join(root, "tools/webext-lint-allowlist.json"), "utf8")));
  const result = await webExt.cmd.lint({ sourceDir, output: "text", selfHosted: false }, { shouldExitProgram: false });
  for (const n of result.notices) process.stdout.write(`  notice ${n.code}${n.file ? ` (${n.file})` : ""}: ${n.message}\n`);
  const verdict = judgeLint(result, allowlist);
  for (const p of verdict.problems) process.stdout.write(`  ${p}\n`);
  process.stdout.write(
    `web-ext lint dist/firefox: ${result.errors.length} errors, ${result.warnings.length} warnings (${verdict.allowed} allowlisted), ${result.notices.length} notices: ${verdict.ok ? "ok" : "FAILED"}\n`,
  );
  if (!verdict.ok) process.exitCode = 1;
}

main().catch((error: unknown) => {
  process.stderr.write(`lint:firefox: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
