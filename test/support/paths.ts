/**
 * The repository root, found from the working directory (works under Jest's CommonJS and under
 * tsx's ES modules alike, where __dirname and import.meta are not both available).
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";

export function repoRoot(start = process.cwd()): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, "build.mjs")) && existsSync(join(dir, "manifest.json"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`no CORS Lens repository above ${start}`);
    dir = parent;
  }
}
