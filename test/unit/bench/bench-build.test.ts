/**
 * `node build.mjs --bench` (the panel benchmark's build) rewrites one declaration of
 * src/platform/log-store.ts; it stops when the declaration is gone. This keeps a refactor from
 * finding out at the next `npm run bench`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../../..");

test("the bench build finds the storage bound it raises, once", () => {
  const build = readFileSync(join(root, "build.mjs"), "utf8");
  const pattern = /const declaration = \/(.+)\/;/.exec(build)?.[1];
  expect(pattern).toBeDefined();
  const source = readFileSync(join(root, "src/platform/log-store.ts"), "utf8");
  expect(source.match(new RegExp(pattern as string, "g"))).toHaveLength(1);
});
