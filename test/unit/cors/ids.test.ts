/**
 * The id lists of the engine equal the reference's: the "Complete id list" paragraph for
 * failures, the first column of the section 3 and section 4 tables for the others.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FAILURE_IDS, NON_CORS_IDS, WARNING_IDS } from "../../../src/cors/ids";

const REF = readFileSync(join(__dirname, "../../../../shared/reference/cors-failures.md"), "utf8");

function section(start: RegExp, end: RegExp): string {
  const from = REF.search(start);
  const rest = REF.slice(from);
  const to = rest.slice(1).search(end);
  return to < 0 ? rest : rest.slice(0, to + 1);
}

function firstColumnIds(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1] as string);
}

test("the failure ids are exactly the reference's complete id list", () => {
  const paragraph = section(/- Complete id list/, /Non-failures \(16\)/);
  const ids = [...paragraph.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1] as string);
  expect(ids).toHaveLength(42);
  expect([...FAILURE_IDS]).toEqual(ids);
});

test("the non-CORS ids are exactly the section 3 table", () => {
  const ids = firstColumnIds(section(/^## 3\. /m, /^## 4\. /m));
  expect(ids).toHaveLength(16);
  expect([...NON_CORS_IDS]).toEqual(ids);
});

test("the warning ids are exactly the section 4 table", () => {
  const ids = firstColumnIds(section(/^## 4\. /m, /^### 4\.1/m));
  expect(ids).toHaveLength(14);
  expect([...WARNING_IDS]).toEqual(ids);
});

test("72 ids in all, none repeated", () => {
  const all = [...FAILURE_IDS, ...NON_CORS_IDS, ...WARNING_IDS];
  expect(all).toHaveLength(72);
  expect(new Set(all).size).toBe(72);
});
