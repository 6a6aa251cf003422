/**
 * Each tab's page URL in the log, and the pages that show it. The URL comes from the tab's
 * navigation (its main_frame event). A tab that loaded before the worker could see it (the
 * extension installed, updated or reloaded on an open page) had none: its popup named no page,
 * its exports none, and requests of service workers were not attributed to it by origin. Such a
 * tab's URL is asked of the tabs API, once per worker.
 */
import type { PortServerMessage } from "../protocol";
import type { LogStore } from "./log-store";

export interface PageUrls {
  /** The tab shows `pageUrl` now and its log is kept (a navigation with "preserve log" on): its
   * open pages are told. */
  set(tabId: number, pageUrl: string): void;
  /** Settles once the tab's URL is in the log, or is not to be had: asks the tabs API the
   * first time for a tab the log has no URL for. */
  know(tabId: number): Promise<void>;
  /** the tab is gone */
  forget(tabId: number): void;
}

export function createPageUrls(
  store: Pick<LogStore, "pageUrl" | "setPageUrl">,
  post: (tabId: number, message: PortServerMessage) => void,
  tabUrl: (tabId: number) => Promise<string | undefined>,
): PageUrls {
  /** each tab's lookup by this worker */
  const lookups = new Map<number, Promise<void>>();

  function set(tabId: number, pageUrl: string): void {
    if (store.pageUrl(tabId) === pageUrl) return;
    store.setPageUrl(tabId, pageUrl);
    post(tabId, { type: "page", tabId, pageUrl });
  }

  function know(tabId: number): Promise<void> {
    if (tabId < 0 || store.pageUrl(tabId) !== null) return Promise.resolve();
    let lookup = lookups.get(tabId);
    if (!lookup) {
      lookup = tabUrl(tabId).then(
        (url) => {
          // a navigation seen meanwhile set the URL of the page the log now holds
          if (url && store.pageUrl(tabId) === null) set(tabId, url);
        },
        () => undefined, // the tab is gone, or no URL is granted: the log stays without one
      );
      lookups.set(tabId, lookup);
    }
    return lookup;
  }

  return { set, know, forget: (tabId) => lookups.delete(tabId) };
}
