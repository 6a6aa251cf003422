/** The short texts the UI derives for small spaces: fix tab labels, a failing origin's one
 * line in the popup, an origin's counts, the tabs the panel's picker offers. */
import { rowOf, type TabSummary } from "../../../src/protocol";
import { shortLabel } from "../../../src/ui/panel/FixView";
import { pickableTabs } from "../../../src/ui/panel/PanelApp";
import { countsText } from "../../../src/ui/panel/rows";
import { failingLine, failingOrigins } from "../../../src/ui/popup/Popup";
import { originOf, targetOrigin } from "../../../src/ui/store/origin";
import { entry } from "./fixtures";

test("fix tabs show the server's name; the detail in parentheses heads the tab's panel", () => {
  expect(shortLabel("Express (cors package)")).toBe("Express");
  expect(shortLabel("ASP.NET Core (CORS middleware)")).toBe("ASP.NET Core");
  expect(shortLabel("nginx")).toBe("nginx");
  expect(shortLabel("(only parentheses)")).toBe("(only parentheses)");
});

test("a failing origin's line never claims one reason for all its failures", () => {
  const api = "http://api.test";
  const missing = (id: string) => entry({ id, url: `${api}/${id}`, failure: { id: "acao-missing" } });
  const list = [
    missing("a"),
    missing("b"),
    entry({ id: "c", url: `${api}/c`, failure: { id: "method-not-allowed", phase: "preflight" } }),
    entry({ id: "d", url: `${api}/d`, failure: { id: "header-not-allowed", phase: "preflight" } }),
  ];
  const [only] = failingOrigins(list.map(rowOf));
  expect(only).toEqual({ origin: api, count: 4, reason: "no Access-Control-Allow-Origin", reasonCount: 2, otherReasons: 2 });
  expect(failingLine(only as NonNullable<typeof only>)).toBe("4 failing: no Access-Control-Allow-Origin (2) and 2 other rules");
  expect(failingLine({ origin: api, count: 3, reason: "no Access-Control-Allow-Origin" })).toBe("3 × no Access-Control-Allow-Origin");
  expect(failingLine({ origin: api, count: 2, reason: "x", reasonCount: 1, otherReasons: 1 })).toBe("2 failing: x (1) and 1 other rule");
});

test("an origin's counts in words (tooltip and screen readers)", () => {
  expect(countsText({ origin: "o", total: 9, blocked: 7, allowed: 2, warnings: 3, errors: 0 })).toBe("7 blocked, 2 allowed, 3 with warnings");
  expect(countsText({ origin: "o", total: 1, blocked: 0, allowed: 0, warnings: 0, errors: 1 })).toBe("1 network error");
  expect(countsText({ origin: "o", total: 2, blocked: 0, allowed: 0, warnings: 0, errors: 0 })).toBe("2 exchanges");
});

test("the picker offers tabs with captured requests, not the extension's own pages", () => {
  const counts = (c: Partial<TabSummary["counts"]>): TabSummary["counts"] => ({
    allowed: 0,
    blocked: 0,
    notCors: 0,
    networkError: 0,
    pending: 0,
    warnings: 0,
    ...c,
  });
  const tabs: TabSummary[] = [
    { tabId: 1, pageUrl: "https://app.test/", title: "App", counts: counts({ blocked: 2 }) },
    { tabId: 2, pageUrl: "chrome-extension://abc/panel.html", title: "CORS Lens", counts: counts({ notCors: 3 }) },
    { tabId: 3, pageUrl: "https://empty.test/", title: "Empty", counts: counts({}) },
    { tabId: 4, pageUrl: "https://static.test/", title: "Static", counts: counts({ notCors: 5 }) },
    { tabId: 5, pageUrl: "moz-extension://uuid/options.html", title: "Options", counts: counts({ allowed: 1 }) },
  ];
  expect(pickableTabs(tabs).map((t) => t.tabId)).toEqual([1, 4]);
});

test("originOf and targetOrigin (by the URL's head) read a URL's origin as the URL parser does", () => {
  const urls = ["http://a.test/x", "https://a.test:443/", "http://a.test:80", "http://A.test/", "http://a.test:8080?x", "https://xn--d.test#f", "http://u@a.test/", "http://a.test:080/", "http://127.0.0.1:3000/x", "ftp://a/", "http://1.2.3/", "http://a.0x1/", "http://256.1.1.1/", "http://a.test:99999/", "https://[::1]:8/", "http://a.test?x#y", "data:text/plain,x"];
  const more = ["http://a.test\\b/c", "blob:http://a.test/uuid", "file:///x/y", "foo://h/p", "data:text/plain,a//b/c", "http:/a.test/x", "http://a.test:80/x//y?z=//w", "https://[::1]/a"];
  for (const url of [...urls, ...more]) {
    let expected: string;
    try {
      const origin = new URL(url).origin;
      expected = origin === "null" ? `${url.split(":")[0]}:` : origin;
    } catch {
      expected = "(invalid URL)";
    }
    if (urls.includes(url)) expect([url, originOf(url)]).toEqual([url, expected]);
    expect([url, targetOrigin({ url })]).toEqual([url, expected]);
  }
});
