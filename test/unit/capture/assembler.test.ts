/**
 * The assembler on event streams recorded from real Chromium (test/fixtures/events/chromium,
 * written by tools/record-fixtures.ts): the expected exchanges for each scenario, then the same
 * streams interleaved, shuffled, cut by a worker restart and in Firefox's order.
 */
import { createAssembler } from "../../../src/capture/assembler";
import type { CaptureEvent } from "../../../src/capture/events";
import { headerValue } from "../../../src/capture/headers";
import type { Exchange } from "../../../src/cors/model";
import { canonical, fixtureNames, interleave, loadFixture, prng, replay, shuffle } from "./helpers";

const only = (exchanges: Exchange[]): Exchange => {
  expect(exchanges).toHaveLength(1);
  return exchanges[0] as Exchange;
};
const failedWith = (ex: Exchange) => (ex.outcome.state === "failed" ? ex.outcome.error : ex.outcome.state);

describe("recorded Chromium scenarios", () => {
  test("all fixtures are present", () => {
    expect(fixtureNames()).toEqual(
      expect.arrayContaining([
        "cached-preflight",
        "concurrent-puts",
        "connection-refused",
        "credentials-wildcard",
        "custom-header",
        "missing-acao",
        "no-cors-image",
        "preflight-method-missing",
        "preflight-pass",
        "preflight-redirect",
        "redirect-cross-origin-null",
        "redirect-same-origin",
        "same-origin",
        "server-error-no-acao",
        "simple-allowed",
      ]),
    );
  });

  test("simple-allowed: one cross-origin exchange, no preflight needed, completed", () => {
    const ex = only(replay(loadFixture("simple-allowed")));
    expect(ex.trafficClass).toBe("cross-origin");
    expect(ex.hops).toHaveLength(1);
    expect(ex.hops[0]?.preflightState).toBe("not-needed");
    expect(ex.hops[0]?.response?.status).toBe(200);
    expect(headerValue(ex.hops[0]?.requestHeaders, "origin")).toBe(ex.initiator);
    expect(ex.outcome.state).toBe("completed");
  });

  test.each(["missing-acao", "credentials-wildcard", "server-error-no-acao"])(
    "%s: response headers kept although the browser then failed it",
    (name) => {
      const ex = only(replay(loadFixture(name)));
      expect(failedWith(ex)).toBe("net::ERR_FAILED");
      expect(ex.hops[0]?.response?.status).toBe(name === "server-error-no-acao" ? 500 : 200);
      expect(ex.hops[0]?.response?.headers.length).toBeGreaterThan(0);
    },
  );

  test("preflight-pass: the OPTIONS is folded into the PUT it guards", () => {
    const ex = only(replay(loadFixture("preflight-pass")));
    const hop = ex.hops[0];
    expect(ex.method).toBe("PUT");
    expect(hop?.preflightState).toBe("sent");
    expect(hop?.preflight?.response?.status).toBe(204);
    expect(headerValue(hop?.preflight?.requestHeaders, "access-control-request-method")).toBe("PUT");
    expect(ex.requestIds).toHaveLength(2);
    expect(ex.outcome.state).toBe("completed");
  });

  test("preflight-method-missing: preflight completed, request never sent, ERR_FAILED", () => {
    const ex = only(replay(loadFixture("preflight-method-missing")));
    expect(ex.hops[0]?.preflight?.response?.status).toBe(204);
    expect(ex.hops[0]?.requestHeaders).toBeNull();
    expect(failedWith(ex)).toBe("net::ERR_FAILED");
  });

  test("custom-header: the preflight asks for x-custom", () => {
    const ex = only(replay(loadFixture("custom-header")));
    expect(headerValue(ex.hops[0]?.preflight?.requestHeaders, "access-control-request-headers")).toBe("x-custom");
    expect(ex.hops[0]?.preflightState).toBe("sent");
  });

  test("cached-preflight: the second PUT sent no OPTIONS, so it used the cache", () => {
    const exchanges = replay(loadFixture("cached-preflight"));
    expect(exchanges).toHaveLength(2);
    expect(exchanges.map((e) => e.hops[0]?.preflightState)).toEqual(["sent", "cached"]);
    expect(exchanges.every((e) => e.outcome.state === "completed")).toBe(true);
  });

  test("redirect-same-origin: two hops, the 302 with its Location", () => {
    const ex = only(replay(loadFixture("redirect-same-origin")));
    expect(ex.hops).toHaveLength(2);
    expect(ex.hops[0]?.response?.status).toBe(302);
    expect(ex.hops[0]?.redirectUrl).toBe(ex.hops[1]?.url);
    expect(headerValue(ex.hops[0]?.response?.headers, "location")).toBe(ex.hops[1]?.url);
    expect(ex.hops[1]?.response?.status).toBe(200);
    expect(ex.outcome.state).toBe("completed");
  });

  test("redirect-cross-origin-null: second hop sent with Origin: null and failed", () => {
    const ex = only(replay(loadFixture("redirect-cross-origin-null")));
    expect(ex.hops).toHaveLength(2);
    expect(headerValue(ex.hops[1]?.requestHeaders, "origin")).toBe("null");
    expect(new URL(ex.hops[1]?.url ?? "").origin).not.toBe(new URL(ex.url).origin);
    expect(failedWith(ex)).toBe("net::ERR_FAILED");
  });

  test("preflight-redirect: the preflight's 302 is recorded on the preflight", () => {
    const ex = only(replay(loadFixture("preflight-redirect")));
    expect(ex.hops).toHaveLength(1);
    expect(ex.hops[0]?.preflight?.response?.status).toBe(302);
    expect(failedWith(ex)).toBe("net::ERR_FAILED");
  });

  test("connection-refused: the network error string is kept", () => {
    const ex = only(replay(loadFixture("connection-refused")));
    expect(failedWith(ex)).toBe("net::ERR_CONNECTION_REFUSED");
    expect(ex.trafficClass).toBe("cross-origin");
  });

  test("same-origin and no-cors image are classified, not dropped", () => {
    expect(only(replay(loadFixture("same-origin"))).trafficClass).toBe("same-origin");
    const img = only(replay(loadFixture("no-cors-image")));
    expect(img.type).toBe("image");
    expect(img.hops[0]?.preflightState).toBe("not-needed");
    expect(headerValue(img.hops[0]?.requestHeaders, "sec-fetch-mode")).toBe("no-cors");
  });

  test("concurrent-puts: each OPTIONS pairs with the PUT created before it, in order", () => {
    const events = loadFixture("concurrent-puts");
    const exchanges = replay(events);
    expect(exchanges).toHaveLength(5);
    // Expected pairing from the recording: the k-th PUT (by onBeforeRequest) gets the k-th OPTIONS.
    const puts = [...new Set(events.filter((e) => e.method === "PUT").map((e) => e.requestId))];
    const options = [...new Set(events.filter((e) => e.method === "OPTIONS").map((e) => e.requestId))];
    const pairs = Object.fromEntries(exchanges.map((e) => [e.requestIds[0], e.hops[0]?.preflight?.requestId]));
    expect(pairs).toEqual(Object.fromEntries(puts.map((p, i) => [p, options[i]])));
    expect(exchanges.every((e) => e.outcome.state === "completed" && e.hops[0]?.preflightState === "sent")).toBe(true);
  });
});

describe("order independence", () => {
  const names = fixtureNames();

  test.each(names)("%s: 30 random interleavings of the requests give the same exchanges", (name) => {
    const events = loadFixture(name);
    // Identical requests are interchangeable: which OPTIONS goes with which PUT (and so which
    // of two identical PUTs used the cache) may change with the interleaving; the multiset of
    // exchanges may not.
    const interchangeable = name === "concurrent-puts" || name === "cached-preflight";
    const expected = canonical(replay(events), interchangeable);
    for (let seed = 1; seed <= 30; seed++) {
      const mixed = interleave(events, prng(seed));
      expect({ seed, result: canonical(replay(mixed), interchangeable) }).toEqual({ seed, result: expected });
    }
  });

  test.each(names)("%s: fully shuffled streams never throw and lose no request", (name) => {
    const events = loadFixture(name);
    const expected = replay(events);
    for (let seed = 1; seed <= 30; seed++) {
      const result = replay(shuffle(events, prng(seed)));
      const ids = result.flatMap((e) => e.requestIds).sort();
      expect(ids).toEqual([...new Set(events.map((e) => e.requestId))].sort());
      // Each request the page made ends the way it ended in the browser. (A preflight whose
      // every event comes before its request's may become an exchange of its own: with the
      // order gone, nothing tells it from a page's own OPTIONS.)
      const pageMade = new Set(expected.map((e) => e.id));
      const outcomes = (xs: Exchange[]) => xs.filter((e) => pageMade.has(e.id)).map((e) => `${e.id} ${failedWith(e)}`).sort();
      expect(outcomes(result)).toEqual(outcomes(expected));
    }
  });
});

describe("worker restart", () => {
  test.each(fixtureNames())("%s: snapshot → JSON → restore at every point gives the same result", (name) => {
    const events = loadFixture(name);
    const expected = canonical(replay(events));
    for (let cut = 0; cut <= events.length; cut++) {
      const first = createAssembler({ browser: "chromium" });
      const out = new Map<string, Exchange>();
      for (const e of events.slice(0, cut)) for (const ex of first.push(e)) out.set(ex.id, structuredClone(ex));
      const second = createAssembler({ browser: "chromium" });
      second.restore(JSON.parse(JSON.stringify(first.snapshot())));
      for (const e of events.slice(cut)) for (const ex of second.push(e)) out.set(ex.id, structuredClone(ex));
      expect({ cut, result: canonical([...out.values()]) }).toEqual({ cut, result: expected });
    }
  });

  test("a preflight lost while no worker ran is not taken for a cache hit", () => {
    const events = loadFixture("preflight-pass");
    const put = events.find((e) => e.method === "PUT")?.requestId;
    const start = events.findIndex((e) => e.requestId === put);
    const resume = events.findIndex((e, i) => i > start && e.requestId === put && e.kind !== "beforeRequest");
    const lost = events.slice(start + 1, resume);
    // the fixture's OPTIONS runs between the PUT's first event and its next one
    expect(lost.length).toBeGreaterThan(0);
    expect(lost.every((e) => e.method === "OPTIONS")).toBe(true);
    const run = (gap: boolean) => {
      const first = createAssembler({ browser: "chromium" });
      for (const e of events.slice(0, start + 1)) first.push(e);
      const snapshot = JSON.parse(JSON.stringify(first.snapshot())) as ReturnType<typeof first.snapshot>;
      // what the restarting worker does to what was in flight (background-service.ts)
      if (gap) for (const { exchange } of snapshot.inflight) exchange.captureGap = "after-start";
      const second = createAssembler({ browser: "chromium" });
      second.restore(snapshot);
      let last: Exchange | undefined;
      for (const e of events.slice(resume)) for (const ex of second.push(e)) if (ex.method === "PUT") last = structuredClone(ex);
      return last;
    };
    expect(run(true)?.hops[0]?.preflightState).toBe("unknown");
    expect(run(true)?.outcome.state).toBe("completed");
    // the same events with no worker restart in between read as a cache hit
    expect(run(false)?.hops[0]?.preflightState).toBe("cached");
  });

  test("flushInterrupted ends what is in flight as pending + interrupted", () => {
    const events = loadFixture("preflight-pass");
    let clock = 0;
    const asm = createAssembler({ browser: "chromium", now: () => clock });
    for (const e of events.slice(0, 3)) asm.push(e);
    clock = (events[2]?.timeStamp ?? 0) + 1000;
    expect(asm.flushInterrupted(5000)).toEqual([]);
    const flushed = asm.flushInterrupted(500);
    expect(flushed).toHaveLength(1);
    expect(flushed[0]?.outcome).toEqual({ state: "pending", interrupted: true });
    expect(asm.inflightCount()).toBe(0);
  });
});

describe("Firefox order", () => {
  /** Firefox: the request's onSendHeaders comes before its preflight's onBeforeRequest. */
  function firefoxOrder(events: CaptureEvent[]): CaptureEvent[] {
    const ff = events.map((e) => ({ ...e, browser: "firefox" as const }));
    const actualSend = ff.find((e) => e.kind === "sendHeaders" && e.method !== "OPTIONS");
    const rest = ff.filter((e) => e !== actualSend);
    const firstOptions = rest.findIndex((e) => e.method === "OPTIONS");
    if (!actualSend || firstOptions < 0) return ff;
    return [...rest.slice(0, firstOptions), actualSend, ...rest.slice(firstOptions)];
  }

  test("preflight-pass in Firefox order pairs the same way", () => {
    const ex = only(replay(firefoxOrder(loadFixture("preflight-pass")), "firefox"));
    expect(ex.hops[0]?.preflightState).toBe("sent");
    expect(ex.hops[0]?.preflight?.response?.status).toBe(204);
    expect(ex.browser).toBe("firefox");
  });

  test("custom-header in Firefox order: ACRH matches the request's unsafe headers", () => {
    const ex = only(replay(firefoxOrder(loadFixture("custom-header")), "firefox"));
    expect(ex.hops[0]?.preflightState).toBe("sent");
  });

  test("initiator comes from originUrl", () => {
    const [e] = loadFixture("simple-allowed");
    const { initiator: _dropped, ...rest } = e as CaptureEvent;
    const ex = only(replay([{ ...rest, browser: "firefox", originUrl: "http://page.test:8080/app/index.html" }], "firefox"));
    expect(ex.initiator).toBe("http://page.test:8080");
  });
});

describe("pairing rule on synthetic interleavings", () => {
  const base = { browser: "chromium" as const, tabId: 7, frameId: 0, type: "xmlhttprequest", initiator: "http://page.test" };
  const url = "http://api.test/items";
  const ev = (requestId: string, kind: CaptureEvent["kind"], method: string, t: number, extra: Partial<CaptureEvent> = {}): CaptureEvent => ({
    ...base,
    requestId,
    kind,
    method,
    url,
    timeStamp: t,
    ...extra,
  });
  const acrm = (m: string, h?: string) => ({
    requestHeaders: [
      { name: "Access-Control-Request-Method", value: m },
      ...(h ? [{ name: "Access-Control-Request-Headers", value: h }] : []),
      { name: "Origin", value: "http://page.test" },
    ],
  });

  test("an OPTIONS pairs with the request whose method it names", () => {
    const events = [
      ev("1", "beforeRequest", "PUT", 1),
      ev("2", "beforeRequest", "DELETE", 2),
      ev("3", "beforeRequest", "OPTIONS", 3),
      ev("4", "beforeRequest", "OPTIONS", 4),
      ev("4", "sendHeaders", "OPTIONS", 5, acrm("DELETE")),
      ev("3", "sendHeaders", "OPTIONS", 6, acrm("PUT")),
    ];
    const byId = Object.fromEntries(replay(events).map((e) => [e.id, e.hops[0]?.preflight?.requestId]));
    expect(byId).toEqual({ r1: "3", r2: "4" });
  });

  test("a page's own OPTIONS (no Access-Control-Request-Method) is an exchange of its own", () => {
    const events = [
      ev("1", "beforeRequest", "PUT", 1),
      ev("2", "beforeRequest", "OPTIONS", 2),
      ev("2", "sendHeaders", "OPTIONS", 3, { requestHeaders: [{ name: "Origin", value: "http://page.test" }] }),
      ev("2", "completed", "OPTIONS", 4, { statusCode: 200 }),
    ];
    const result = replay(events);
    expect(result.map((e) => e.id).sort()).toEqual(["r1", "r2"]);
    expect(result.find((e) => e.id === "r1")?.hops[0]?.preflight).toBeUndefined();
    expect(result.find((e) => e.id === "r2")?.outcome.state).toBe("completed");
  });

  test("a preflight seen before its request waits for it", () => {
    const events = [
      ev("2", "beforeRequest", "OPTIONS", 2),
      ev("2", "sendHeaders", "OPTIONS", 3, acrm("PATCH")),
      ev("2", "completed", "OPTIONS", 4, { statusCode: 204 }),
      ev("1", "beforeRequest", "PATCH", 1),
      ev("1", "sendHeaders", "PATCH", 5, { requestHeaders: [{ name: "Origin", value: "http://page.test" }] }),
      ev("1", "completed", "PATCH", 6, { statusCode: 200 }),
    ];
    const ex = only(replay(events));
    expect(ex.hops[0]?.preflight?.requestId).toBe("2");
    expect(ex.hops[0]?.preflight?.response?.status).toBe(204);
  });

  test("an OPTIONS at a redirect target pairs with the hop the redirect added", () => {
    const target = "http://api2.test/moved";
    const events = [
      ev("1", "beforeRequest", "PUT", 1, { url: "http://page.test/old" }),
      ev("1", "sendHeaders", "PUT", 2, { url: "http://page.test/old", requestHeaders: [] }),
      ev("1", "beforeRedirect", "PUT", 3, { url: "http://page.test/old", statusCode: 307, redirectUrl: target, responseHeaders: [{ name: "Location", value: target }] }),
      ev("2", "beforeRequest", "OPTIONS", 4, { url: target }),
      ev("2", "sendHeaders", "OPTIONS", 5, { url: target, ...acrm("PUT") }),
    ];
    const ex = only(replay(events));
    expect(ex.hops.map((h) => h.preflight?.requestId)).toEqual([undefined, "2"]);
  });

  test("a finished request waiting for a late preflight is a candidate while remembered, not after", () => {
    // r1 finished without a preflight (it looked like a preflight-cache hit); then `others`
    // requests at other URLs finish; then an OPTIONS for r1's URL arrives (out of order)
    const stream = (others: number) => [
      ev("1", "beforeRequest", "PUT", 1),
      ev("1", "sendHeaders", "PUT", 2, { requestHeaders: [{ name: "Origin", value: "http://page.test" }, { name: "Sec-Fetch-Mode", value: "cors" }] }),
      ev("1", "completed", "PUT", 3, { statusCode: 200 }),
      ...Array.from({ length: others }, (_, i) => [
        ev(`o${i}`, "beforeRequest", "GET", 10 + i, { url: `http://api.test/other/${i}` }),
        ev(`o${i}`, "completed", "GET", 10 + i, { url: `http://api.test/other/${i}`, statusCode: 200 }),
      ]).flat(),
      ev("9", "beforeRequest", "OPTIONS", 5000),
      ev("9", "sendHeaders", "OPTIONS", 5001, acrm("PUT")),
      ev("9", "completed", "OPTIONS", 5002, { statusCode: 204 }),
    ];
    const paired = (others: number) => replay(stream(others)).find((e) => e.id === "r1")?.hops[0]?.preflight?.requestId;
    expect(paired(10)).toBe("9");
    // 256 exchanges are remembered: r1 is forgotten, the OPTIONS becomes an exchange of its own
    const late = replay(stream(300));
    expect(late.find((e) => e.id === "r1")?.hops[0]?.preflight).toBeUndefined();
    expect(late.find((e) => e.id === "r9")?.method).toBe("OPTIONS");
  });

  test("a request in another tab or from another initiator is never paired", () => {
    const events = [
      ev("1", "beforeRequest", "PUT", 1, { tabId: 8 }),
      ev("2", "beforeRequest", "PUT", 2, { initiator: "http://other.test" }),
      ev("3", "beforeRequest", "OPTIONS", 3),
      ev("3", "sendHeaders", "OPTIONS", 4, acrm("PUT")),
    ];
    const result = replay(events);
    expect(result.every((e) => e.hops[0]?.preflight === undefined)).toBe(true);
  });
});

describe("malformed input never throws", () => {
  const good: CaptureEvent = {
    kind: "beforeRequest",
    browser: "chromium",
    requestId: "1",
    tabId: 1,
    frameId: 0,
    url: "http://api.test/x",
    method: "GET",
    type: "xmlhttprequest",
    timeStamp: 1,
    initiator: "http://page.test",
  };
  const cases: [string, CaptureEvent][] = [
    ["unknown type", { ...good, type: "quantum_entanglement" }],
    ["data: URL", { ...good, url: "data:text/plain,hi" }],
    ["unparsable URL", { ...good, url: "::::" }],
    ["no initiator", { ...good, initiator: undefined }],
    ["initiator null", { ...good, initiator: "null" }],
    ["huge header", { ...good, kind: "headersReceived", statusCode: 200, responseHeaders: [{ name: "X-Big", value: "a".repeat(1_000_000) }] }],
    ["terminal event first", { ...good, kind: "errorOccurred", error: "net::ERR_ABORTED" }],
    ["redirect without target", { ...good, kind: "beforeRedirect", statusCode: 302 }],
    ["unknown kind", { ...good, kind: "teleported" as CaptureEvent["kind"] }],
    ["OPTIONS that ends unclassified", { ...good, method: "OPTIONS", kind: "completed", statusCode: 200 }],
    ["null headers", { ...good, kind: "sendHeaders", requestHeaders: null as unknown as CaptureEvent["requestHeaders"] }],
  ];
  test.each(cases)("%s", (_name, event) => {
    const asm = createAssembler({ browser: "chromium" });
    expect(() => asm.push(event)).not.toThrow();
    expect(() => asm.push({ ...event, kind: "completed", statusCode: 200 })).not.toThrow();
    expect(() => asm.flushInterrupted()).not.toThrow();
  });

  test("data: and extension traffic is classified", () => {
    const asm = createAssembler({ browser: "chromium" });
    expect(asm.push({ ...good, url: "data:text/plain,hi" })[0]?.trafficClass).toBe("non-http");
    expect(asm.push({ ...good, requestId: "2", initiator: "chrome-extension://abc" })[0]?.trafficClass).toBe("extension");
    expect(asm.push({ ...good, requestId: "3", type: "main_frame" })[0]?.trafficClass).toBe("navigation");
  });
});
