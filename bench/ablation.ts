/**
 * Where the browsing overhead goes (`npx tsx bench/ablation.ts [rounds]`, after
 * `node build.mjs`): builds of the worker with one part of its work taken out, measured in the
 * same alternating rounds as the shipped build, the floor and no extension (bench/browsing.ts).
 * A variant is the shipped sources with one edit (below), bundled like the shipped worker into
 * a copy of dist/chrome. None of them is a product: each drops something the extension needs.
 * - `no-storage`: storage.session.set and remove answer at once and do nothing (the log is
 *   still encoded for them: what is left out is the storage calls themselves);
 * - `no-diagnosis`: no exchange is diagnosed (a constant pending diagnosis instead);
 * - `assemble-only`: events are assembled into exchanges, which go no further (no diagnosis,
 *   log, storage, ports or badge);
 * - `no-log-writes`: everything but turning the log's entries into text and writing them;
 * - `events-only`: the listeners read and normalise each event, then drop it (what the floor
 *   does, plus our listener code).
 * `--only=<variant>,…` measures some of them.
 * An edit whose anchor text is no longer in the sources stops the run: a renamed line must not
 * silently measure the shipped build under another name. A tool for finding causes, not part
 * of `npm run bench`.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { repoRoot } from "../test/support/paths";
import { startTestServers } from "../test/support/server";
import { type Edit, VARIANTS } from "./ablation-variants";
import { benchBrowsing } from "./browsing";
import { textTable } from "./report";
import { bundleWorker } from "./worker-bundle";

/** dist/chrome with its worker bundled from the sources with `edits` applied. */
async function variantBuild(root: string, edits: Edit[]): Promise<string> {
  const src = mkdtempSync(join(tmpdir(), "cors-lens-ablation-src-"));
  cpSync(join(root, "src"), join(src, "src"), { recursive: true });
  for (const edit of edits) {
    const path = join(src, edit.file);
    const text = readFileSync(path, "utf8");
    if (!text.includes(edit.find)) throw new Error(`${edit.file}: the text to replace is gone: ${edit.find}`);
    writeFileSync(path, text.replace(edit.find, edit.replace));
  }
  const out = mkdtempSync(join(tmpdir(), "cors-lens-ablation-ext-"));
  cpSync(join(root, "dist/chrome"), out, { recursive: true });
  await bundleWorker(src, out, { minify: true, version: "ablation" });
  rmSync(src, { recursive: true, force: true });
  return out;
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.slice(2).find((a) => !a.startsWith("--")) ?? 15);
  const root = repoRoot();
  if (!existsSync(join(root, "dist/chrome/manifest.json"))) throw new Error("dist/chrome is missing: run `node build.mjs` first");
  const lens = mkdtempSync(join(tmpdir(), "cors-lens-ablation-lens-"));
  cpSync(resolve(root, "dist/chrome"), lens, { recursive: true });
  const compare: Record<string, string> = {};
  const only = process.argv.find((a) => a.startsWith("--only="))?.slice(7).split(",");
  for (const [name, edits] of Object.entries(VARIANTS)) if (!only || only.includes(name)) compare[name] = await variantBuild(root, edits);
  const servers = await startTestServers();
  try {
    const r = await benchBrowsing(servers, { rounds, warmup: 1, requests: 500, extensionPath: lens, compare, log: (line) => console.log(line) });
    console.log(`\n${textTable(r.rows)}`);
  } finally {
    await servers.close();
    for (const dir of [lens, ...Object.values(compare)]) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
