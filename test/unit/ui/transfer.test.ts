import { harDownload, jsonDownload, readImport } from "../../../src/ui/common/harExport";
import { entry, tabLog } from "./fixtures";

const secret = entry({
  id: "s",
  url: "http://api.test/me?access_token=abc",
  requestHeaders: [{ name: "Authorization", value: "Bearer abc" }],
});
const log = { ...tabLog([secret]), pageUrl: "http://localhost:3000/app" };
const at = new Date(2026, 10, 25, 17, 15, 2);

test("HAR download: file name from the page, everything in the log, redacted on request", () => {
  const { fileName, text } = harDownload(log, true, at);
  expect(fileName).toBe("cors-lens-localhost_3000-20261125-171502.har");
  expect(text).not.toContain("Bearer abc");
  expect(JSON.parse(text).log._corsLens.redacted).toBe(true);
  expect(harDownload(log, false, at).text).toContain("Bearer abc");
});

test("JSON export round-trips through the import reader", () => {
  const { fileName, text } = jsonDownload(log, false, at);
  expect(fileName).toBe("cors-lens-localhost_3000-20261125-171502.json");
  expect(readImport(text)).toEqual({ tabId: 7, pageUrl: "http://localhost:3000/app", entries: [secret], dropped: 0 });
  expect(() => readImport("{")).toThrow("not a JSON file");
  expect(() => readImport('{"log":{}}')).toThrow("not a HAR file");
});

test("a HAR import is read back and diagnosed by the engine", () => {
  const cors = entry({
    id: "c",
    url: "http://api.test/me?access_token=abc",
    requestHeaders: [{ name: "Origin", value: "http://page.test" }],
    responseHeaders: [{ name: "Access-Control-Allow-Origin", value: "http://page.test" }],
  });
  const { text } = harDownload({ ...log, entries: [cors] }, false, at);
  const imported = readImport(text);
  expect(imported.pageUrl).toBe("http://localhost:3000/app");
  expect(imported.entries.map((e) => [e.exchange.method, e.exchange.url])).toEqual([["GET", "http://api.test/me?access_token=abc"]]);
  expect(imported.entries[0]?.diagnosis.verdict).toBe("allowed");
});
