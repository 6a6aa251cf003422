/**
 * Requests made by service workers and shared workers carry tabId -1. They are attributed to
 * every tab whose page has the worker's origin (the initiator), marked `fromWorker`; when no
 * tab matches they stay under tab -1 so that nothing is dropped silently.
 */
import type { Exchange } from "../cors/model";

export function attributeToTabs(exchange: Exchange, tabsForOrigin: (origin: string) => number[]): Exchange[] {
  if (exchange.tabId !== -1) return [exchange];
  const origin = exchange.initiator;
  const tabs = origin && origin !== "null" ? tabsForOrigin(origin) : [];
  if (tabs.length === 0) return [exchange];
  return tabs.map((tabId) => ({ ...exchange, tabId, fromWorker: true }));
}
