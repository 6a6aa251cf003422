/**
 * `npm run package`: store-ready zips in web-ext-artifacts/ —
 *   cors-lens-chrome-<version>.zip   for the Chrome Web Store (the contents of dist/chrome)
 *   cors-lens-firefox-<version>.zip  for Firefox Add-ons (web-ext build of dist/firefox)
 * `npm run build` must have run (the npm script does it).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import webExt from "web-ext";

const root = join(import.meta.dirname, "..");
const { version } = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string };
const artifactsDir = join(root, "web-ext-artifacts");

for (const target of ["chrome", "firefox"] as const) {
  const result = (await webExt.cmd.build(
    {
      sourceDir: join(root, "dist", target),
      artifactsDir,
      filename: `cors-lens-${target}-${version}.zip`,
      overwriteDest: true,
    },
    { shouldExitProgram: false },
  )) as { extensionPath: string };
  process.stdout.write(`${target}: ${result.extensionPath}\n`);
}
