/**
 * Streaming reader, for files too large to parse whole (`cors-lens analyze` of a big DevTools
 * export). Entries are pushed one at a time in file order; exchanges come out through
 * `onExchange` in the order readHar lists them, with readHar's ids, and only a window of
 * entries is kept.
 *
 * How it stays equal to readHar: entries are kept sorted in a window; the oldest ones (cut
 * where the start time changes) are grouped with readHar's own code once nothing in the rest
 * of the window could join one of their groups by rule (a redirect not yet followed, a
 * preflight or an unguarded request of the same URL); a CORS Lens exchange still in flight
 * (its id appears further on) stays in the window with its entries. Built exchanges wait until
 * no exchange starting earlier can still come, then go out in readHar's order. What released
 * entries could still share with later ones is kept as small keys (hashed exchange ids, the
 * latest unguarded start per URL and method, the rare dangling redirects and loose
 * preflights); a later entry that matches one, or that starts before a released one, means the
 * file is not in the order browsers write: HarStreamUnsupported is thrown and the caller reads
 * the file whole. Facts known only at the end (log members after the entries, whether the
 * file has any preflight) are checked the same way.
 */
import { redirectedMethod } from "../cors/methods";
import { headerValue } from "../cors/headers";
import type { Exchange } from "../cors/model";
import { buildExchange, type Context } from "./har-build";
import { byStart, type Group, isPreflightEntry, redirectTarget, urlKey } from "./har-entry";
import { groupByCorsLens, groupByRule } from "./har-group";
import { DEFAULT_MAX_ENTRIES, HarReadError, type HarReadOptions, type HarReadResult, headOf, isObj, MAX_SAME_WARNINGS, prepareEntry, resultOf } from "./har-head";
import type { NormEntry } from "./har-normalize";

export class HarStreamUnsupported extends Error {
  override name = "HarStreamUnsupported";
}

export interface HarStreamOptions extends HarReadOptions {
  /** entries held back as look-ahead before older ones are released (default 2000) */
  window?: number;
}

export interface HarStreamEnd extends Omit<HarReadResult, "exchanges"> {
  /** exchanges handed to onExchange */
  exchanges: number;
  /** the id readHar gives the `k`-th (1-based) exchange made for a preflight without request;
   * these ids follow every other one, so they are only known at the end */
  orphanId(k: number): string;
}

export interface HarStream {
  /** the next element of log.entries (file order); false when it is not used (skipped, or
   * beyond maxEntries) */
  push(raw: unknown): boolean;
  /** `log` as the whole file has it (without entries): flushes the window, checks what was assumed */
  end(log: unknown): HarStreamEnd;
}

/** onExchange's second argument: for an exchange made for an unpaired preflight, its ordinal
 * (its id is then a placeholder until orphanId at the end). */
export type OnStreamExchange = (exchange: Exchange, orphan: number | null) => void;

/** 32-bit FNV-1a: keys of released entries cost a number each (a collision only causes a
 * needless fallback to the whole-file path). */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const hopKey = (e: NormEntry) => `${urlKey(e.url)}\n${e.method.toUpperCase()}`;
const anyMethodKey = (e: NormEntry) => `${urlKey(e.url)}\n*`;
function preflightKey(p: NormEntry): string {
  const acrm = headerValue(p.requestHeaders, "access-control-request-method");
  return `${urlKey(p.url)}\n${acrm === null ? "*" : acrm.trim().toUpperCase()}`;
}

/** An exchange built with preflightsVisible = false where the flag may have decided a hop's
 * state (settleHops: a hop sent, left unknown; a few are unknown for another reason, which
 * only costs a needless fallback). */
function visibilityMattered(exchange: Exchange): boolean {
  return exchange.hops.some((h) => h.preflightState === "unknown" && h.requestHeaders !== null);
}

/** readHar's order: start time, then CORS Lens groups, chains, unpaired preflights, each in
 * the order of their first entry. */
interface Built {
  exchange: Exchange;
  rank: number;
  start: number;
  index: number;
}
const byOrder = (a: { rank: number; start: number; index: number }, b: { rank: number; start: number; index: number }) => a.rank - b.rank || a.start - b.start || a.index - b.index;
const byEmission = (a: Built, b: Built) => a.exchange.startTime - b.exchange.startTime || byOrder(a, b);

export function createHarStream(headLog: unknown, options: HarStreamOptions, onExchange: OnStreamExchange, onRelease?: (indices: number[]) => void): HarStream {
  if (!isObj(headLog)) throw new HarReadError('not a HAR file: no "log" object');
  const head = headOf(headLog, options);
  const { source, browser } = head;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  const window = Math.max(1, options.window ?? 2000);
  let count = 0;
  let skipped = 0;
  const skipWarnings: string[] = [];
  const lensWarnings: { rank: number; start: number; index: number; message: string }[] = [];
  const outcomeWarnings: { rank: number; start: number; index: number; message: string }[] = [];
  let outcomeCount = 0;
  let buffer: NormEntry[] = [];
  let waiting: Built[] = [];
  let nextTry = 2 * window;
  let lastReleasedStart = Number.NEGATIVE_INFINITY;
  /** openKeys judged the released entries against the window, whose entries start no earlier
   * than this: a later entry may not start before it (a preflight released with the request
   * before it could be closer to one; found by har-stream.property.test.ts, seed -1210051385) */
  let horizon = Number.NEGATIVE_INFINITY;
  let seenPreflight = false;
  let builtBlind = false;
  let chains = 0;
  let orphans = 0;
  let exchangesOut = 0;
  // what released entries could still share with later ones
  const lensIds = new Set<number>();
  const danglingRedirects = new Set<string>();
  const loosePreflights = new Set<string>();
  const unguarded = new Map<number, number>();

  const ctx: Context = {
    browser,
    tabId: head.tabId,
    pages: head.pages,
    defaultOrigin: options.defaultOrigin ?? null,
    preflightsVisible: source === "cors-lens",
    warn: () => undefined,
  };

  /** The keys rule groups of released entries leave open towards later entries. */
  function openKeys(ruleGroups: Group[], nextStart: number) {
    const redirects = new Set<string>();
    const preflights = new Set<string>();
    const hops = new Map<string, number>();
    for (const g of ruleGroups) {
      if (g.orphan) {
        for (const p of g.preflights.values()) preflights.add(preflightKey(p));
        continue;
      }
      const last = g.hops[g.hops.length - 1] as NormEntry;
      const target = redirectTarget(last);
      if (target !== null) redirects.add(`${target}\n${redirectedMethod(last.method, last.status).toUpperCase()}`);
      g.hops.forEach((e, i) => {
        const p = g.preflights.get(i);
        if (p) {
          // a later request could be closer to this preflight than the one it was given
          if (p.start + Math.abs(e.start - p.start) >= nextStart) preflights.add(preflightKey(p));
        } else {
          hops.set(hopKey(e), e.start);
          hops.set(anyMethodKey(e), e.start);
        }
      });
    }
    return { redirects, preflights, hops };
  }

  /** Would one of `later` join a rule group whose open keys are `keys`? */
  function touches(keys: ReturnType<typeof openKeys>, later: NormEntry[]): boolean {
    for (const e of later) {
      if (isPreflightEntry(e)) {
        if (keys.hops.has(preflightKey(e))) return true;
      } else if (keys.redirects.size > 0 || keys.preflights.size > 0) {
        const hk = hopKey(e);
        if (keys.redirects.has(hk) || keys.preflights.has(hk) || keys.preflights.has(anyMethodKey(e))) return true;
      }
    }
    return false;
  }

  /** The same check against entries released before, through their hashed keys; throws. */
  function checkAgainstReleased(segment: NormEntry[], ruleGroups: Group[]) {
    const fail = (why: string) => {
      throw new HarStreamUnsupported(`entries far apart in the file belong together (${why})`);
    };
    for (const e of segment) {
      if (e.corsLens && lensIds.has(hash(e.corsLens.exchangeId))) fail("one CORS Lens exchange");
      if (!isPreflightEntry(e) && (danglingRedirects.size > 0 || loosePreflights.size > 0)) {
        const hk = hopKey(e);
        if (danglingRedirects.has(hk)) fail("a redirect");
        if (loosePreflights.has(hk) || loosePreflights.has(anyMethodKey(e))) fail("a preflight");
      }
    }
    if (unguarded.size === 0) return;
    for (const g of ruleGroups) {
      for (const [i, p] of g.preflights) {
        const before = unguarded.get(hash(preflightKey(p)));
        if (before === undefined) continue;
        const own = g.orphan ? Number.POSITIVE_INFINITY : Math.abs((g.hops[i] as NormEntry).start - p.start);
        if (p.start - before <= own) fail("a preflight and an earlier request");
      }
    }
  }

  /** Exchanges that no later entry can precede go out, in readHar's order. */
  function emit(before: number) {
    waiting.sort(byEmission);
    let n = 0;
    while (n < waiting.length && (waiting[n] as Built).exchange.startTime < before) n++;
    const out = waiting.slice(0, n);
    waiting = waiting.slice(n);
    for (const b of out) {
      if (b.rank === 1) b.exchange.id = `har-${++chains}`;
      onExchange(b.exchange, b.rank === 2 ? ++orphans : null);
    }
    exchangesOut += out.length;
  }

  function pushWarning(list: { rank: number; start: number; index: number; message: string }[], item: { rank: number; start: number; index: number; message: string }, cap: number) {
    list.push(item);
    list.sort(byOrder);
    if (list.length > cap) list.pop();
  }

  function release(final: boolean) {
    buffer.sort(byStart);
    let cut = final ? buffer.length : buffer.length - window;
    while (cut > 0 && cut < buffer.length && (buffer[cut - 1] as NormEntry).start === (buffer[cut] as NormEntry).start) cut--;
    if (cut <= 0) {
      nextTry = buffer.length + Math.ceil(window / 2);
      return;
    }
    const later = buffer.slice(cut);
    // CORS Lens exchanges still in flight stay in the window, all their entries
    const open = new Set<string>();
    if (!final) for (const e of later) if (e.corsLens) open.add(e.corsLens.exchangeId);
    const segment: NormEntry[] = [];
    const carried: NormEntry[] = [];
    for (let i = 0; i < cut; i++) {
      const e = buffer[i] as NormEntry;
      (e.corsLens && open.has(e.corsLens.exchangeId) ? carried : segment).push(e);
    }
    const nextStart = later.length > 0 ? (later[0] as NormEntry).start : Number.POSITIVE_INFINITY;
    const firstOf = new Map<string, NormEntry>();
    for (const e of segment) if (e.corsLens && !firstOf.has(e.corsLens.exchangeId)) firstOf.set(e.corsLens.exchangeId, e);
    const segLensWarnings: string[] = [];
    const { groups: lensGroups, rest } = groupByCorsLens(segment, (m) => segLensWarnings.push(m));
    const ruleGroups = groupByRule(rest, browser, () => "har-pending");
    const threshold = carried.length > 0 ? Math.min(nextStart, (carried[0] as NormEntry).start) : nextStart;
    const keys = openKeys(ruleGroups, threshold);
    if (!final && (touches(keys, later) || touches(keys, carried))) {
      // a group may continue in the look-ahead: wait for more entries, then cut further on
      nextTry = buffer.length + Math.ceil(window / 2);
      return;
    }
    checkAgainstReleased(segment, ruleGroups);
    // Entries of a CORS Lens exchange stay in the window while its id comes again; if it then
    // has no request entry they are regrouped by rule, and one that starts no later than
    // entries released meanwhile could have joined them (a redirect chains to an entry of the
    // same start, a later one in the file): readHar would see them together.
    for (const e of rest) if (e.corsLens && e.start <= lastReleasedStart) throw new HarStreamUnsupported("a CORS Lens exchange without its request entry is spread over the file");
    for (const message of segLensWarnings) {
      // "exchange <id> has no request entry…": readHar lists them in the order of each exchange's first entry
      const id = [...firstOf.keys()].find((k) => message.startsWith(`exchange ${k} has no request entry`));
      const first = id !== undefined ? firstOf.get(id) : undefined;
      lensWarnings.push({ rank: 0, start: first?.start ?? 0, index: first?.index ?? 0, message });
    }
    ctx.preflightsVisible = source === "cors-lens" || seenPreflight;
    const build = (group: Group, rank: number, first: NormEntry) => {
      ctx.warn = (message) => {
        outcomeCount++;
        pushWarning(outcomeWarnings, { rank, start: first.start, index: first.index, message }, MAX_SAME_WARNINGS);
      };
      const exchange = buildExchange(group, ctx);
      if (!ctx.preflightsVisible && visibilityMattered(exchange)) builtBlind = true;
      waiting.push({ exchange, rank, start: first.start, index: first.index });
    };
    for (const g of lensGroups) build(g, 0, firstOf.get(g.id) as NormEntry);
    for (const g of ruleGroups) build(g, g.orphan ? 2 : 1, g.orphan ? (g.preflights.get(0) as NormEntry) : (g.hops[0] as NormEntry));
    for (const e of segment) if (e.corsLens) lensIds.add(hash(e.corsLens.exchangeId));
    for (const k of keys.redirects) danglingRedirects.add(k);
    for (const k of keys.preflights) loosePreflights.add(k);
    for (const [k, start] of keys.hops) unguarded.set(hash(k), start);
    lastReleasedStart = Math.max(lastReleasedStart, (buffer[cut - 1] as NormEntry).start);
    horizon = Math.max(horizon, threshold);
    onRelease?.(segment.map((e) => e.index));
    buffer = carried.length > 0 ? [...carried, ...later] : later;
    emit(buffer.length > 0 ? Math.min((buffer[0] as NormEntry).start, lastReleasedStart + 1) : Number.POSITIVE_INFINITY);
    nextTry = buffer.length + window;
  }

  return {
    push(raw) {
      const index = count++;
      if (index >= maxEntries) return false;
      const e = prepareEntry(raw, index, source);
      if (typeof e === "string") {
        skipped++;
        if (skipped <= MAX_SAME_WARNINGS) skipWarnings.push(`entry ${index} skipped: ${e}`);
        return false;
      }
      if (e.start <= lastReleasedStart || e.start < horizon) throw new HarStreamUnsupported("the entries are not in start-time order");
      if (!seenPreflight && isPreflightEntry(e)) {
        seenPreflight = true;
        if (builtBlind) throw new HarStreamUnsupported("the first preflight comes late in the file");
      }
      buffer.push(e);
      if (buffer.length >= nextTry) release(false);
      return true;
    },
    end(log) {
      if (!isObj(log)) throw new HarReadError('not a HAR file: no "log" object');
      const whole = headOf(log, options);
      const samePages = JSON.stringify([...whole.pages]) === JSON.stringify([...head.pages]);
      if (whole.source !== source || whole.browser !== browser || whole.tabId !== head.tabId || !samePages) {
        throw new HarStreamUnsupported("members of log after its entries change how the entries are read");
      }
      if (buffer.length > 0) release(true);
      emit(Number.POSITIVE_INFINITY);
      const warnings = [...whole.warnings];
      if (count > maxEntries) warnings.push(`the file has ${count} entries; only the first ${maxEntries} were read`);
      warnings.push(...skipWarnings);
      if (skipped > MAX_SAME_WARNINGS) warnings.push(`${skipped} entries skipped in total`);
      lensWarnings.sort(byOrder);
      warnings.push(...lensWarnings.map((w) => w.message), ...outcomeWarnings.map((w) => w.message));
      if (outcomeCount > MAX_SAME_WARNINGS) warnings.push(`${outcomeCount} requests had no response and no error string in total`);
      const { exchanges: _none, ...rest } = resultOf(whole, [], warnings);
      const total = chains;
      return { ...rest, exchanges: exchangesOut, orphanId: (k: number) => `har-${total + k}` };
    },
  };
}
