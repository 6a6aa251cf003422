import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import type { Exchange } from "../../../src/cors/model";
import { shellQuote, toCurl } from "../../../src/export/curl";
import { neverSent, redirected, secretBlocked } from "./sample-log";

/** What a POSIX shell makes of a quoted word: run printf through sh and read it back. */
function shellWords(script: string): string[] {
  const out = execFileSync("sh", ["-c", `for a in ${script}; do printf '%s\\0' "$a"; done`], { encoding: "utf8" });
  return out.split("\0").slice(0, -1);
}

describe("shellQuote", () => {
  test.each([
    "plain",
    "it's",
    "'; rm -rf / #",
    "$(touch /tmp/cors-lens-pwned) `id` $HOME",
    "line1\nline2\r\n'\"\\",
    "",
    "a'b'c''",
  ])("%j round-trips through sh as one word", (value) => {
    expect(shellWords(shellQuote(value))).toEqual([value]);
  });
});

describe("toCurl", () => {
  test("preflight as sent, then the request (never sent: Origin only), body note", () => {
    expect(toCurl(neverSent, { redact: false })).toBe(
      [
        "# CORS Lens: PUT http://localhost:4000/items/1 from http://127.0.0.1:3000",
        "# Preflight, as the browser sent it",
        "curl \\\n  -i \\\n  -g \\\n  -X \\\n  'OPTIONS' \\\n  'http://localhost:4000/items/1' \\\n  -H 'Origin: http://127.0.0.1:3000' \\\n  -H 'Access-Control-Request-Method: PUT' \\\n  -H 'Access-Control-Request-Headers: content-type'",
        "# Request: never sent by the browser; headers reconstructed (Origin only)",
        "curl \\\n  -i \\\n  -g \\\n  -X \\\n  'PUT' \\\n  'http://localhost:4000/items/1' \\\n  -H 'Origin: http://127.0.0.1:3000'",
        "# body not captured",
        "",
      ].join("\n"),
    );
  });

  test("a cached preflight is rebuilt as the browser would send it (lower-case, sorted)", () => {
    const x: Exchange = {
      ...neverSent,
      hops: [
        {
          url: "http://localhost:4000/items/1",
          method: "PATCH",
          requestHeaders: [
            { name: "Origin", value: "http://127.0.0.1:3000" },
            { name: "X-Trace", value: "1" },
            { name: "Content-Type", value: "application/json" },
            { name: "Accept", value: "*/*" },
          ],
          startTime: 0,
          preflightState: "cached",
        },
      ],
    };
    const text = toCurl(x, { redact: false });
    expect(text).toContain("# Preflight, as the browser would send it (the browser reused a cached one)");
    expect(text).toContain("-H 'Access-Control-Request-Method: PATCH' \\\n  -H 'Access-Control-Request-Headers: content-type,x-trace'");
    expect(text).toContain("# Request, as it went out");
  });

  test("every hop of a redirect; GET has no -X and no body note", () => {
    const text = toCurl(redirected, { redact: false });
    expect(text).toContain("# Request (hop 1, after a redirect), as it went out");
    expect(text).not.toContain("-X");
    expect(text).not.toContain("body not captured");
    expect(text).not.toContain("Preflight");
  });

  test("redaction: secrets gone, -g keeps [redacted] literal in the URL", () => {
    const text = toCurl(secretBlocked, { redact: true });
    expect(text).toContain("'http://localhost:4000/me?access_token=[redacted]&x=1&Key=[redacted]#frag'");
    expect(text).toContain("-H 'Authorization: [redacted]'");
    for (const secret of ["tok-abc-123", "eyJhbGciOi", "cookie-secret-1"]) expect(text).not.toContain(secret);
    expect(toCurl(secretBlocked, { redact: false })).toContain("-H 'Authorization: Bearer eyJhbGciOi.secret'");
  });

  test("hostile values stay data: the script parses to exactly the intended words", () => {
    const evil = "x'; touch /tmp/cors-lens-pwned; echo '";
    const x: Exchange = {
      ...redirected,
      url: `http://localhost:4000/a?q=${evil}`,
      initiator: "http://127.0.0.1:3000\n rm -rf /",
      hops: [{ url: `http://localhost:4000/a?q=${evil}`, method: "GET", requestHeaders: [{ name: "X-Evil", value: `${evil}\n$(id)` }], startTime: 0, preflightState: "not-needed" }],
    };
    const text = toCurl(x, { redact: false });
    // run the whole output through sh with curl replaced by a function that prints its words
    const out = execFileSync("sh", ["-c", `curl() { for a in "$@"; do printf '%s\\0' "$a"; done; }\n${text}`], { encoding: "utf8" });
    expect(out.split("\0").slice(0, -1)).toEqual(["-i", "-g", `http://localhost:4000/a?q=${evil}`, "-H", `X-Evil: ${evil}\n$(id)`]);
    expect(existsSync("/tmp/cors-lens-pwned")).toBe(false);
    expect(text.split("\n")[0]).toBe("# CORS Lens: GET http://localhost:4000/a?q=x'; touch /tmp/cors-lens-pwned; echo ' from http://127.0.0.1:3000  rm -rf /");
  });
});
