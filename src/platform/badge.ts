/**
 * The action badge: the number of blocked exchanges of a tab, white on red (#d93025), empty
 * when zero. The colours are set once for every tab when the worker starts, so that a change
 * costs one call (setBadgeText), not three.
 *
 * Changes are sent at most once per BADGE_DELAY_MS per worker, the last text of each tab: in a
 * burst the blocked count changes with every blocked request (about a hundred times for the
 * benchmark's 500 fetches), and each call is an IPC that costs the worker and the browser
 * process as much as a storage call. A badge a tenth of a second late is not seen as late. A
 * worker stopped before sending leaves the badge behind, so the next worker shows every tab's
 * count once it has restored the log (its `shown` starts empty: background-service.ts).
 */
export const BADGE_COLOR = "#d93025";
export const BADGE_TEXT_COLOR = "#ffffff";
export const BADGE_DELAY_MS = 100;

export interface Badge {
  show(tabId: number, blocked: number): void;
  /** The browser cleared the tab's badge (it does when the tab navigates): the next `show`
   * sends its text even if it is the one sent last. */
  forget(tabId: number): void;
}

/** The subset of chrome.action the badge uses. */
export interface BadgeApi {
  setBadgeText(details: { tabId: number; text: string }): Promise<void>;
  setBadgeBackgroundColor(details: { color: string }): Promise<void>;
  setBadgeTextColor?(details: { color: string }): Promise<void>;
}

export function badgeText(blocked: number): string {
  return blocked > 0 ? (blocked > 999 ? "999+" : String(blocked)) : "";
}

export function createBadge(api: BadgeApi = chrome.action, delayMs = BADGE_DELAY_MS): Badge {
  /** the text each tab's badge has (as last sent) */
  const shown = new Map<number, string>();
  /** texts to send, by tab */
  const waiting = new Map<number, string>();
  let scheduled = false;
  const ignore = () => undefined; // the tab may be gone already
  // without tabId: the default of every tab, which no tab overrides
  api.setBadgeBackgroundColor({ color: BADGE_COLOR }).catch(ignore);
  api.setBadgeTextColor?.({ color: BADGE_TEXT_COLOR })?.catch(ignore);

  function send(): void {
    scheduled = false;
    for (const [tabId, text] of waiting) {
      if (shown.get(tabId) === text) continue;
      shown.set(tabId, text);
      api.setBadgeText({ tabId, text }).catch(ignore);
    }
    waiting.clear();
  }

  return {
    show(tabId, blocked) {
      const text = badgeText(blocked);
      if (shown.get(tabId) === text && !waiting.has(tabId)) return;
      waiting.set(tabId, text);
      if (scheduled) return;
      scheduled = true;
      setTimeout(send, delayMs);
    },
    forget(tabId) {
      shown.delete(tabId);
    },
  };
}
