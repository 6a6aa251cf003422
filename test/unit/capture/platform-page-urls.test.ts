/** A tab's page URL in the worker's log (src/platform/page-urls.ts), against a fake log and tabs API. */
import type { PortServerMessage } from "../../../src/protocol";
import { createPageUrls } from "../../../src/platform/page-urls";

function setup(answer: (tabId: number) => Promise<string | undefined>) {
  const urls = new Map<number, string | null>();
  const posted: [number, PortServerMessage][] = [];
  const asked: number[] = [];
  const store = {
    pageUrl: (tabId: number) => urls.get(tabId) ?? null,
    setPageUrl: (tabId: number, url: string | null) => void urls.set(tabId, url),
  };
  const pageUrls = createPageUrls(store, (tabId, message) => posted.push([tabId, message]), (tabId) => {
    asked.push(tabId);
    return answer(tabId);
  });
  return { urls, posted, asked, pageUrls };
}

test("a tab the log has no URL for is asked of the tabs API once; its pages are told", async () => {
  const { urls, posted, asked, pageUrls } = setup(async () => "http://page.test/app");
  await Promise.all([pageUrls.know(4), pageUrls.know(4)]);
  await pageUrls.know(4);
  expect(asked).toEqual([4]);
  expect(urls.get(4)).toBe("http://page.test/app");
  expect(posted).toEqual([[4, { type: "page", tabId: 4, pageUrl: "http://page.test/app" }]]);
});

test("a tab whose URL the log has, or no tab (-1), is not asked", async () => {
  const { urls, asked, pageUrls } = setup(async () => "http://other.test/");
  urls.set(4, "http://page.test/");
  await pageUrls.know(4);
  await pageUrls.know(-1);
  expect(asked).toEqual([]);
  expect(urls.get(4)).toBe("http://page.test/");
});

test("a navigation seen while the tabs API answers wins", async () => {
  let answer: (url: string) => void = () => {};
  const { urls, posted, pageUrls } = setup(() => new Promise((resolve) => (answer = resolve)));
  const known = pageUrls.know(4);
  pageUrls.set(4, "http://page.test/new");
  answer("http://page.test/old");
  await known;
  expect(urls.get(4)).toBe("http://page.test/new");
  expect(posted.map(([, m]) => m)).toEqual([{ type: "page", tabId: 4, pageUrl: "http://page.test/new" }]);
});

test("a tab gone, or a URL not granted, leaves the log without one and is not asked again", async () => {
  const { urls, posted, asked, pageUrls } = setup(async (tabId) => {
    if (tabId === 4) throw new Error("No tab with id: 4");
    return undefined;
  });
  await pageUrls.know(4);
  await pageUrls.know(5);
  await pageUrls.know(4);
  expect(asked).toEqual([4, 5]);
  expect(urls.size).toBe(0);
  expect(posted).toEqual([]);
});

test("set tells the pages only of a change; a forgotten tab is asked again", async () => {
  const { urls, posted, asked, pageUrls } = setup(async () => "http://page.test/");
  pageUrls.set(4, "http://page.test/a");
  pageUrls.set(4, "http://page.test/a");
  expect(posted).toHaveLength(1);
  await pageUrls.know(7);
  pageUrls.forget(7);
  urls.delete(7);
  await pageUrls.know(7);
  expect(asked).toEqual([7, 7]);
});
