/**
 * Which entry changes may wait for the entry's next write (src/platform/write-policy.ts):
 * only those a later event of the same request repeats.
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

test.each([
  // [what, event, exchange, browser, auxChanged, may wait]
  ["onResponseStarted of the request", event("responseStarted", "1"), put(true), "chromium", false, true],
  ["onResponseStarted of the preflight", event("responseStarted", "2", "OPTIONS"), put(true), "chromium", false, true],
  ["Chromium: the preflight's onHeadersReceived", event("headersReceived", "2", "OPTIONS"), put(true), "chromium", false, true],
  ["… not when it classified the OPTIONS", event("headersReceived", "2", "OPTIONS"), put(true), "chromium", true, false],
  ["… not when the preflight's request headers were never seen", event("headersReceived", "2", "OPTIONS"), put(false), "chromium", false, false],
  ["Firefox: the preflight's onHeadersReceived (a failing one ends without headers)", event("headersReceived", "2", "OPTIONS"), put(true), "firefox", false, false],
  ["the request's own onHeadersReceived (a blocked response ends in onErrorOccurred)", event("headersReceived", "1"), put(true), "chromium", false, false],
  ["onBeforeRequest", event("beforeRequest", "1"), put(true), "chromium", false, false],
  ["onSendHeaders", event("sendHeaders", "1"), put(true), "chromium", false, false],
  ["onCompleted", event("completed", "2", "OPTIONS"), put(true), "chromium", false, false],
  ["onErrorOccurred", event("errorOccurred", "1"), put(true), "chromium", false, false],
] as const)("%s → may wait: %s", (_what, e, ex, browser, auxChanged, expected) => {
  expect(canDeferWrite(e, ex, browser, auxChanged)).toBe(expected);
});
