#!/usr/bin/env node
// cors-lens launcher: runs the bundled CLI (dist/cli/cors-lens.mjs). When the bundle is
// missing (a fresh clone), it builds it once with `node build.mjs`, then runs it.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bundle = join(root, "dist", "cli", "cors-lens.mjs");

if (!existsSync(bundle)) {
  process.stderr.write("cors-lens: dist/cli/cors-lens.mjs is missing; building it with `node build.mjs`…\n");
  const built = spawnSync(process.execPath, [join(root, "build.mjs")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (built.status !== 0 || !existsSync(bundle)) {
    process.stderr.write(`cors-lens: the build failed. Run \`npm install\` and \`npm run build\` in ${root}, then try again.\n`);
    process.exit(2);
  }
}
const { run } = await import(pathToFileURL(bundle).href);
process.exitCode = await run(process.argv.slice(2));
