/**
 * `npm run package`: store-ready zips in web-ext-artifacts/ (the npm script builds first) —
 *   cors-lens-chrome-<version>.zip   for the Chrome Web Store: dist/chrome, manifest at the root
 *   cors-lens-firefox-<version>.zip  for Firefox Add-ons (AMO): `web-ext build` of dist/firefox,
 *                                    after `web-ext lint` (the linter AMO runs) passed the same
 *                                    gate as `npm run lint:firefox`
 *   cors-lens-source-<version>.zip   the sources at HEAD (`git archive`): AMO asks for them
 *                                    because the add-on's code is bundled and minified
 * Exits 1 when the linter's gate fails or a zip lacks what a store needs.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import webExt from "web-ext";
import { judgeLint, parseAllowlist } from "./webext-lint-judge";

const root = join(import.meta.dirname, "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const artifactsDir = join(root, "web-ext-artifacts");
const say = (line: string) => process.stdout.write(`${line}\n`);
const size = (path: string) => `${(statSync(path).size / 1024).toFixed(0)} KiB`;

/** The file names inside a zip (unzip -Z1 lists one per line). */
function zipNames(zip: string): string[] {
  return execFileSync("unzip", ["-Z1", zip], { encoding: "utf8" }).split("\n").filter(Boolean);
}

/** A store rejects an upload whose manifest is not at the root, or which misses a file it names. */
function checkZip(zip: string, target: "chrome" | "firefox"): void {
  const names = new Set(zipNames(zip));
  const manifest = JSON.parse(execFileSync("unzip", ["-p", zip, "manifest.json"], { encoding: "utf8" })) as Record<string, unknown>;
  if (manifest.version !== version) throw new Error(`${zip}: manifest version ${String(manifest.version)}, package.json says ${version}`);
  const background = manifest.background as { service_worker?: string; scripts?: string[] };
  const needed = [
    ...(target === "chrome" ? [background.service_worker ?? "(no service_worker)"] : (background.scripts ?? ["(no scripts)"])),
    manifest.devtools_page as string,
    (manifest.action as { default_popup: string }).default_popup,
    ...Object.values(manifest.icons as Record<string, string>),
  ];
  const missing = needed.filter((file) => !names.has(file));
  if (missing.length > 0) throw new Error(`${zip} lacks ${missing.join(", ")}`);
  const stray = [...names].filter((n) => n.endsWith(".map") || n.startsWith(".") || n.includes("/."));
  if (stray.length > 0) throw new Error(`${zip} holds files a store build should not: ${stray.join(", ")}`);
}

/** The same gate as `npm run lint:firefox`: no error, no warning beyond the justified allowlist. */
async function lintFirefox(): Promise<void> {
  const allowlist = parseAllowlist(JSON.parse(readFileSync(join(root, "tools/webext-lint-allowlist.json"), "utf8")));
  const result = await webExt.cmd.lint(
    { sourceDir: join(root, "dist/firefox"), output: "none", selfHosted: false },
    { shouldExitProgram: false },
  );
  const verdict = judgeLint(result, allowlist);
  if (!verdict.ok) {
    for (const p of verdict.problems) say(`  web-ext lint: ${p}`);
    throw new Error("web-ext lint rejects dist/firefox (see above): addons.mozilla.org would flag it");
  }
  say(`firefox: web-ext lint: ${result.errors.length} errors, ${result.warnings.length} warnings (all ${verdict.allowed} allowlisted in tools/webext-lint-allowlist.json)`);
}

async function build(target: "chrome" | "firefox"): Promise<string> {
  const result = (await webExt.cmd.build(
    { sourceDir: join(root, "dist", target), artifactsDir, filename: `cors-lens-${target}-${version}.zip`, overwriteDest: true },
    { shouldExitProgram: false },
  )) as { extensionPath: string };
  checkZip(result.extensionPath, target);
  return result.extensionPath;
}

function sourceZip(): string | null {
  const out = join(artifactsDir, `cors-lens-source-${version}.zip`);
  try {
    execFileSync("git", ["archive", "--format=zip", `--prefix=cors-lens-${version}/`, "-o", out, "HEAD"], { cwd: root, stdio: ["ignore", "ignore", "pipe"] });
    return out;
  } catch (error) {
    say(`source zip: not written (${String(error).split("\n")[0]}); AMO needs one for bundled code: zip the repository yourself.`);
    return null;
  }
}

async function main(): Promise<void> {
  await lintFirefox();
  const chrome = await build("chrome");
  const firefox = await build("firefox");
  const source = sourceZip();
  const shown = (p: string) => relative(process.cwd(), p);
  say("");
  say(`Chrome Web Store:  ${shown(chrome)} (${size(chrome)})  → developer dashboard, "New item" / "Upload new package"`);
  say(`Firefox Add-ons:   ${shown(firefox)} (${size(firefox)})  → addons.mozilla.org developer hub, "Submit a New Add-on"`);
  if (source) say(`  sources for AMO: ${shown(source)} (${size(source)}, HEAD; build with \`npm ci && npm run build\`, output dist/firefox)`);
}

main().catch((error: unknown) => {
  process.stderr.write(`package: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
