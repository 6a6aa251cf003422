/**
 * The action badge: the number of blocked exchanges of a tab, white on red (#d93025), empty
 * when zero. Only changes are sent to the browser (a badge call per event would be wasted IPC),
 * and the colours are set once for every tab when the worker starts, so that a change costs one
 * call (setBadgeText), not three: badge calls were a visible share of the worker's time per
 * event in `npm run bench`'s profile.
 */
export const BADGE_COLOR = "#d93025";
export const BADGE_TEXT_COLOR = "#ffffff";

export interface Badge {
  show(tabId: number, blocked: number): void;
}

export function createBadge(): Badge {
  const shown = new Map<number, string>();
  const ignore = () => undefined; // the tab may be gone already
  // without tabId: the default of every tab, which no tab overrides
  chrome.action.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(ignore);
  chrome.action.setBadgeTextColor?.({ color: BADGE_TEXT_COLOR })?.catch(ignore);
  return {
    show(tabId, blocked) {
      const text = blocked > 0 ? (blocked > 999 ? "999+" : String(blocked)) : "";
      if (shown.get(tabId) === text) return;
      shown.set(tabId, text);
      chrome.action.setBadgeText({ tabId, text }).catch(ignore);
    },
  };
}
