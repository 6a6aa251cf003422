/**
 * The stored text of a log entry (storage.session, see log-store.ts), in a compact form.
 *
 * Writing to storage.session costs the worker about 0.15 µs per byte of the value (measured
 * in Chromium 156: one 3 MB string takes ~450 ms, a thousand 3 KB strings in one call ~350 ms),
 * far more than JSON.stringify, so the bytes of an entry are what an event costs. Two things
 * made an entry about twice the size of its information:
 * - URLs are repeated: the exchange's URL is its first hop's URL, a redirect's target is the
 *   next hop's URL, a preflight's URL is its hop's URL (the benchmark's URLs are 500
 *   characters, real ones often a few hundred);
 * - every header line is `{"name":…,"value":…}`: 20 bytes of key names per line, 30 to 40
 *   lines per preflighted exchange.
 * So a hop or preflight whose URL is the one it implies leaves it out, header lists are flat
 * `[name, value, name, value, …]` arrays, and a preflighted hop's lines equal to its
 * preflight's are the index of that line. `decodeEntry` gives back exactly the exchange encoded.
 *
 * Since version 4 (`"v":4`):
 * - the diagnosis is stored only once the exchange has ended: it was a third of an entry's text
 *   (explanation, fix, evidence), written again with every change of the exchange; the engine
 *   makes it again on load for an exchange still in flight;
 * - an exchange is stored in parts under one key each (encodeParts: the core, and each hop's
 *   request, response, preflight request and preflight response), so that a change rewrites
 *   only the parts it changed: an exchange changes 3 to 6 times on its way, and each time all
 *   its headers were written again.
 *
 * Since version 5 (`"v":5`), what an exchange's changes leave as it was is a part of its own,
 * written once: the fields fixed when the exchange is first seen (its URL above all: the core
 * was rewritten 2 to 3 times per exchange, each time with the URL) are the part `u`, and a
 * preflight's end (`endTime`, `error`) is the part `z<i>`, apart from its request (the
 * preflight's request line, its 20 header lines, went out again when the OPTIONS ended).
 * Characters written per 500-fetch burst (bench/profile.ts): 2.05 M → 1.55 M. Version 4
 * entries load as they are (their core holds every field, their preflight part its end).
 *
 * Version 2 (`"v":2`, the diagnosed exchange under `d`, one key) and the first `{ s, d }` form
 * still load, with their diagnosis.
 */
import type { Diagnosis, Exchange, Header, Hop, HttpResponse, Preflight } from "../cors/model";

/** What a stored entry gives back: the exchange, and the diagnosis only where an earlier
 * version stored it (version 3 leaves it to the engine). */
export interface StoredEntry {
  s: number;
  exchange: Exchange;
  diagnosis?: Diagnosis;
}

/** `[name, value, name, value, …]`; a number k stands for line k of a reference list. */
type FlatHeaders = (string | number)[];

/** Header lines flat; a line equal (name and value) to one of `ref` becomes the index of the
 * first such line there. Lists are a few dozen lines, for which a scan costs less than a map of
 * the reference lines (a key string per line, made on every write of an entry); but servers
 * choose the lines, and a scan of thousands against thousands would hold the worker for
 * seconds, so long lists get the map. */
function flat(headers: Header[], ref?: Header[] | null): FlatHeaders {
  const find = !ref ? null : headers.length * ref.length <= SCAN_MAX ? scanFor(ref) : mapFor(ref);
  const out: FlatHeaders = [];
  for (const h of headers) {
    const k = find ? find(h) : -1;
    if (k < 0) out.push(h.name, h.value);
    else out.push(k);
  }
  return out;
}

/** comparisons of lines up to which flat() scans */
export const SCAN_MAX = 4096;

const scanFor = (ref: Header[]) => (h: Header) => {
  for (let k = 0; k < ref.length; k++) {
    const line = ref[k] as Header;
    if (line.value === h.value && line.name === h.name) return k;
  }
  return -1;
};

function mapFor(ref: Header[]): (h: Header) => number {
  const lineKey = (h: Header) => `${h.name}\n${h.value}`;
  const index = new Map<string, number>();
  for (let k = ref.length - 1; k >= 0; k--) index.set(lineKey(ref[k] as Header), k);
  return (h) => index.get(lineKey(h)) ?? -1;
}

function unflat(value: unknown, ref?: Header[] | null): Header[] {
  if (!Array.isArray(value)) return [];
  const out: Header[] = [];
  for (let i = 0; i < value.length; i++) {
    const item: unknown = value[i];
    if (typeof item === "number") {
      const line = ref?.[item];
      if (line) out.push({ name: line.name, value: line.value });
    } else if (i + 1 < value.length) {
      out.push({ name: String(item), value: String(value[++i]) });
    }
  }
  return out;
}

function unpackResponse(r: Record<string, unknown>, ref?: Header[]): HttpResponse {
  return { ...(r as unknown as HttpResponse), headers: unflat(r.headers, ref) };
}

function unpackPreflight(pf: Record<string, unknown>, hopUrl: string): Preflight {
  const out = { ...pf, url: typeof pf.url === "string" ? pf.url : hopUrl } as unknown as Preflight;
  out.requestHeaders = pf.requestHeaders == null ? null : unflat(pf.requestHeaders);
  if (pf.response) out.response = unpackResponse(pf.response as Record<string, unknown>);
  return out;
}

/** The URL a hop has when its own is left out: the exchange's for the first hop, the previous
 * hop's redirect target for the others. */
function impliedUrl(exchangeUrl: string, previous: { redirectUrl?: unknown } | undefined): string {
  return previous === undefined ? exchangeUrl : typeof previous.redirectUrl === "string" ? previous.redirectUrl : exchangeUrl;
}

/** A preflighted hop repeats most of its preflight's lines (User-Agent, Origin, Referer,
 * Sec-Fetch-*, Accept-*; Date, Connection, Access-Control-Allow-Origin): its request and
 * response headers refer to the preflight's request and response lines where equal
 * (encodeParts), and come back from them here. */
function unpackHop(hop: Record<string, unknown>, implied: string): Hop {
  const url = typeof hop.url === "string" ? hop.url : implied;
  const out = { ...hop, url } as unknown as Hop;
  const pf = hop.preflight ? unpackPreflight(hop.preflight as Record<string, unknown>, url) : undefined;
  if (pf) out.preflight = pf;
  out.requestHeaders = hop.requestHeaders == null ? null : unflat(hop.requestHeaders, pf?.requestHeaders);
  if (hop.response) out.response = unpackResponse(hop.response as Record<string, unknown>, pf?.response?.headers);
  return out;
}

/** The fields of an exchange that its later events do not change (the part `u`): the
 * assembler sets them from the first event it sees of the request. Should one change after
 * all, the part's text differs and it is written again, like any other part. */
const FIXED_FIELDS: readonly (keyof Exchange)[] = ["id", "browser", "tabId", "frameId", "initiator", "documentUrl", "fromWorker", "type", "method", "url", "startTime", "trafficClass"];

/** What a part's text was made from, and the text: `deps` are the source's own fields (names
 * and values, in order) and the values it was encoded against (the URL it implies, the
 * preflight lines it refers to). */
export interface MemoPart {
  /** null: a text read back from storage, whose source is not known */
  deps: unknown[] | null;
  text: string;
  /** what storage counts for the part (set by the log store) */
  size?: number;
}

/**
 * The texts of an exchange's parts last encoded, by part (encodeParts' `memo`): a part whose
 * source still has the same fields with the same values is not turned into text again.
 *
 * Sound because a part's source is flat: a hop, a response or a preflight holds primitives and
 * header lists, and the assembler replaces a header list, never edits one (a new event brings
 * a new list; test/unit/capture/platform-entry-codec.test.ts replays every recorded stream and
 * compares each step with a whole encoding). An exchange changes 3 to 6 times on its way and
 * each change touches one or two of its 6 to 8 parts; encoding all of them every time was the
 * largest part of the worker's own work in a burst (bench/profile.ts).
 */
export type PartMemo = Map<string, MemoPart>;

const sameDeps = (a: unknown[] | null, b: unknown[]): boolean => {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** The own fields of `record` except those in `skip`, as [name, value, name, value, …] after `extra`. */
function fieldsOf(record: object, skip: readonly string[], extra: unknown[]): unknown[] {
  const deps = extra;
  for (const k in record) {
    if (skip.includes(k)) continue;
    deps.push(k, (record as Record<string, unknown>)[k]);
  }
  return deps;
}

/** an object of the [name, value, …] fields, with `replace` applied to each (undefined: left out) */
function objectOf(fields: unknown[], from: number, replace: (name: string, value: unknown) => unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (let i = from; i < fields.length; i += 2) {
    const name = fields[i] as string;
    const value = replace(name, fields[i + 1]);
    if (value !== undefined) out[name] = value;
  }
  return out;
}

/**
 * The stored texts of an exchange, by part: "" is the core (the exchange's changing fields,
 * and the number of its hops), `u` its fixed fields (FIXED_FIELDS), then for hop i `h<i>` (the
 * request), `r<i>` (its response), `p<i>` (its preflight's request), `z<i>` (the preflight's
 * end: endTime, error) and `q<i>` (the preflight's response), each there when the hop has it.
 * `diagnosis`, given once the exchange has ended, goes into the core (`d`): written once, it
 * spares a restarting worker diagnosing every finished exchange again (about a third of its
 * restore); an exchange in flight is diagnosed again on load.
 * With a `memo` (PartMemo), parts whose source did not change keep their text (the same
 * string), and the memo is updated.
 * Null when the exchange cannot be serialised (a cycle).
 */
export function encodeParts(seq: number, ex: Exchange, diagnosis?: Diagnosis, memo?: PartMemo): Map<string, string> | null {
  const parts = new Map<string, string>();
  /** the text of part `suffix` made from `deps` (made by `make` unless the memo has it) */
  const part = (suffix: string, deps: unknown[], make: () => string) => {
    const known = memo?.get(suffix);
    if (known && sameDeps(known.deps, deps)) {
      parts.set(suffix, known.text);
      return;
    }
    const text = make();
    parts.set(suffix, text);
    memo?.set(suffix, { deps, text });
  };
  try {
    const core: Record<string, unknown> = {};
    for (const k in ex) if (k !== "hops" && !FIXED_FIELDS.includes(k as keyof Exchange)) core[k] = ex[k as keyof Exchange];
    core.hops = ex.hops.length;
    const d = diagnosis ? `,"d":${JSON.stringify(diagnosis)}` : "";
    // the core changes with nearly every change of the exchange: made every time (the memo
    // keeps its text, for the caller's comparison with what was written)
    const coreText = `{"v":5,"s":${seq},"x":${JSON.stringify(core)}${d}}`;
    parts.set("", coreText);
    memo?.set("", { deps: null, text: coreText });
    /** the fields of `record` named in `keys`, as they are (`ifAny`: no part when it has none) */
    const pickedPart = (suffix: string, record: object, keys: readonly string[], ifAny = false) => {
      const fields: unknown[] = [];
      for (const k of keys) if (k in record) fields.push(k, (record as Record<string, unknown>)[k]);
      if (fields.length > 0 || !ifAny) part(suffix, fields, () => JSON.stringify(objectOf(fields, 0, (_, v) => v)));
    };
    /** a request's own fields (not those in `skip`): its URL left out when it is `implied`, its
     * header lines referring to `ref`'s where equal */
    const requestPart = (suffix: string, request: Hop | Preflight, skip: readonly string[], implied: string, ref?: Header[] | null) => {
      const fields = fieldsOf(request, skip, [implied, ref]);
      part(suffix, fields, () =>
        JSON.stringify(
          objectOf(fields, 2, (name, value) =>
            name === "url" ? (value === implied ? undefined : value) : name === "requestHeaders" ? value && flat(value as Header[], ref) : value,
          ),
        ),
      );
    };
    /** a response, its header lines referring to `ref`'s where equal */
    const responsePart = (suffix: string, response: HttpResponse, ref?: Header[]) => {
      const fields = fieldsOf(response, [], [ref]);
      part(suffix, fields, () => JSON.stringify(objectOf(fields, 1, (name, value) => (name === "headers" ? flat(value as Header[], ref) : value))));
    };
    pickedPart("u", ex, FIXED_FIELDS);
    for (let i = 0; i < ex.hops.length; i++) {
      const hop = ex.hops[i] as Hop;
      const pf = hop.preflight;
      requestPart(`h${i}`, hop, HOP_PARTS, impliedUrl(ex.url, ex.hops[i - 1]), pf?.requestHeaders);
      if (hop.response) responsePart(`r${i}`, hop.response, pf?.response?.headers);
      if (pf) {
        requestPart(`p${i}`, pf, PREFLIGHT_PARTS, hop.url);
        pickedPart(`z${i}`, pf, PREFLIGHT_END, true);
        if (pf.response) responsePart(`q${i}`, pf.response);
      }
    }
    if (memo) for (const suffix of memo.keys()) if (!parts.has(suffix)) memo.delete(suffix);
    return parts;
  } catch {
    memo?.clear();
    return null;
  }
}

/** a preflight's fields set when its OPTIONS ends (the part `z<i>`) */
const PREFLIGHT_END: readonly (keyof Preflight)[] = ["endTime", "error"];
/** fields of a hop stored in parts of their own */
const HOP_PARTS: readonly string[] = ["response", "preflight"];
/** fields of a preflight stored in parts of their own (its response; its end, the part `z<i>`) */
const PREFLIGHT_PARTS: readonly string[] = ["response", ...PREFLIGHT_END];

/** Which key suffixes name parts (encodeParts); the core's key has none. */
export const PART_SUFFIX = /^(?:[hrpqz]\d+|u)$/;

/** The exchange of a version 4 or 5 core and its parts: hops up to the first whose request
 * part is missing (parts are written with their core in one storage call, so none should be).
 * Version 4 has no `u` and `z<i>` parts: its core and preflight parts hold those fields. */
function exchangeOfParts(changing: Record<string, unknown>, parts: ReadonlyMap<string, unknown>): Exchange | null {
  const part = (suffix: string): Record<string, unknown> | undefined => {
    const text = parts.get(suffix);
    if (typeof text !== "string") return undefined;
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  };
  try {
    const core = { ...part("u"), ...changing };
    if (typeof core.url !== "string" || typeof core.hops !== "number") return null;
    const hops: Hop[] = [];
    for (let i = 0; i < core.hops; i++) {
      const request = part(`h${i}`);
      if (!request) break;
      const packed: Record<string, unknown> = { ...request };
      const response = part(`r${i}`);
      if (response) packed.response = response;
      const preflight = part(`p${i}`);
      if (preflight) {
        const preflightResponse = part(`q${i}`);
        const whole = { ...preflight, ...part(`z${i}`) };
        packed.preflight = preflightResponse ? { ...whole, response: preflightResponse } : whole;
      }
      hops.push(unpackHop(packed, impliedUrl(core.url, hops[hops.length - 1])));
    }
    return { ...core, hops } as unknown as Exchange;
  } catch {
    return null; // a part that is not JSON: written by something else
  }
}

/** The exchange of compact single-key text (version 2): hops unpacked, URLs put back. */
function unpackExchange(ex: unknown): Exchange | null {
  if (typeof ex !== "object" || ex === null) return null;
  const packed = ex as Record<string, unknown>;
  if (!Array.isArray(packed.hops) || typeof packed.url !== "string") return null;
  const url = packed.url;
  try {
    const hops: Hop[] = [];
    for (const h of packed.hops as Record<string, unknown>[]) hops.push(unpackHop(h, impliedUrl(url, hops[hops.length - 1])));
    return { ...packed, hops } as unknown as Exchange;
  } catch {
    return null; // a hop that is not an object: written by something else
  }
}

/** A stored entry as written by any version: a version 4 or 5 core with its parts (suffix → stored
 * value), compact text (v2), `{ s, d }` text, or the `{ s, d }` object itself. Null when it is
 * none of these. */
export function decodeEntry(value: unknown, parts: ReadonlyMap<string, unknown> = new Map()): StoredEntry | null {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const stored = parsed as { v?: unknown; s?: unknown; x?: unknown; d?: { exchange?: unknown; diagnosis?: Diagnosis } };
  // (versions 4 and 5: `d` is the diagnosis itself; version 2: the diagnosed exchange)
  if (typeof stored.s !== "number") return null;
  if (stored.v === 4 || stored.v === 5) {
    const exchange = typeof stored.x === "object" && stored.x !== null ? exchangeOfParts(stored.x as Record<string, unknown>, parts) : null;
    if (!exchange) return null;
    const diagnosis = stored.d as Diagnosis | undefined;
    return typeof diagnosis === "object" && diagnosis !== null ? { s: stored.s, exchange, diagnosis } : { s: stored.s, exchange };
  }
  const exchange = stored.v === 2 ? unpackExchange(stored.d?.exchange) : (stored.d?.exchange as Exchange | undefined);
  if (typeof exchange !== "object" || exchange === null) return null;
  return { s: stored.s, exchange, diagnosis: stored.d?.diagnosis };
}
