/**
 * Reads a whole storage area in chunks of keys instead of one `get(null)`.
 *
 * A restarting worker reads every stored exchange (up to 8 MB, thousands of keys). One
 * `get(null)` answer is turned into JS objects in one task of the worker: ~30 ms for 2 MB at
 * normal load, hundreds of ms on a loaded machine, and webRequest events that arrive meanwhile
 * wait behind it, lost if the worker is stopped then (the kill test lost stretches of requests
 * a few hundred ms after a restart with a CPU-bound process running). Chunked, each answer is
 * its own task and queued events run between them. Areas without `getKeys` (before Chromium
 * 130 / Firefox 143) are read at once.
 */

/** The part of a storage area read here (chrome.storage.session, or a fake in tests). */
export interface ReadableArea {
  get(keys: string[] | null): Promise<Record<string, unknown>>;
  getKeys?: () => Promise<string[]>;
}

/** keys per `get`: ~300 KB with the log's parts */
export const READ_CHUNK_KEYS = 400;

export async function readAllInChunks(area: ReadableArea, chunk = READ_CHUNK_KEYS): Promise<Record<string, unknown>> {
  if (typeof area.getKeys !== "function") return area.get(null);
  const keys = await area.getKeys();
  const all: Record<string, unknown> = {};
  for (let i = 0; i < keys.length; i += chunk) Object.assign(all, await area.get(keys.slice(i, i + chunk)));
  return all;
}
