/** Bundles: bytes of the built worker, panel, popup and devtools scripts (and their CSS),
 * minified as the build ships them and gzipped (level 9, as a store download would be). */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import type { Row } from "./report";

const BUNDLES: [string, string][] = [
  ["worker", "background"],
  ["panel", "panel"],
  ["popup", "popup"],
  ["devtools", "devtools"],
];

export function benchBundles(dist: string): Row[] {
  const rows: Row[] = [];
  for (const [label, name] of BUNDLES) {
    for (const ext of ["js", "css"]) {
      const file = join(dist, `${name}.${ext}`);
      if (!existsSync(file)) continue;
      const bytes = readFileSync(file);
      rows.push({
        part: "bundles",
        measure: `${label}: ${name}.${ext} minified (gzip ${(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1)} KiB)`,
        unit: "KiB",
        value: bytes.length / 1024,
      });
    }
  }
  return rows;
}
