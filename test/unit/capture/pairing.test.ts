/**
 * The pairing rule's tests on one exchange (src/capture/pairing.ts), case by case. The
 * assembler's tests check the same rules through whole event streams.
 */
import type { BrowserKind, Exchange } from "../../../src/cors/model";
import { better, type Candidate, compatible, waiting } from "../../../src/capture/pairing";
import { exchange, headers } from "../cors/fixtures";

/** A request not answered yet; `sent`: its headers were seen (`headers` the script set). */
function request(method: string, browser: BrowserKind, sent: Record<string, string> | null = null): Exchange {
  const ex = exchange({ method, browser, response: null, outcome: "pending" });
  const hop = ex.hops[0];
  if (hop && sent) hop.requestHeaders = headers({ ...sent, Origin: "http://127.0.0.1:3000" });
  if (hop) hop.preflightState = "unknown";
  return ex;
}

test("a request waits for its preflight until one is attached", () => {
  const ex = request("PUT", "chromium");
  expect(waiting(ex, 0, "chromium")).toBe(true);
  const answered = exchange({ method: "PUT", preflight: { status: 204 } });
  expect(waiting(answered, 0, "chromium")).toBe(false);
  expect(waiting(ex, 1, "chromium")).toBe(false); // no such hop
});

test("Chromium sends a request after its preflight, Firefox before: a sent request waits only in Firefox", () => {
  expect(waiting(request("PUT", "chromium", {}), 0, "chromium")).toBe(false);
  expect(waiting(request("PUT", "firefox", {}), 0, "firefox")).toBe(true);
  // unless it looked like a preflight-cache hit (events out of order)
  const cached = request("PUT", "chromium", {});
  if (cached.hops[0]) cached.hops[0].preflightState = "cached";
  expect(waiting(cached, 0, "chromium")).toBe(true);
});

test("a preflight fits the request whose method it asked for", () => {
  const ex = request("PUT", "chromium");
  expect(compatible(ex, 0, "PUT", null, "chromium")).toBe(true);
  expect(compatible(ex, 0, "put", null, "chromium")).toBe(true);
  expect(compatible(ex, 0, "DELETE", null, "chromium")).toBe(false);
});

test("when the request's headers are known, the preflight must name the same unsafe ones", () => {
  const ex = request("POST", "firefox", { "Content-Type": "application/json", "X-Trace": "1" });
  expect(compatible(ex, 0, "POST", ["content-type", "x-trace"], "firefox")).toBe(true);
  expect(compatible(ex, 0, "POST", ["x-trace"], "firefox")).toBe(false);
  // a preflight whose headers were lost fits a request that needs one, never a simple one
  expect(compatible(ex, 0, null, null, "firefox")).toBe(true);
  expect(compatible(request("GET", "firefox", {}), 0, null, null, "firefox")).toBe(false);
});

test("a preflight that ended after the request's answer was not its", () => {
  const ex = exchange({ method: "PUT", response: { status: 200 } });
  const late = { requestId: "9", url: ex.url, requestHeaders: null, startTime: 900, endTime: 5000 };
  const early = { ...late, endTime: 950 };
  expect(compatible(ex, 0, "PUT", null, "chromium", late)).toBe(false);
  expect(compatible(ex, 0, "PUT", null, "chromium", early)).toBe(true);
});

test("Firefox: after a redirect, a preflight may name the first hop's unsafe headers", () => {
  const ex = exchange({
    browser: "firefox",
    method: "GET",
    headers: { "Content-Type": "application/json" },
    redirects: [{ status: 302, location: "http://localhost:4001/next" }],
    response: null,
    outcome: "pending",
  });
  const [first, second] = ex.hops;
  if (!first || !second) throw new Error("two hops expected");
  first.method = "POST";
  second.requestHeaders = headers({ Origin: "null" });
  expect(compatible(ex, 1, "GET", ["content-type"], "firefox")).toBe(true);
  expect(compatible(ex, 1, "GET", ["content-type"], "chromium")).toBe(false);
});

test("candidates are preferred in flight first, then oldest start, then lowest request id", () => {
  const at = (rank: number, startTime: number, requestId: string): Candidate => {
    const ex = request("PUT", "chromium");
    ex.requestIds = [requestId];
    if (ex.hops[0]) ex.hops[0].startTime = startTime;
    return { ex, hop: 0, rank };
  };
  const list = [at(3, 1, "1"), at(0, 20, "5"), at(0, 10, "12"), at(0, 10, "9")];
  expect(list.sort(better).map((c) => c.ex.requestIds[0])).toEqual(["9", "12", "5", "1"]);
});
