/**
 * Every edit of the ablation tool's variants (bench/ablation-variants.ts) still finds its
 * anchor in the sources, exactly once: otherwise the tool stops (or, with two matches, edits
 * the wrong one).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VARIANTS } from "../../../bench/ablation-variants";

const root = join(__dirname, "../../..");

describe.each(Object.entries(VARIANTS))("ablation variant %s", (_name, edits) => {
  test.each(edits.map((edit) => [edit.file, edit]))("finds its anchor in %s once", (_file, edit) => {
    const text = readFileSync(join(root, edit.file), "utf8");
    expect(text.split(edit.find).length - 1).toBe(1);
    expect(edit.replace).not.toBe(edit.find);
  });
});
