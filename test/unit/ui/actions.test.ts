import { diagnosisMarkdown } from "../../../src/ui/panel/markdown";
import { findRetestResult, planRetest } from "../../../src/ui/panel/retest";
import { entry } from "./fixtures";

test("re-test replays method, script-set headers and credentials; placeholders when never sent", () => {
  const e = entry({
    id: "x",
    url: "http://api.test/orders",
    method: "PUT",
    failure: { id: "header-not-allowed", phase: "preflight" },
    requestHeaders: [],
    preflight: {
      requestHeaders: [
        { name: "Access-Control-Request-Method", value: "PUT" },
        { name: "Access-Control-Request-Headers", value: "content-type,x-api-key" },
      ],
      status: 204,
      headers: [],
    },
  });
  const plan = planRetest({ ...e, exchange: { ...e.exchange, hops: e.exchange.hops.map((h) => ({ ...h, requestHeaders: null })) } });
  expect(plan.init).toEqual({
    method: "PUT",
    headers: { "content-type": "application/json", "x-api-key": "cors-lens-retest" },
    credentials: "same-origin",
    mode: "cors",
    cache: "no-store",
  });
  expect(plan.notes.length).toBe(3);
  expect(plan.expression).toBe(
    '(() => { fetch("http://api.test/orders", {"method":"PUT","headers":{"content-type":"application/json","x-api-key":"cors-lens-retest"},"credentials":"same-origin","mode":"cors","cache":"no-store"}).catch(() => undefined); return "started"; })()',
  );
});

test("a hostile URL cannot break out of the re-test expression", () => {
  const e = entry({ id: "y", url: 'http://api.test/"); alert(1); ("' });
  expect(planRetest(e).expression).toContain('fetch("http://api.test/\\"); alert(1); (\\"", ');
});

test("the re-test result is the next exchange with the same method and URL", () => {
  const old = entry({ id: "a", url: "http://api.test/", start: 100 });
  const other = entry({ id: "b", url: "http://api.test/other", start: 600 });
  const again = entry({ id: "c", url: "http://api.test/", start: 700 });
  expect(findRetestResult([old, other], old, 500)).toBeNull();
  expect(findRetestResult([old, other, again], old, 500)?.exchange.id).toBe("c");
});

test("copy diagnosis gives Markdown with the evidence, values made visible", () => {
  const e = entry({
    id: "z",
    url: "http://api.test/a",
    failure: { id: "acao-mismatch", received: "http://evil.test\u202E", required: "http://page.test" },
    explanation: "The server allowed another origin.",
  });
  const md = diagnosisMarkdown(e);
  expect(md).toContain("### CORS Lens: `GET http://api.test/a`");
  expect(md).toContain("- **Verdict:** blocked — `acao-mismatch` (Allow-Origin does not match)");
  expect(md).toContain("  - received: `http://evil.test⟨U+202E⟩`");
  expect(md).toContain("**Explanation.** The server allowed another origin.");
  expect(md).toContain("**Fix.** The server must send `access-control-allow-origin: http://page.test`.");
  expect(md).not.toContain("\u202E");
});
