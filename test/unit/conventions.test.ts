/**
 * Convention test: the layers of design.md, enforced. Imports point one way (down), only
 * src/platform and src/entrypoints touch extension APIs, the engine knows no DOM, no
 * source file writes HTML from strings, and none grows past MAX_LINES.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";

const SRC = resolve(__dirname, "../../src");

type Layer = "cors" | "capture" | "export" | "platform" | "ui" | "entrypoints" | "cli" | "protocol" | "types";

/** layer → the layers it may import (itself always allowed) */
const ALLOWED: Record<Layer, Layer[]> = {
  cors: ["types"],
  capture: ["cors", "types"],
  export: ["cors", "capture", "types", "protocol"],
  protocol: ["cors", "types"],
  platform: ["cors", "capture", "export", "protocol", "types"],
  ui: ["cors", "export", "protocol", "types"],
  cli: ["cors", "capture", "export", "types"],
  entrypoints: ["cors", "capture", "export", "platform", "ui", "protocol", "types"],
  types: [],
};
/** bare packages each layer may import */
const PACKAGES: Record<Layer, RegExp> = {
  cors: /^$/,
  capture: /^$/,
  export: /^$/,
  protocol: /^$/,
  types: /^$/,
  platform: /^webextension-polyfill$/,
  ui: /^preact(\/.*)?$/,
  cli: /^node:/,
  entrypoints: /^(preact(\/.*)?|webextension-polyfill)$/,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

function layerOf(path: string): Layer {
  const rel = relative(SRC, path);
  if (rel === "protocol.ts") return "protocol";
  const top = rel.split(/[\\/]/)[0] as Layer;
  if (!(top in ALLOWED)) throw new Error(`file outside a known layer: src/${rel}`);
  return top;
}

function importsOf(source: string): string[] {
  const specs: string[] = [];
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|^\s*import\s*["']([^"']+)["']/gm;
  for (const m of source.matchAll(re)) specs.push((m[1] ?? m[2] ?? m[3]) as string);
  return specs;
}

/** Strips comments and string literals so that words in prose do not count as code. */
function codeOnly(source: string): string {
  return source
    .replace(/\/\*[\s\S]*?\*\//g, "")
    .replace(/(^|[^:])\/\/.*$/gm, "$1")
    .replace(/`(?:\\[\s\S]|[^`\\])*`/g, "``")
    .replace(/"(?:\\.|[^"\\\n])*"/g, '""')
    .replace(/'(?:\\.|[^'\\\n])*'/g, "''");
}

const all = files(SRC);

/** A file that long does more than one job: split it where the jobs part (the HAR reader became
 * head, entry, group, build, reader and stream; the assembler lost its event fields and its
 * snapshot reading) rather than raise this. */
const MAX_LINES = 750;

test("the source tree is not empty", () => {
  expect(all.length).toBeGreaterThan(5);
});

describe.each(all.map((f) => [relative(SRC, f), f]))("%s", (_rel, path) => {
  const source = readFileSync(path, "utf8");
  const layer = layerOf(path);

  test("imports only from allowed layers and packages", () => {
    for (const spec of importsOf(source)) {
      if (spec.startsWith(".")) {
        const target = resolve(dirname(path), spec);
        const targetLayer = layerOf(target.endsWith(".ts") || target.endsWith(".tsx") ? target : `${target}.ts`);
        if (targetLayer !== layer) expect([layer, "->", targetLayer]).toEqual([layer, "->", ALLOWED[layer].find((l) => l === targetLayer) ?? `(forbidden) ${targetLayer}`]);
      } else {
        expect([layer, spec, PACKAGES[layer].test(spec)]).toEqual([layer, spec, true]);
      }
    }
  });

  test("touches extension APIs only in platform and entry points", () => {
    if (layer === "platform" || layer === "entrypoints") return;
    const code = codeOnly(source);
    expect(code).not.toMatch(/\b(chrome|browser)\s*\.\s*(runtime|webRequest|storage|tabs|action|devtools|downloads|scripting)\b/);
  });

  test("the engine, capture and export layers know no DOM", () => {
    if (!["cors", "capture", "export", "protocol"].includes(layer)) return;
    const code = codeOnly(source);
    expect(code).not.toMatch(/\b(document|window|navigator|localStorage|HTMLElement)\s*[.[]/);
  });

  test(`has at most ${MAX_LINES} lines`, () => {
    expect(source.split("\n").length).toBeLessThanOrEqual(MAX_LINES);
  });

  test("never writes HTML from strings", () => {
    const code = codeOnly(source);
    expect(code).not.toMatch(/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|dangerouslySetInnerHTML|document\.write\(/);
    expect(code).not.toMatch(/\beval\s*\(|new\s+Function\s*\(/);
  });
});
