/** Hostile text in the UI's text helpers: stacked combining marks are counted, not stacked. */
import { makeVisible, MAX_COMBINING, visibleSegments } from "../../../src/ui/common/text";

test("a letter with hundreds of combining marks keeps a few and counts the rest", () => {
  const zalgo = `Z${"\u0336\u0338\u0335\u0334\u0337".repeat(80)}ok`;
  expect(makeVisible(zalgo)).toBe(`Z${"\u0336\u0338\u0335\u0334"}\u27E8+396 combining marks\u27E9ok`);
  expect(visibleSegments(zalgo).map((s) => s.escaped)).toEqual([false, true, false]);
});

test("ordinary accents and scripts that stack a few marks are untouched", () => {
  for (const text of ["crème brûlée", "ñ", "e\u0301\u0302", "नमस्ते", "ḯ", `a${"\u0301".repeat(MAX_COMBINING)}`]) expect(makeVisible(text)).toBe(text);
});

test("combining runs and invisible characters together", () => {
  expect(makeVisible(`\u202Ex${"\u0300".repeat(6)}\u200B`)).toBe(`\u27E8U+202E\u27E9x${"\u0300".repeat(4)}\u27E8+2 combining marks\u27E9\u27E8U+200B\u27E9`);
});
