// One esbuild script: builds dist/chrome and dist/firefox from the one source manifest,
// plus the Node CLI in dist/cli. `node build.mjs --watch` rebuilds on change.
// `node build.mjs --bench` builds only dist/chrome-bench: the Chromium build with the log's
// storage bound raised (see BENCH_STORED_BYTES), for the panel benchmark; never shipped.
import { cpSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const root = dirname(fileURLToPath(import.meta.url));
const watch = process.argv.includes("--watch");
const bench = process.argv.includes("--bench");
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

/** The bench build's one difference: all tabs' log may hold this many bytes instead of
 * STORED_BYTES_MAX (8 MB, what storage.session's 10 MB quota allows), so that one tab holds the
 * 10,000 exchanges the panel budget is about. Past the quota the worker keeps them in memory
 * only (its storage writes fail), which a benchmark that never stops the worker does not see. */
const BENCH_STORED_BYTES = "80 * 1024 * 1024";
const BENCH_DIR = "chrome-bench";

/** esbuild plugin: rewrites the STORED_BYTES_MAX declaration of log-store.ts; fails the build
 * when it is not there, rather than building a bench build that is the shipped one. */
const raiseStorageBound = {
  name: "bench-storage-bound",
  setup(b) {
    b.onLoad({ filter: /src[\\/]platform[\\/]log-store\.ts$/ }, (args) => {
      const text = readFileSync(args.path, "utf8");
      const declaration = /export const STORED_BYTES_MAX = [^;]+;/;
      if (!declaration.test(text)) throw new Error(`${args.path}: no STORED_BYTES_MAX declaration to raise for the bench build`);
      return { contents: text.replace(declaration, `export const STORED_BYTES_MAX = ${BENCH_STORED_BYTES};`), loader: "ts" };
    });
  },
};

function extensionOptions(target, dir = target) {
  return {
    entryPoints: ENTRIES,
    outdir: join(root, "dist", dir),
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
function writeStatic(target, dir = target) {
  const out = join(root, "dist", dir);
  mkdirSync(out, { recursive: true });
  for (const page of PAGES) cpSync(join(root, "src/entrypoints", `${page}.html`), join(out, `${page}.html`));
  cpSync(join(root, "icons"), join(out, "icons"), { recursive: true, filter: (src) => !src.endsWith(".svg") });
  writeFileSync(join(out, "manifest.json"), `${JSON.stringify(manifestFor(target), null, 2)}\n`);
}

function reportSizes(target, dir = target) {
  const out = join(root, "dist", dir);
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
  console.log(`dist/${dir}:`);
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

async function buildBench() {
  rmSync(join(root, "dist", BENCH_DIR), { recursive: true, force: true });
  await esbuild.build({ ...extensionOptions("chrome", BENCH_DIR), plugins: [raiseStorageBound] });
  writeStatic("chrome", BENCH_DIR);
  reportSizes("chrome", BENCH_DIR);
  console.log(`  (bench build: storage bound ${BENCH_STORED_BYTES} bytes instead of STORED_BYTES_MAX)`);
}

if (bench) {
  await buildBench();
} else if (watch) {
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
