/**
 * The action badge (src/platform/badge.ts) over a fake chrome.action: the count's text, colours
 * set once, and changes sent once per delay with each tab's last text.
 */
import { BADGE_COLOR, BADGE_DELAY_MS, type BadgeApi, badgeText, createBadge } from "../../../src/platform/badge";

function fakeAction() {
  const texts: { tabId: number; text: string }[] = [];
  const colors: string[] = [];
  const api: BadgeApi = {
    setBadgeText: async (d) => {
      texts.push(d);
    },
    setBadgeBackgroundColor: async (d) => {
      colors.push(d.color);
    },
    setBadgeTextColor: async (d) => {
      colors.push(d.color);
    },
  };
  return { api, texts, colors };
}

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

test("the text: empty for none, the number, 999+ past 999", () => {
  expect([0, 1, 42, 999, 1000].map(badgeText)).toEqual(["", "1", "42", "999", "999+"]);
});

test("colours are set once, for every tab, when the badge is made", () => {
  const { api, colors } = fakeAction();
  createBadge(api);
  expect(colors).toEqual([BADGE_COLOR, "#ffffff"]);
});

test("a burst of changes sends each tab's last text once, after the delay", () => {
  const { api, texts } = fakeAction();
  const badge = createBadge(api);
  for (let n = 1; n <= 50; n++) badge.show(7, n);
  badge.show(8, 3);
  expect(texts).toEqual([]);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  expect(texts).toEqual([
    { tabId: 7, text: "50" },
    { tabId: 8, text: "3" },
  ]);
  // nothing new: nothing sent; back to what is shown within a delay: nothing sent either
  badge.show(7, 50);
  badge.show(8, 4);
  badge.show(8, 3);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  expect(texts).toHaveLength(2);
  badge.show(8, 0);
  jest.advanceTimersByTime(BADGE_DELAY_MS - 1);
  expect(texts).toHaveLength(2);
  jest.advanceTimersByTime(1);
  expect(texts[2]).toEqual({ tabId: 8, text: "" });
});

test("a new worker's badge sends every tab's count once, even unchanged (the stopped one may not have)", () => {
  const first = fakeAction();
  createBadge(first.api).show(7, 2); // stopped before its delay: never sent
  const { api, texts } = fakeAction();
  const badge = createBadge(api);
  badge.show(7, 2);
  badge.show(9, 0);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  expect(texts).toEqual([
    { tabId: 7, text: "2" },
    { tabId: 9, text: "" },
  ]);
});

test("after forget (the browser cleared the tab's badge on navigation) the same text is sent again", () => {
  const { api, texts } = fakeAction();
  const badge = createBadge(api);
  badge.show(7, 3);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  badge.show(7, 3);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  expect(texts).toEqual([{ tabId: 7, text: "3" }]);
  badge.forget(7);
  badge.show(7, 3);
  jest.advanceTimersByTime(BADGE_DELAY_MS);
  expect(texts).toEqual([
    { tabId: 7, text: "3" },
    { tabId: 7, text: "3" },
  ]);
});
