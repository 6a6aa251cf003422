/**
 * HAR reader: turns a HAR written by CORS Lens, Chrome DevTools ("Save all as HAR"), Firefox's
 * network monitor or chrome-har into Exchanges that the engine judges as it judges live
 * capture.
 *
 * - CORS Lens files are regrouped exactly through `_corsLens` (exchangeId, role, hop).
 * - Other files are regrouped by rule: entries sorted by start time; an OPTIONS carrying
 *   `Access-Control-Request-Method` (or `_resourceType: "preflight"`) is a preflight; a 3xx
 *   whose redirectURL (or Location) names a later entry's URL chains to it; a preflight guards
 *   the hop with the same URL and method whose start is closest to its own (browsers create the
 *   request first, then its preflight); a preflight with no request left means the request was
 *   never sent (its preflight failed, or the writer dropped failed requests, as chrome-har does).
 * - The page's origin comes, in order, from `_initiatorOrigin` (CORS Lens), the request's
 *   `Origin` header, the page the entry belongs to (`pageref`), Chrome's `_initiator`.
 *
 * Malformed input: a file that is not a HAR throws HarReadError; unusable entries are skipped
 * and counted in `warnings`. Never more than `maxEntries` entries are read. Streamed reading of
 * files too large to parse whole: har-stream.ts.
 */
import type { Exchange } from "../cors/model";
import { buildExchange, type Context } from "./har-build";
import { byStart, isPreflightEntry } from "./har-entry";
import { groupByCorsLens, groupByRule } from "./har-group";
import { DEFAULT_MAX_ENTRIES, HarReadError, type HarReadOptions, type HarReadResult, headOf, isObj, MAX_SAME_WARNINGS, prepareEntry, resultOf } from "./har-head";
import type { NormEntry } from "./har-normalize";

export { DEFAULT_MAX_ENTRIES, HarReadError, type HarReadOptions, type HarReadResult, type HarSource } from "./har-head";

/** Reads a parsed HAR. Throws HarReadError when it is not a HAR at all. */
export function readHar(json: unknown, options: HarReadOptions = {}): HarReadResult {
  if (!isObj(json)) throw new HarReadError("not a HAR file: the top level is not a JSON object");
  const log = json.log;
  if (!isObj(log)) throw new HarReadError('not a HAR file: no "log" object');
  if (!Array.isArray(log.entries)) throw new HarReadError('not a HAR file: "log.entries" is not an array');
  const head = headOf(log, options);
  const warnings: string[] = [...head.warnings];
  const warnCounts = new Map<string, number>();
  const warn = (message: string, kind = message) => {
    const n = (warnCounts.get(kind) ?? 0) + 1;
    warnCounts.set(kind, n);
    if (n <= MAX_SAME_WARNINGS) warnings.push(message);
  };
  const { source, browser } = head;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const rawEntries: unknown[] = log.entries;
  if (rawEntries.length > maxEntries) {
    warnings.push(`the file has ${rawEntries.length} entries; only the first ${maxEntries} were read`);
  }
  const count = Math.min(rawEntries.length, maxEntries);
  const entries: NormEntry[] = [];
  let skipped = 0;
  for (let i = 0; i < count; i++) {
    const e = prepareEntry(rawEntries[i], i, source);
    if (typeof e === "string") {
      skipped++;
      warn(`entry ${i} skipped: ${e}`, "skip");
    } else entries.push(e);
  }
  if (skipped > MAX_SAME_WARNINGS) warnings.push(`${skipped} entries skipped in total`);
  entries.sort(byStart);

  const ctx: Context = {
    browser,
    tabId: head.tabId,
    pages: head.pages,
    defaultOrigin: options.defaultOrigin ?? null,
    preflightsVisible: source === "cors-lens" || entries.some(isPreflightEntry),
    warn: (m) => warn(m, "outcome"),
  };
  let n = 0;
  const nextId = () => `har-${++n}`;
  const { groups: lensGroups, rest } = groupByCorsLens(entries, warn);
  const groups = [...lensGroups, ...groupByRule(rest, browser, nextId)];
  const exchanges: Exchange[] = [];
  for (const group of groups) exchanges.push(buildExchange(group, ctx));
  exchanges.sort((a, b) => a.startTime - b.startTime);
  const outcomeWarnings = warnCounts.get("outcome") ?? 0;
  if (outcomeWarnings > MAX_SAME_WARNINGS) warnings.push(`${outcomeWarnings} requests had no response and no error string in total`);
  return resultOf(head, exchanges, warnings);
}
