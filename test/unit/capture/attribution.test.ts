import { attributeToTabs } from "../../../src/capture/attribution";
import type { Exchange } from "../../../src/cors/model";

const ex = (tabId: number, initiator: string | null): Exchange => ({
  id: "r1",
  browser: "chromium",
  tabId,
  frameId: -1,
  initiator,
  type: "xmlhttprequest",
  method: "GET",
  url: "http://api.test/",
  startTime: 0,
  hops: [],
  outcome: { state: "pending" },
  trafficClass: "cross-origin",
  requestIds: ["1"],
});

test("a worker request goes to every tab of its origin, marked fromWorker", () => {
  const out = attributeToTabs(ex(-1, "http://page.test"), (o) => (o === "http://page.test" ? [4, 9] : []));
  expect(out.map((e) => [e.tabId, e.fromWorker])).toEqual([
    [4, true],
    [9, true],
  ]);
});

test("no matching tab, an opaque origin or a tab request: left as it is", () => {
  expect(attributeToTabs(ex(-1, "http://nowhere.test"), () => [])).toEqual([ex(-1, "http://nowhere.test")]);
  expect(attributeToTabs(ex(-1, "null"), () => [1])[0]?.tabId).toBe(-1);
  expect(attributeToTabs(ex(3, "http://page.test"), () => [1])[0]?.tabId).toBe(3);
});
