// One esbuild script: builds dist/chrome and dist/firefox from the one source manifest,
// plus the Node CLI in dist/cli. `node build.mjs --watch` rebuilds on change.
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8"));

/** Extension bundles: entry point → output name. Each page has an HTML file of the same name. */
const ENTRIES = {
  background: "src/entrypoints/background.ts",
  devtools: "src/entrypoints/devtools.ts",
  panel: "src/entrypoints/panel.tsx",
  popup: "src/entrypoints/popup.tsx",
  options: "src/entrypoints/options.tsx",
};
const PAGES = ["devtools", "panel", "popup", "options"];
const TARGETS = ["chrome", "firefox"];

function manifestFor(target) {
  const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8"));
  manifest.version = pkg.version;
  if (target === "chrome") {
    delete manifest.browser_specific_settings;
  } else {
    // Firefox MV3 runs the background as an event page: background.scripts, no service_worker.
    manifest.background = { scripts: ["background.js"] };
  }
  return manifest;
}

function extensionOptions(target) {
  return {
    entryPoints: ENTRIES,
    outdir: join(root, "dist", target),
    bundle: true,
    minify: !watch,
    sourcemap: watch ? "inline" : false,
    format: "iife",
    target: target === "chrome" ? ["chrome120"] : ["firefox128"],
    jsx: "automatic",
    jsxImportSource: "preact",
    define: { __BROWSER__: JSON.stringify(target === "chrome" ? "chromium" : "firefox"), __VERSION__: JSON.stringify(pkg.version) },
    legalComments: "none",
    logLevel: "warning",
    metafile: true,
  };
}

const cliOptions = {
  entryPoints: { "cors-lens": "src/cli/main.ts" },
  outdir: join(root, "dist", "cli"),
  outExtension: { ".js": ".mjs" },
  bundle: true,
  platform: "node",
  format: "esm",
  target: ["node20"],
  define: { __BROWSER__: JSON.stringify("chromium"), __VERSION__: JSON.stringify(pkg.version) },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: "warning",
};

/** Copies the static files (HTML, icons) and writes the browser's manifest. Real copies, never
 * symlinks: Firefox ignores symlinked files inside an unpacked add-on. */
function writeStatic(target) {
  const out = join(root, "dist", target);
  mkdirSync(out, { recursive: true });
  for (const page of PAGES) cpSync(join(root, "src/entrypoints", `${page}.html`), join(out, `${page}.html`));
  cpSync(join(root, "icons"), join(out, "icons"), { recursive: true, filter: (src) => !src.endsWith(".svg") });
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifestFor(target), null, 2)}\n`);
}

function reportSizes(target) {
  const out = join(root, "dist", target);
  const rows = Object.keys(ENTRIES).flatMap((name) =>
    ["js", "css"].flatMap((ext) => {
      const file = join(out, `${name}.${ext}`);
      try {
        const bytes = readFileSync(file);
        return [[`${name}.${ext}`, statSync(file).size, gzipSync(bytes).length]];
      } catch {
        return [];
      }
    }),
  );
  const kb = (n) => `${(n / 1024).toFixed(1)} KiB`.padStart(10);
  console.log(`dist/${target}:`);
  for (const [file, raw, gz] of rows) console.log(`  ${file.padEnd(16)} ${kb(raw)} min  ${kb(gz)} gzip`);
}

async function buildOnce() {
  for (const target of TARGETS) {
    rmSync(join(root, "dist", target), { recursive: true, force: true });
    await esbuild.build(extensionOptions(target));
    writeStatic(target);
    reportSizes(target);
  }
  await esbuild.build(cliOptions);
}

if (watch) {
  for (const target of TARGETS) {
    writeStatic(target);
    const ctx = await esbuild.context({
      ...extensionOptions(target),
      plugins: [{ name: "report", setup: (b) => b.onEnd(() => { writeStatic(target); console.log(`rebuilt dist/${target}`); }) }],
    });
    await ctx.watch();
  }
  const cli = await esbuild.context(cliOptions);
  await cli.watch();
  console.log("watching src/ …");
} else {
  await buildOnce();
}
