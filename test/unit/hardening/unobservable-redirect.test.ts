/**
 * A server redirects a request to a scheme webRequest never reports (javascript:, vbscript:):
 * in real Chromium the request then gets beforeRedirect and nothing more (its failure is
 * reported for the new URL, which no listener matches). Found by the hostile-payload e2e test,
 * where such an exchange stayed "has not finished yet" forever.
 */
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { diagnose } from "../../../src/cors/diagnose";

const base = { browser: "chromium" as const, tabId: 4, frameId: 0, type: "xmlhttprequest", initiator: "http://page.test", requestId: "40", method: "GET", url: "http://api.test/r" };
const ev = (kind: CaptureEvent["kind"], t: number, extra: Partial<CaptureEvent> = {}): CaptureEvent => ({ ...base, kind, timeStamp: t, ...extra });

function redirectTo(location: string, mode: string) {
  const asm = createAssembler({ browser: "chromium", now: () => 0 });
  asm.push(ev("beforeRequest", 1));
  asm.push(ev("sendHeaders", 2, { requestHeaders: [{ name: "Origin", value: "http://page.test" }, { name: "Sec-Fetch-Mode", value: mode }] }));
  asm.push(ev("headersReceived", 3, { statusCode: 302, responseHeaders: [{ name: "Location", value: location }] }));
  const [ex] = asm.push(ev("beforeRedirect", 4, { statusCode: 302, redirectUrl: location, responseHeaders: [{ name: "Location", value: location }] }));
  return { ex, inflight: asm.inflightCount() };
}

test.each(["javascript:window.__pwned=1", "vbscript:msgbox(1)", "x-custom:thing"])("cors mode, redirect to %s: failed as Chromium fails it, diagnosed cors-disabled-scheme", (location) => {
  const { ex, inflight } = redirectTo(location, "cors");
  expect(ex?.outcome).toEqual({ state: "failed", error: "net::ERR_FAILED", endTime: 4 });
  expect(inflight).toBe(0);
  const d = diagnose(ex as never);
  expect([d.verdict, d.failure?.id]).toEqual(["blocked", "cors-disabled-scheme"]);
});

test("no-cors mode: over, but what happened cannot be seen", () => {
  const { ex } = redirectTo("javascript:void 0", "no-cors");
  expect(ex?.outcome).toEqual({ state: "pending", interrupted: true });
  expect(diagnose(ex as never).verdict).toBe("pending");
});

test.each(["https://elsewhere.test/x", "/relative", "data:text/plain,hi", "ftp://files.test/a"])("a redirect to %s stays in flight: its next events do come", (location) => {
  const { ex, inflight } = redirectTo(location, "cors");
  expect(ex?.outcome.state).toBe("pending");
  expect(inflight).toBe(1);
});
