import { cut, makeVisible, visibleSegments } from "../../../src/ui/common/text";

test("bidi overrides, isolates, zero-width and control characters become visible escapes", () => {
  expect(makeVisible("https://a.test\u202E")).toBe("https://a.test\u27E8U+202E\u27E9");
  expect(makeVisible("a\u200Bb\u2066c\u0007d\te\uFEFF")).toBe("a⟨U+200B⟩b⟨U+2066⟩c⟨U+0007⟩d⟨U+0009⟩e⟨U+FEFF⟩");
  expect(makeVisible("plain value, ünïcode ok")).toBe("plain value, ünïcode ok");
  // the printable-ASCII shortcut ends exactly where the escapes begin
  expect(makeVisible(" ~/a?b=1")).toBe(" ~/a?b=1");
  expect(makeVisible("a\u007Fb\u001Fc")).toBe("a⟨U+007F⟩b⟨U+001F⟩c");
});

test("segments mark which parts are escapes", () => {
  expect(visibleSegments("x\u202Ey")).toEqual([
    { text: "x", escaped: false },
    { text: "⟨U+202E⟩", escaped: true },
    { text: "y", escaped: false },
  ]);
  expect(visibleSegments("")).toEqual([{ text: "", escaped: false }]);
});

test("cut keeps surrogate pairs whole", () => {
  expect(cut("abc", 5)).toEqual({ head: "abc", rest: 0 });
  expect(cut("ab😀cd", 3)).toEqual({ head: "ab", rest: 4 });
  expect(cut("a".repeat(1000), 240).rest).toBe(760);
});

test("multiline keeps line feeds and tabs (generated code), still escapes the rest", () => {
  expect(visibleSegments("a\n\tb\u202E", true).map((s) => s.text).join("")).toBe("a\n\tb⟨U+202E⟩");
});
