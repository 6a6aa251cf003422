/**
 * The action badge: the number of blocked exchanges of a tab, white on red (#d93025), empty
 * when zero. Only changes are sent to the browser (a badge call per event would be wasted IPC).
 */
export const BADGE_COLOR = "#d93025";

export interface Badge {
  show(tabId: number, blocked: number): void;
}

export function createBadge(): Badge {
  const shown = new Map<number, string>();
  return {
    show(tabId, blocked) {
      const text = blocked > 0 ? (blocked > 999 ? "999+" : String(blocked)) : "";
      if (shown.get(tabId) === text) return;
      shown.set(tabId, text);
      const ignore = () => undefined; // the tab may be gone already
      chrome.action.setBadgeText({ tabId, text }).catch(ignore);
      if (text) {
        chrome.action.setBadgeBackgroundColor({ tabId, color: BADGE_COLOR }).catch(ignore);
        chrome.action.setBadgeTextColor?.({ tabId, color: "#ffffff" })?.catch(ignore);
      }
    },
  };
}
