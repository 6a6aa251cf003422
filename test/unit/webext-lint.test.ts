/** The web-ext lint gate (tools/webext-lint-judge.ts) and its allowlist file. */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { type AllowEntry, judgeLint, parseAllowlist } from "../../tools/webext-lint-judge";

const ROOT = resolve(__dirname, "../..");
const entry = (file: string, count = 1): AllowEntry => ({ code: "UNSAFE_VAR_ASSIGNMENT", file, count, justification: "Preact's renderer line, unreachable here." });
const innerHtml = (file: string) => ({ code: "UNSAFE_VAR_ASSIGNMENT", message: "Unsafe assignment to innerHTML", file });

describe("judgeLint", () => {
  test("allowlisted warnings pass", () =>
    expect(judgeLint({ errors: [], warnings: [innerHtml("panel.js")] }, [entry("panel.js")])).toEqual({ ok: true, problems: [], allowed: 1 }));
  test("any error fails, whatever the allowlist", () =>
    expect(judgeLint({ errors: [{ code: "MANIFEST_FIELD_REQUIRED", message: "x", file: "manifest.json" }], warnings: [] }, []).ok).toBe(false));
  test("a second occurrence in the same file exceeds the count and fails", () => {
    const v = judgeLint({ errors: [], warnings: [innerHtml("panel.js"), innerHtml("panel.js")] }, [entry("panel.js")]);
    expect(v.problems).toEqual(["warning UNSAFE_VAR_ASSIGNMENT (panel.js) is not in tools/webext-lint-allowlist.json: Unsafe assignment to innerHTML"]);
  });
  test("the same code in another file fails", () => expect(judgeLint({ errors: [], warnings: [innerHtml("background.js")] }, [entry("panel.js")]).ok).toBe(false));
  test("a stale entry fails", () =>
    expect(judgeLint({ errors: [], warnings: [] }, [entry("panel.js")]).problems).toEqual(["allowlist entry UNSAFE_VAR_ASSIGNMENT (panel.js) matched no warning: remove it"]));
});

describe("tools/webext-lint-allowlist.json", () => {
  const list = parseAllowlist(JSON.parse(readFileSync(resolve(ROOT, "tools/webext-lint-allowlist.json"), "utf8")));
  test("is short and every entry is justified", () => {
    expect(list.length).toBeLessThanOrEqual(5);
    for (const e of list) expect(e.justification.length).toBeGreaterThan(40);
  });
  test("the README's Firefox section names every allowlisted code and file", () => {
    const readme = readFileSync(resolve(ROOT, "README.md"), "utf8");
    const firefox = readme.slice(readme.indexOf("## Firefox"));
    for (const e of list) {
      expect(firefox).toContain(e.code);
      expect(firefox).toContain(e.file);
    }
  });
  test("an entry without a justification is refused", () =>
    expect(() => parseAllowlist({ warnings: [{ code: "X", file: "a.js", count: 1, justification: "" }] })).toThrow(/justification/));
});
