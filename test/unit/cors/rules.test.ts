/** The rules as data (cors-failures.md section 1): one input in, the expected answer out. */
import { corsCheck } from "../../../src/cors/cors-check";
import { parseNameList, parseTokenList } from "../../../src/cors/list-parse";
import { preflightCacheLifetime } from "../../../src/cors/max-age";
import { isForbiddenMethod, isSafelistedMethod, normalizeMethod, redirectedMethod } from "../../../src/cors/methods";
import { mimeEssence } from "../../../src/cors/mime";
import { hostOf, originOf } from "../../../src/cors/origin";
import { needsPreflight } from "../../../src/cors/preflight";
import { isForbiddenRequestHeader, safelistVerdict, unsafeRequestHeaders } from "../../../src/cors/request-headers";
import { headers } from "./fixtures";

describe("origins", () => {
  test.each([
    ["https://Example.COM:443/path?q#f", "https://example.com"],
    ["http://example.com:80/", "http://example.com"],
    ["http://example.com:8080", "http://example.com:8080"],
    ["http://[::1]:3000/x", "http://[::1]:3000"],
    ["data:text/plain,hi", "null"],
    ["file:///etc/passwd", "null"],
    ["not a url", "null"],
  ])("%s → %s", (url, origin) => expect(originOf(url)).toBe(origin));

  // origins and hosts are parsed from the URL's scheme and authority alone (cached by that
  // text): the URL parser must agree for URLs whose path, query or fragment would confuse a
  // naive split, each asked after a URL with the same prefix filled the cache
  test.each([
    "http://a.test\\@evil.test/x",
    "http://a.test\\evil.test",
    "https://user:pw@a.test:443/p",
    "http://a.test/x@evil.test/",
    "http://a.test?x=//evil.test/",
    "http://a.test#//evil.test",
    "http://a.test:80?q",
    "http://A.Test./",
    "http://a\ttest/",
    "http://[::1]/",
    "http://xn--nxasmq6b.test/",
    "http://münchen.test/",
    "http://a.test:99999/",
    "http://",
    "https:/a.test/x",
    "http:a.test",
  ])("%s: the same origin and host as the whole URL's", (url) => {
    const key = url.slice(0, Math.max(url.indexOf("/", 8), 8));
    originOf(`${key}/warm`);
    hostOf(`${key}/warm`);
    let expected = { origin: "null", host: "" };
    try {
      const u = new URL(url);
      expected = { origin: u.origin, host: u.hostname };
    } catch {
      // unparsable
    }
    expect({ origin: originOf(url), host: hostOf(url) }).toEqual(expected);
  });
});

describe("methods", () => {
  test("safelisted methods are byte-exact", () => {
    expect(["GET", "HEAD", "POST", "get", "PUT"].map(isSafelistedMethod)).toEqual([true, true, true, false, false]);
  });
  test("forbidden methods in any case", () => {
    expect(["connect", "TRACE", "Track", "PATCH"].map(isForbiddenMethod)).toEqual([true, true, true, false]);
  });
  test("only the six are normalized: delete → DELETE, patch stays patch", () => {
    expect(["delete", "get", "options", "patch", "Purge", "mkcol"].map(normalizeMethod)).toEqual(["DELETE", "GET", "OPTIONS", "patch", "Purge", "mkcol"]);
  });
  test.each([
    ["POST", 301, "GET"],
    ["POST", 302, "GET"],
    ["PUT", 302, "PUT"],
    ["PUT", 303, "GET"],
    ["HEAD", 303, "HEAD"],
    ["POST", 307, "POST"],
    ["post", 308, "post"],
  ])("after a redirect: %s + %d → %s", (method, status, want) => expect(redirectedMethod(method, status)).toBe(want));
});

describe("CORS-safelisted request headers", () => {
  test.each([
    ["Accept", "application/json", "ok"],
    ["Accept", `text/${"a".repeat(123)}`, "ok"], // 128 bytes
    ["Accept", `text/${"a".repeat(124)}`, "value-too-long"], // 129 bytes
    ["Accept", 'text/"x"', "unsafe-bytes"],
    ["Accept-Language", "en-US,en;q=0.9", "ok"],
    ["Accept-Language", "en_US", "unsafe-bytes"],
    ["Content-Language", "de", "ok"],
    ["Content-Type", "text/plain", "ok"],
    ["Content-Type", "text/plain;charset=UTF-8", "ok"],
    ["Content-Type", "Multipart/Form-Data; boundary=x", "ok"],
    ["Content-Type", "application/json", "content-type-value"],
    ["Content-Type", 'text/plain; charset="utf-8"', "unsafe-bytes"],
    ["Content-Type", "text/plain garbage", "content-type-value"],
    ["Content-Type", "text", "content-type-value"],
    ["Range", "bytes=0-10", "ok"],
    ["Range", "bytes=5-", "ok"],
    ["Range", "bytes=10-5", "value"],
    ["Range", "bytes=-5", "value"],
    ["Range", "bytes=0-10,20-30", "value"],
    ["Range", "bytes= 0-10", "value"],
    ["X-Custom", "1", "name"],
    ["Authorization", "Bearer x", "name"],
  ])("%s: %s → %s", (name, value, verdict) => expect(safelistVerdict(name, value, "firefox")).toBe(verdict));

  test("non-ASCII bytes count as UTF-8 bytes towards 128", () => {
    expect(safelistVerdict("Accept", "é".repeat(64), "chromium")).toBe("ok");
    expect(safelistVerdict("Accept", `${"é".repeat(64)}a`, "chromium")).toBe("value-too-long");
  });

  test("Chromium-only safelisted names are unsafe for Firefox", () => {
    expect(safelistVerdict("DPR", "2", "chromium")).toBe("ok");
    expect(safelistVerdict("DPR", "2", "firefox")).toBe("name");
    expect(safelistVerdict("DPR", "two", "chromium")).toBe("value");
    expect(safelistVerdict("Save-Data", "ON", "chromium")).toBe("ok");
    expect(safelistVerdict("ECT", "4g", "chromium")).toBe("ok");
    expect(safelistVerdict("Viewport-Width", "1.5", "chromium")).toBe("value");
  });

  test("safelisted values over 1024 bytes together all become unsafe", () => {
    const nine = headers([
      ["Accept", "a".repeat(128)],
      ["Accept-Language", "b".repeat(128)],
      ["Content-Language", "c".repeat(128)],
      ["Content-Type", `text/plain;x=${"d".repeat(115)}`],
      ["Accept", "e".repeat(128)],
      ["Accept", "f".repeat(128)],
      ["Accept", "g".repeat(128)],
      ["Accept", "h".repeat(128)],
    ]);
    expect(unsafeRequestHeaders(nine, "chromium")).toEqual([]);
    nine.push({ name: "Range", value: "bytes=0-1" });
    expect(unsafeRequestHeaders(nine, "chromium")).toEqual([
      { name: "accept", reason: "total-too-long" },
      { name: "accept-language", reason: "total-too-long" },
      { name: "content-language", reason: "total-too-long" },
      { name: "content-type", reason: "total-too-long" },
      { name: "range", reason: "total-too-long" },
    ]);
  });

  test("forbidden request headers", () => {
    expect(["Cookie", "Origin", "Sec-Fetch-Mode", "Proxy-Authorization", "Referer", "Authorization", "X-Custom"].map((n) => isForbiddenRequestHeader(n))).toEqual([true, true, true, true, true, false, false]);
    expect(isForbiddenRequestHeader("X-HTTP-Method-Override", "GET, trace")).toBe(true);
    expect(isForbiddenRequestHeader("X-HTTP-Method-Override", "PATCH")).toBe(false);
  });

  test("strict MIME parse", () => {
    expect(mimeEssence(" Text/Plain ; charset=utf-8")).toBe("text/plain");
    expect(mimeEssence("text/")).toBeNull();
    expect(mimeEssence("/plain")).toBeNull();
  });
});

describe("needsPreflight (headers as sent; browser additions ignored)", () => {
  const sent = (extra: [string, string][]) =>
    headers([["Origin", "http://a"], ["User-Agent", "x"], ["Accept-Encoding", "gzip"], ["Sec-Fetch-Mode", "cors"], ["Cookie", "a=b"], ["Accept-Language", "en-US,en;q=0.9"], ["Referer", "http://a/"], ["Priority", "u=1, i"], ...extra]);
  test("a simple GET", () => expect(needsPreflight("GET", sent([]), "chromium")).toEqual({ needed: false, methodUnsafe: false, unsafeHeaders: [] }));
  test("lower-case get is not safelisted (it was not normalized)", () => expect(needsPreflight("get", sent([]), "chromium").methodUnsafe).toBe(true));
  test("PUT", () => expect(needsPreflight("PUT", sent([]), "chromium")).toEqual({ needed: true, methodUnsafe: true, unsafeHeaders: [] }));
  test("custom and JSON headers, sorted lower-case, de-duplicated", () =>
    expect(needsPreflight("POST", sent([["X-B", "1"], ["Content-Type", "application/json"], ["x-b", "2"], ["Authorization", "t"]]), "firefox").unsafeHeaders).toEqual(["authorization", "content-type", "x-b"]));
  test("DPR: Chromium no preflight, Firefox preflight", () => {
    expect(needsPreflight("GET", sent([["DPR", "2"]]), "chromium").needed).toBe(false);
    expect(needsPreflight("GET", sent([["DPR", "2"]]), "firefox").unsafeHeaders).toEqual(["dpr"]);
  });
  test("a script-set Accept-Language with _ preflights", () => expect(needsPreflight("GET", headers([["Accept-Language", "en_US"]]), "chromium").unsafeHeaders).toEqual(["accept-language"]));
  test("DevTools no-cache headers and cache revalidation are not script-set", () =>
    expect(needsPreflight("GET", sent([["Cache-Control", "no-cache"], ["Pragma", "no-cache"], ["If-None-Match", '"x"']]), "chromium").needed).toBe(false));
  test("a preflight's own headers: Access-Control-Request-Headers is the authority", () =>
    expect(needsPreflight("OPTIONS", headers([["Access-Control-Request-Method", "PUT"], ["Access-Control-Request-Headers", "x-a,x-b"]]), "chromium")).toEqual({ needed: true, methodUnsafe: true, unsafeHeaders: ["x-a", "x-b"] }));
  test("null headers", () => expect(needsPreflight("GET", null, "chromium").needed).toBe(false));
});

describe("list headers", () => {
  test.each([
    ["GET, POST", true, ["GET", "POST"]],
    ["  X-B ,, ", true, ["X-B"]],
    [" ,\t,", true, []],
    ["GET; POST", false, []],
    ["GET POST", false, []],
    ['"PUT"', false, []],
    ["X-Token: abc", false, []],
  ])("%j", (value, ok, items) => {
    const parsed = parseTokenList(value);
    expect(parsed.ok).toBe(ok);
    if (ok) expect(parsed.items).toEqual(items);
  });
  test("the first bad item is named (Firefox reports it)", () => expect(parseTokenList("GET, PU T, X;Y")).toEqual({ ok: false, items: ["GET"], badItem: "PU T" }));
  test("Access-Control-Request-Headers names: lower-case, sorted, unique", () => expect(parseNameList("X-B, x-a ,x-b,,")).toEqual(["x-a", "x-b"]));
});

describe("the CORS check", () => {
  const O = "http://127.0.0.1:3000";
  const check = (h: [string, string][], include: boolean, browser: "chromium" | "firefox", origin = O) => corsCheck(headers(h), origin, include, browser)?.id ?? "pass";
  test.each([
    ["origin", [["Access-Control-Allow-Origin", O]], false, "pass", "pass"],
    ["star", [["Access-Control-Allow-Origin", "*"]], false, "pass", "pass"],
    ["star with credentials", [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"]], true, "acao-wildcard-with-credentials", "acao-wildcard-with-credentials"],
    ["absent", [], false, "acao-missing", "acao-missing"],
    ["two lines", [["Access-Control-Allow-Origin", O], ["access-control-allow-origin", O]], false, "acao-multiple", "acao-multiple"],
    ["two star lines", [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Origin", "*"]], false, "acao-multiple", "acao-multiple"],
    // Firefox's webRequest joins two lines with ", ": one line "a, b" looks the same (see below)
    ["comma list on one line", [["Access-Control-Allow-Origin", `${O}, https://x.com`]], false, "acao-multiple", "acao-multiple"],
    ["space list on one line (no joined-lines separator)", [["Access-Control-Allow-Origin", `${O} https://x.com`]], false, "acao-multiple", "acao-mismatch"],
    ["no scheme", [["Access-Control-Allow-Origin", "example.com"]], false, "acao-invalid", "acao-mismatch"],
    ["empty", [["Access-Control-Allow-Origin", ""]], false, "acao-invalid", "acao-mismatch"],
    ["wildcard subdomain parses", [["Access-Control-Allow-Origin", "http://*.example.com"]], false, "acao-mismatch", "acao-mismatch"],
    ["null literal", [["Access-Control-Allow-Origin", "null"]], false, "acao-mismatch", "acao-mismatch"],
    ["credentials, no ACAC", [["Access-Control-Allow-Origin", O]], true, "acac-missing-or-not-true", "acac-missing-or-not-true"],
    ["credentials, ACAC True", [["Access-Control-Allow-Origin", O], ["Access-Control-Allow-Credentials", "True"]], true, "acac-missing-or-not-true", "acac-missing-or-not-true"],
    ["credentials, ACAC twice", [["Access-Control-Allow-Origin", O], ["Access-Control-Allow-Credentials", "true"], ["Access-Control-Allow-Credentials", "true"]], true, "acac-missing-or-not-true", "acac-missing-or-not-true"],
    ["credentials ok", [["Access-Control-Allow-Origin", O], ["Access-Control-Allow-Credentials", "true"]], true, "pass", "pass"],
  ] as [string, [string, string][], boolean, string, string][])("%s", (_name, h, include, chromium, firefox) => {
    expect([check(h, include, "chromium"), check(h, include, "firefox")]).toEqual([chromium, firefox]);
  });
  test("Firefox: a joined value may be two lines or one list, so the other id stays a candidate", () => {
    const joined = corsCheck(headers([["Access-Control-Allow-Origin", `${O}, ${O}`]]), O, false, "firefox");
    expect(joined).toMatchObject({ id: "acao-multiple", variant: "joined-lines", candidates: ["acao-mismatch"] });
    const twoLines = corsCheck(headers([["Access-Control-Allow-Origin", O], ["Access-Control-Allow-Origin", O]]), O, false, "firefox");
    expect(twoLines?.candidates).toBeUndefined();
  });
  test("a tainted origin compares with null", () => {
    expect(check([["Access-Control-Allow-Origin", "null"]], false, "chromium", "null")).toBe("pass");
    expect(check([["Access-Control-Allow-Origin", O]], false, "chromium", "null")).toBe("acao-mismatch");
  });
  test("mismatch variants", () => {
    const variant = (v: string) => corsCheck(headers([["Access-Control-Allow-Origin", v]]), O, false, "chromium")?.variant;
    expect([variant(`${O}/`), variant("https://127.0.0.1:3000"), variant("http://127.0.0.1:3001"), variant("http://localhost:3000"), variant("null")]).toEqual(["trailing-slash", "scheme", "port", "host", "null-literal"]);
  });
});

describe("preflight cache lifetime", () => {
  test.each([
    [null, "chromium", 5, "absent-or-zero"],
    ["0", "chromium", 0, "absent-or-zero"],
    ["600", "chromium", 600, undefined],
    ["86400", "chromium", 7200, "over-cap"],
    ["86400", "firefox", 86400, undefined],
    ["100000", "firefox", 86400, "over-cap"],
    ["abc", "chromium", 5, "invalid"],
    ["abc", "firefox", 0, "invalid"],
    ["-1", "chromium", 0, "invalid"],
  ] as const)("%s in %s → %d s", (value, browser, seconds, variant) => {
    expect(preflightCacheLifetime(value, browser)).toEqual(variant ? { seconds, variant } : { seconds });
  });
});
