/**
 * Which entry changes may wait for the entry's next write (src/platform/write-policy.ts):
 * only those a later event of the same request repeats (for the request's own response: when
 * it passes the CORS check, after which Chromium goes on to onCompleted with its headers).
 */
import type { CaptureEvent } from "../../../src/capture/events";
import type { Exchange } from "../../../src/cors/model";
import { canDeferWrite } from "../../../src/platform/write-policy";

const URL = "http://api.test/items";

function event(kind: CaptureEvent["kind"], requestId: string, method = "PUT"): CaptureEvent {
  return { kind, browser: "chromium", requestId, tabId: 1, frameId: 0, url: URL, method, type: "xmlhttprequest", timeStamp: 5 };
}

/** a PUT (request 1) whose preflight (request 2) was classified with its request headers */
function put(preflightHeaders: boolean): Exchange {
  return {
    id: "r1",
    browser: "chromium",
    tabId: 1,
    frameId: 0,
    initiator: "http://page.test",
    type: "xmlhttprequest",
    method: "PUT",
    url: URL,
    startTime: 1,
    hops: [
      {
        url: URL,
        method: "PUT",
        requestHeaders: null,
        startTime: 1,
        preflightState: "sent",
        preflight: { requestId: "2", url: URL, requestHeaders: preflightHeaders ? [{ name: "Access-Control-Request-Method", value: "PUT" }] : null, startTime: 2 },
      },
    ],
    outcome: { state: "pending" },
    trafficClass: "cross-origin",
    requestIds: ["1", "2"],
  };
}

const h = (name: string, value: string) => ({ name, value });
const ALLOW = [h("Access-Control-Allow-Origin", "http://page.test")];
/** Chromium's headers of a cross-site fetch without credentials (no Sec-Fetch-Storage-Access) */
const CORS_FETCH = [h("Origin", "http://page.test"), h("Sec-Fetch-Mode", "cors")];

/** the PUT after its preflight, its own response (request 1) just received */
function answered(headers: { name: string; value: string }[], sent = CORS_FETCH, status = 200): Exchange {
  const ex = put(true);
  const hop = ex.hops[0] as Exchange["hops"][number];
  hop.requestHeaders = sent;
  hop.response = { status, statusText: "", headers, time: 9 };
  return ex;
}

test.each([
  // [what, event, exchange, browser, auxChanged, may wait]
  ["onResponseStarted of the request", event("responseStarted", "1"), put(true), "chromium", false, true],
  ["onResponseStarted of the preflight", event("responseStarted", "2", "OPTIONS"), put(true), "chromium", false, true],
  ["Chromium: the preflight's onHeadersReceived", event("headersReceived", "2", "OPTIONS"), put(true), "chromium", false, true],
  ["… not when it classified the OPTIONS", event("headersReceived", "2", "OPTIONS"), put(true), "chromium", true, false],
  ["… not when the preflight's request headers were never seen", event("headersReceived", "2", "OPTIONS"), put(false), "chromium", false, false],
  ["Firefox: the preflight's onHeadersReceived (a failing one ends without headers)", event("headersReceived", "2", "OPTIONS"), put(true), "firefox", false, false],
  ["the request's own onHeadersReceived before its headers were seen", event("headersReceived", "1"), put(true), "chromium", false, false],
  ["Chromium: the request's onHeadersReceived when the response passes the CORS check", event("headersReceived", "1"), answered(ALLOW), "chromium", false, true],
  ["… not when it fails (a blocked response ends in onErrorOccurred, without headers)", event("headersReceived", "1"), answered([]), "chromium", false, false],
  ["… not when it passes only without credentials and the mode is unknown", event("headersReceived", "1"), answered([h("Access-Control-Allow-Origin", "*")], [h("Origin", "http://page.test")]), "chromium", false, false],
  ["… but when Chromium's headers show no credentials", event("headersReceived", "1"), answered([h("Access-Control-Allow-Origin", "*")]), "chromium", false, true],
  ["… not when a cookie makes the request credentialed", event("headersReceived", "1"), answered(ALLOW, [...CORS_FETCH, h("Cookie", "a=1")]), "chromium", false, false],
  ["… but when the response allows credentials", event("headersReceived", "1"), answered([...ALLOW, h("Access-Control-Allow-Credentials", "true")], [...CORS_FETCH, h("Cookie", "a=1")]), "chromium", false, true],
  ["… not for a redirect", event("headersReceived", "1"), answered(ALLOW, undefined, 307), "chromium", false, false],
  ["… not without an Origin header (no-cors: ORB may still block it)", event("headersReceived", "1"), answered(ALLOW, [h("Sec-Fetch-Mode", "no-cors")]), "chromium", false, false],
  ["… not in Firefox", event("headersReceived", "1"), answered(ALLOW), "firefox", false, false],
  ["onBeforeRequest", event("beforeRequest", "1"), put(true), "chromium", false, false],
  ["onSendHeaders", event("sendHeaders", "1"), put(true), "chromium", false, false],
  ["onCompleted", event("completed", "2", "OPTIONS"), put(true), "chromium", false, false],
  ["onErrorOccurred", event("errorOccurred", "1"), put(true), "chromium", false, false],
] as const)("%s → may wait: %s", (_what, e, ex, browser, auxChanged, expected) => {
  expect(canDeferWrite(e, ex, browser, auxChanged)).toBe(expected);
});
