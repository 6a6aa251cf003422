/**
 * Every permission the manifest asks for has a row in the README's permissions table, and
 * every row names a permission the manifest really asks for: adding one without saying why
 * fails here.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

const root = join(__dirname, "../..");
const manifest = JSON.parse(readFileSync(join(root, "manifest.json"), "utf8")) as {
  permissions?: string[];
  optional_permissions?: string[];
  host_permissions?: string[];
};
const readme = readFileSync(join(root, "README.md"), "utf8");

function justified(): Map<string, string> {
  const section = readme.split(/^## /m).find((s) => s.startsWith("Permissions"));
  if (!section) throw new Error('README.md has no "## Permissions" section');
  const rows = new Map<string, string>();
  for (const line of section.split("\n")) {
    const m = /^\|\s*`([^`]+)`\s*\|\s*(.+?)\s*\|\s*$/.exec(line);
    if (m) rows.set(m[1] as string, m[2] as string);
  }
  return rows;
}

const asked = [...(manifest.permissions ?? []), ...(manifest.optional_permissions ?? []), ...(manifest.host_permissions ?? [])];

test("the manifest asks only for justified permissions", () => {
  const rows = justified();
  for (const permission of asked) {
    expect([permission, (rows.get(permission) ?? "").length > 20]).toEqual([permission, true]);
  }
});

test("the README justifies no permission the manifest does not ask for", () => {
  expect([...justified().keys()].sort()).toEqual([...asked].sort());
});

test("no permission beyond what the features need", () => {
  expect(asked.sort()).toEqual(["<all_urls>", "storage", "webRequest"]);
});
