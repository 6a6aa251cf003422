/**
 * Hardening, hostile input in "Copy as curl": the commands are run by a real POSIX shell
 * (bash, with `curl` replaced by a function that prints its arguments). Every hostile value —
 * the payloads of the e2e test plus shell metacharacter attacks — arrives as exactly one
 * argument, byte for byte, and nothing else runs.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toCurl } from "../../../src/export/curl";
import type { Exchange } from "../../../src/cors/model";
import { useTempDir } from "../support/temp-dir";
import { PAYLOADS } from "./payloads";

const tempDir = useTempDir("cors-lens-curl-");

const attacks = (marker: string) => [
  `$(touch ${marker})`,
  `\`touch ${marker}\``,
  `'; touch ${marker}; echo '`,
  `"; touch ${marker}; echo "`,
  `\\'; touch ${marker}; #`,
  `x\ntouch ${marker}\n`,
  `$'\\x27'; touch ${marker}`,
  `!!; touch ${marker}`,
  `\${IFS}; touch ${marker}`,
];

const END = "<<end of command>>";

/** Runs scripts in one shell, `curl` printing its arguments; returns the arguments of each
 * script's commands. */
function runInShell(scripts: string[]): string[][] {
  const body = scripts.map((s) => `${s}\nprintf '%s\\0' '${END}'\n`).join("");
  // the script on stdin: a 100 KB header value is longer than one argv string may be
  const out = execFileSync("bash", ["--noprofile", "--norc", "-s"], { input: `curl() { printf '%s\\0' "$@"; }\n${body}`, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const groups: string[][] = [[]];
  for (const arg of out.split("\u0000").slice(0, -1)) {
    if (arg === END) groups.push([]);
    else groups[groups.length - 1]?.push(arg);
  }
  return groups.slice(0, -1);
}

function exchangeWith(name: string, value: string, url = "http://api.test/x"): Exchange {
  return {
    id: "r1",
    browser: "chromium",
    tabId: 1,
    frameId: 0,
    initiator: "http://app.test",
    type: "xmlhttprequest",
    method: "GET",
    url,
    startTime: 0,
    trafficClass: "cross-origin",
    requestIds: ["1"],
    outcome: { state: "completed", endTime: 1 },
    hops: [{ url, method: "GET", startTime: 0, preflightState: "not-needed", requestHeaders: [{ name: "Origin", value: "http://app.test" }, { name, value }] }],
  };
}

// header values as the browser reports them (text; a NUL cannot be a shell argument), each
// payload's distinct values (the 3,000-line one adds nothing 3,000 times)
const values = [
  ...new Set([
    ...PAYLOADS.flatMap((p) => [...(p.headers ?? []), ...(p.preflight ?? [])].slice(0, 5).map(([, v]) => (typeof v === "string" ? v : v.toString("latin1")))),
    ...attacks(join(tmpdir(), "never")),
  ]),
].filter((v) => !v.includes("\u0000"));

test(`${values.length} hostile header values: one argument each, byte for byte`, () => {
  expect(values.length).toBeGreaterThan(50);
  const results = runInShell(values.map((value) => toCurl(exchangeWith("X-Payload", value), { redact: false })));
  expect(results).toHaveLength(values.length);
  values.forEach((value, i) => {
    const args = results[i] ?? [];
    expect({ value: value.slice(0, 60), found: args.includes(`X-Payload: ${value}`) }).toEqual({ value: value.slice(0, 60), found: true });
  });
});

test("shell metacharacters in a header value, a URL and a method run nothing", () => {
  const marker = join(tempDir(), "pwned");
  for (const attack of attacks(marker)) {
    const ex = exchangeWith("X-Attack", attack, `http://api.test/${encodeURIComponent("a")}?q=${attack.replace(/[\s#]/g, "")}`);
    ex.method = `GET${attack.replace(/\s/g, "")}`;
    if (ex.hops[0]) ex.hops[0].method = ex.method;
    const [args] = runInShell([toCurl(ex, { redact: false })]);
    expect(args).toContain(`X-Attack: ${attack}`);
    expect(existsSync(marker)).toBe(false);
  }
});
