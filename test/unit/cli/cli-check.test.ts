/**
 * `cors-lens check` against a tiny local server (127.0.0.1 only), through main() with the real
 * node:http sender. The server records every request so the tests see exactly what went out.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { runCli } from "../support/cli";

const ORIGIN = "http://app.test";
let server: Server;
let base: string;
let otherBase: string;
const seen: { method: string; path: string; headers: [string, string][] }[] = [];

function pairs(req: IncomingMessage): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < req.rawHeaders.length; i += 2) out.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  return out;
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "/").split("?")[0] as string;
  seen.push({ method: req.method ?? "", path, headers: pairs(req) });
  const origin = req.headers.origin ?? "";
  const preflight = req.method === "OPTIONS";
  const send = (status: number, headers: Record<string, string>) => {
    res.writeHead(status, headers);
    res.end("ok");
  };
  switch (path) {
    case "/allowed":
      send(preflight ? 204 : 200, { "Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Methods": "PUT", "Access-Control-Allow-Headers": "content-type", Vary: "Origin" });
      return;
    case "/no-acao":
      send(preflight ? 204 : 200, { "Content-Type": "application/json" });
      return;
    case "/methods":
      send(preflight ? 204 : 200, { "Access-Control-Allow-Origin": ORIGIN, "Access-Control-Allow-Methods": "GET, POST", Vary: "Origin" });
      return;
    case "/wildcard":
      send(200, { "Access-Control-Allow-Origin": "*" });
      return;
    case "/reflect":
      send(preflight ? 204 : 200, { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true", Vary: "Origin" });
      return;
    case "/hop":
      send(302, { Location: `${otherBase}/wildcard`, "Access-Control-Allow-Origin": "*" });
      return;
    case "/hop-userinfo":
      send(302, { Location: `${base.replace("://", "://user:secret@")}/wildcard`, "Access-Control-Allow-Origin": "*" });
      return;
    case "/hop-data":
      send(302, { Location: "data:text/plain,hi", "Access-Control-Allow-Origin": "*" });
      return;
    case "/hop-pre":
      if (preflight) send(204, { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": "x-a" });
      else send(307, { Location: `${otherBase}/pre-target`, "Access-Control-Allow-Origin": origin });
      return;
    case "/pre-target":
      send(preflight ? 204 : 200, preflight ? { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Headers": "x-a" } : { "Access-Control-Allow-Origin": "*" });
      return;
    case "/post-301":
      if (preflight) send(204, { "Access-Control-Allow-Origin": origin, "Access-Control-Allow-Methods": "POST", "Access-Control-Allow-Headers": "content-type" });
      else send(301, { Location: `${base}/post-target`, "Access-Control-Allow-Origin": origin });
      return;
    case "/post-target":
      send(preflight ? 204 : 200, { "Access-Control-Allow-Origin": preflight ? origin : "*" });
      return;
    case "/hop-no-acao":
      send(302, { Location: `${otherBase}/wildcard` });
      return;
    default:
      send(404, {});
      return;
  }
}

beforeAll(async () => {
  server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  otherBase = `http://localhost:${port}`; // same server, another origin
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
});

interface JsonResult {
  results: {
    browser: string;
    verdict: string;
    failure: { id: string; phase: string } | null;
    explanation: string;
    fix: { preflight: { name: string; value: string }[]; response: { name: string; value: string }[] } | null;
    exchange: { outcome: { state: string; error?: string } };
  }[];
  audit?: { label: string; origin: string; severity: string; trustedWithCredentials: boolean }[];
}

const verdicts = (json: JsonResult) => json.results.map((r) => `${r.browser} ${r.verdict}${r.failure ? ` ${r.failure.id}` : ""}`);

test("allowed: exit 0, both browsers, a PUT with a preflight sent as a browser does", async () => {
  const { code, out } = await runCli(["check", `${base}/allowed`, "--origin", ORIGIN, "--method", "PUT", "--header", "Content-Type: application/json", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium allowed", "firefox allowed"]);
  expect(code).toBe(0);
  const options = seen.find((s) => s.method === "OPTIONS");
  expect(options?.headers).toEqual(
    expect.arrayContaining([
      ["Origin", ORIGIN],
      ["Access-Control-Request-Method", "PUT"],
      ["Access-Control-Request-Headers", "content-type"],
    ]),
  );
  expect(seen.map((s) => s.method)).toEqual(["OPTIONS", "PUT", "OPTIONS", "PUT"]);
});

test("acao-missing: exit 1, the rule and the fix header", async () => {
  const { code, out } = await runCli(["check", `${base}/no-acao`, "--origin", ORIGIN, "--json"]);
  const json = JSON.parse(out) as JsonResult;
  expect(verdicts(json)).toEqual(["chromium blocked acao-missing", "firefox blocked acao-missing"]);
  expect(json.results[0]?.fix?.response).toContainEqual({ name: "Access-Control-Allow-Origin", value: ORIGIN });
  expect(code).toBe(1);
  // a simple GET: no preflight
  expect(seen.map((s) => s.method)).toEqual(["GET", "GET"]);
});

test("method-not-allowed: the actual request is never sent", async () => {
  const { code, out } = await runCli(["check", `${base}/methods`, "--origin", ORIGIN, "--method", "DELETE", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium blocked method-not-allowed", "firefox blocked method-not-allowed"]);
  expect(code).toBe(1);
  expect(seen.map((s) => s.method)).toEqual(["OPTIONS", "OPTIONS"]);
});

test("wildcard with --credentials", async () => {
  const { code, out } = await runCli(["check", `${base}/wildcard`, "--origin", ORIGIN, "--credentials", "--browser", "chromium", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium blocked acao-wildcard-with-credentials"]);
  expect(code).toBe(1);
  const plain = await runCli(["check", `${base}/wildcard`, "--origin", ORIGIN, "--browser", "chromium", "--json"]);
  expect(verdicts(JSON.parse(plain.out))).toEqual(["chromium allowed"]);
});

test("Access-Control-Request-Headers: lower-case, sorted, comma without space; safelisted ones left out", async () => {
  await runCli(["check", `${base}/reflect`, "--origin", ORIGIN, "--browser", "firefox", "--header", "X-B: 1", "--header", "Content-Type: application/json", "--header", "X-A: 2", "--header", "Accept-Language: en"]);
  const options = seen.find((s) => s.method === "OPTIONS");
  expect(options?.headers.find(([n]) => n === "Access-Control-Request-Headers")).toEqual(["Access-Control-Request-Headers", "content-type,x-a,x-b"]);
});

test("a cross-origin redirect taints the origin: the next hop sends Origin: null", async () => {
  const { code, out } = await runCli(["check", `${base}/hop`, "--origin", ORIGIN, "--browser", "chromium", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium allowed"]);
  expect(code).toBe(0);
  expect(seen.map((s) => `${s.path} ${s.headers.find(([n]) => n === "Origin")?.[1]}`)).toEqual(["/hop http://app.test", "/wildcard null"]);
});

test.each([
  ["chromium", "null"],
  ["firefox", ORIGIN],
])("%s: the preflight of the hop after a tainting redirect carries Origin %s, as the browser sends it; the request itself null", async (browser, preflightOrigin) => {
  const { code, out } = await runCli(["check", `${base}/hop-pre`, "--origin", ORIGIN, "--header", "X-A: 1", "--browser", browser, "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual([`${browser} allowed`]);
  expect(code).toBe(0);
  expect(seen.map((s) => `${s.method} ${s.path} ${s.headers.find(([n]) => n === "Origin")?.[1]}`)).toEqual([
    `OPTIONS /hop-pre ${ORIGIN}`,
    `GET /hop-pre ${ORIGIN}`,
    `OPTIONS /pre-target ${preflightOrigin}`,
    "GET /pre-target null",
  ]);
});

test.each([
  ["chromium", ["OPTIONS /post-301", "POST /post-301 application/json", "GET /post-target -"]],
  ["firefox", ["OPTIONS /post-301", "POST /post-301 application/json", "OPTIONS /post-target", "GET /post-target -"]],
])("%s: a 301 turns a JSON POST into a GET without its Content-Type; Firefox preflights it all the same", async (browser, requests) => {
  const { code, out } = await runCli(["check", `${base}/post-301`, "--origin", ORIGIN, "--method", "POST", "--header", "Content-Type: application/json", "--browser", browser as string, "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual([`${browser} allowed`]);
  expect(code).toBe(0);
  expect(seen.map((s) => (s.method === "OPTIONS" ? `${s.method} ${s.path}` : `${s.method} ${s.path} ${s.headers.find(([n]) => n === "Content-Type")?.[1] ?? "-"}`))).toEqual(requests);
  const targetPreflight = seen.find((s) => s.method === "OPTIONS" && s.path === "/post-target");
  if (targetPreflight) expect(targetPreflight.headers.find(([n]) => n === "Access-Control-Request-Method")?.[1]).toBe("GET");
});

test.each(["manual", "error"])("--redirect %s: the request stops at a 3xx that passes the CORS check; the target is never requested", async (mode) => {
  const { code, out } = await runCli(["check", `${base}/hop`, "--origin", ORIGIN, "--redirect", mode, "--json"]);
  const json = JSON.parse(out) as JsonResult;
  // each browser as it shows the stop (src/cors/redirect-stop.ts): Chromium aborts, Firefox completes at the 3xx
  expect(json.results.map((r) => r.exchange.outcome)).toEqual([expect.objectContaining({ state: "failed", error: "net::ERR_ABORTED" }), expect.objectContaining({ state: "completed" })]);
  expect(json.results.map((r) => `${r.browser} ${r.verdict} ${r.failure?.id} at ${r.failure?.phase}`)).toEqual(["chromium network-error non-cors-aborted at redirect", "firefox network-error non-cors-aborted at redirect"]);
  expect(json.results[0]?.explanation).toContain("302");
  expect(code).toBe(1);
  expect(seen.map((s) => s.path)).toEqual(["/hop", "/hop"]);
  const text = await runCli(["check", `${base}/hop`, "--origin", ORIGIN, "--redirect", mode, "--browser", "chromium"]);
  expect(text.out).toContain(`from ${ORIGIN}, redirect: ${mode}`);
});

test.each(["manual", "error"])("--redirect %s: a Location the browser would not follow (user:pass@) does not matter, the request stops at the 3xx", async (mode) => {
  const { out } = await runCli(["check", `${base}/hop-userinfo`, "--origin", ORIGIN, "--redirect", mode, "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium network-error non-cors-aborted", "firefox network-error non-cors-aborted"]);
});

test("--redirect manual, a data: Location: Chromium still refuses it (net::ERR_UNSAFE_REDIRECT), Firefox stops at the 3xx", async () => {
  const { out } = await runCli(["check", `${base}/hop-data`, "--origin", ORIGIN, "--redirect", "manual", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium network-error redirect-disallowed-scheme", "firefox network-error non-cors-aborted"]);
});

test("--redirect manual: a 3xx that fails the CORS check is blocked there, as when following", async () => {
  const { out } = await runCli(["check", `${base}/hop-no-acao`, "--origin", ORIGIN, "--redirect", "manual", "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium blocked redirect-acao-missing", "firefox blocked redirect-acao-missing"]);
  const follow = await runCli(["check", `${base}/hop-no-acao`, "--origin", ORIGIN, "--json"]);
  expect(verdicts(JSON.parse(follow.out))).toEqual(["chromium blocked redirect-acao-missing", "firefox blocked redirect-acao-missing"]);
});

test("a redirect to user:pass@: Chromium blocks it as CORS, Firefox fails it as a network error naming the rule (as each browser does)", async () => {
  const { out } = await runCli(["check", `${base}/hop-userinfo`, "--origin", ORIGIN, "--json"]);
  const json = JSON.parse(out) as JsonResult;
  expect(verdicts(json)).toEqual(["chromium blocked redirect-userinfo", "firefox network-error redirect-userinfo"]);
  expect(json.results[1]?.exchange.outcome).toEqual(expect.objectContaining({ state: "failed", error: "NS_ERROR_UNEXPECTED" }));
  expect(seen.map((s) => s.path)).toEqual(["/hop-userinfo", "/hop-userinfo"]);
});

test("--audit: a server reflecting any origin with credentials is high severity", async () => {
  const { out } = await runCli(["check", `${base}/reflect`, "--origin", "https://app.example", "--browser", "chromium", "--audit", "--json"]);
  const json = JSON.parse(out) as JsonResult;
  expect(json.audit?.map((a) => `${a.label} ${a.origin} ${a.severity}`)).toEqual([
    "foreign site https://evil.example high",
    "null origin null high",
    "prefix look-alike https://app.example.evil.example high",
    "suffix look-alike https://evilapp.example high",
    "http variant http://app.example high",
  ]);
  const strict = await runCli(["check", `${base}/allowed`, "--origin", ORIGIN, "--browser", "chromium", "--audit"]);
  expect(strict.out).toContain("Audit (only for servers you are responsible for):");
  expect(strict.out).toContain("ok     foreign site: https://evil.example: not trusted");
});

test("a network error: exit 1, named as such", async () => {
  const closed = createServer();
  await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((resolve) => closed.close(() => resolve()));
  const { code, out } = await runCli(["check", `http://127.0.0.1:${port}/x`, "--origin", ORIGIN, "--json"]);
  expect(verdicts(JSON.parse(out))).toEqual(["chromium network-error non-cors-network-error", "firefox network-error non-cors-network-error"]);
  expect(code).toBe(1);
});

test.each([
  [["check", "http://x.test/"], "check needs --origin"],
  [["check", "ftp://x.test/", "--origin", ORIGIN], "the URL must be http or https"],
  [["check", "http://x.test/", "--origin", "https://a.test/path"], "without path or query"],
  [["check", "http://x.test/", "--origin", ORIGIN, "--header", "X-A: a\r\nInjected: 1"], "may not contain CR, LF or NUL"],
  [["check", "http://x.test/", "--origin", ORIGIN, "--browser", "safari"], "--browser must be chromium, firefox or both"],
  [["check", "http://x.test/", "--origin", ORIGIN, "--frobnicate"], "unknown option --frobnicate"],
  [["check", "http://x.test/", "--origin", ORIGIN, "--redirect", "follow-once"], "--redirect must be one of follow, manual, error"],
])("bad arguments %j → exit 2", async (args, message) => {
  const { code, err } = await runCli(args);
  expect(code).toBe(2);
  expect(err).toContain(message);
});
