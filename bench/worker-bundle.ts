/**
 * Bundles the Chromium worker (background.js) from a sources folder into an extension folder,
 * as build.mjs does, for the tools that measure a variant of it (profile.ts: unminified for
 * readable profiles; ablation.ts: the sources with one edit).
 */
import { join } from "node:path";
import * as esbuild from "esbuild";

export async function bundleWorker(sourceRoot: string, outdir: string, options: { minify: boolean; version: string }): Promise<void> {
  await esbuild.build({
    entryPoints: { background: join(sourceRoot, "src/entrypoints/background.ts") },
    outdir,
    bundle: true,
    minify: options.minify,
    format: "iife",
    target: ["chrome120"],
    define: { __BROWSER__: JSON.stringify("chromium"), __VERSION__: JSON.stringify(options.version) },
    logLevel: "warning",
  });
}
