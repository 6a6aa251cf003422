/**
 * The write-ahead journal of capture events (see log-store.ts, "Journal"): what storage gets
 * for an event is the event itself, in a compact form, instead of the whole log entry that
 * the event changed (an entry is ~2.8 KB and changes 4 to 8 times per request; the event that
 * changed it is ~100 bytes once compacted). Writing storage.session costs the worker per byte,
 * so this is what a burst of requests costs.
 *
 * Compact form, relative to a base that encoder and decoder build alike from the events
 * before, in order (the base starts empty at each compaction and at each worker start):
 * - every field equal to the same field of the previous event of the same request is left
 *   out (the URL, method, tab, type, initiator… of a request are in its first event only);
 *   a field that the previous event had and this one has not is written as null;
 * - the time stamp is the difference from the previous event of the request (`s`) when adding
 *   it back gives the same number, else the time stamp itself (`S`);
 * - header lines are numbers into a table of the lines seen before (User-Agent, sec-ch-ua
 *   and the like repeat in every request), a line not seen yet is its name and value;
 * - a response header list equal to the request's previous one is `1` (onCompleted repeats
 *   onHeadersReceived's); no `q`/`p`: the event has no such list.
 * `decodeEvents` gives back exactly the events encoded.
 */
import type { CaptureEvent, CaptureEventKind } from "../capture/events";
import type { Header } from "../cors/model";

const KINDS: CaptureEventKind[] = ["beforeRequest", "sendHeaders", "headersReceived", "beforeRedirect", "responseStarted", "completed", "errorOccurred"];

/** Short key of each optional or repeated field (kind and requestId are always written). */
const FIELDS = {
  browser: "b",
  tabId: "t",
  frameId: "f",
  url: "u",
  method: "m",
  type: "y",
  initiator: "i",
  originUrl: "o",
  documentUrl: "d",
  statusCode: "c",
  statusLine: "l",
  redirectUrl: "x",
  error: "e",
  fromCache: "h",
  ip: "a",
} as const satisfies Partial<Record<keyof CaptureEvent, string>>;

type Field = keyof typeof FIELDS;
const FIELD_NAMES = Object.keys(FIELDS) as Field[];

/** header lines remembered per base: enough for the lines that repeat, bounded against floods */
const MAX_LINES = 4096;

export type CompactEvent = Record<string, unknown>;

interface Base {
  /** previous event of each request still going on */
  last: Map<string, CaptureEvent>;
  lines: Map<string, number>;
  table: Header[];
}

const newBase = (): Base => ({ last: new Map(), lines: new Map(), table: [] });

/** the request's events end here: its base entry goes (a redirect keeps the request going) */
const ends = (kind: CaptureEventKind) => kind === "completed" || kind === "errorOccurred";

const lineKey = (h: Header) => `${h.name}\u0000${h.value}`;

function remember(base: Base, event: CaptureEvent): void {
  if (ends(event.kind)) base.last.delete(event.requestId);
  else base.last.set(event.requestId, event);
}

export interface JournalEncoder {
  encode(event: CaptureEvent): CompactEvent;
  /** starts an empty base (after a compaction: the journal begins anew) */
  reset(): void;
}

export function createJournalEncoder(): JournalEncoder {
  let base = newBase();

  function headers(list: Header[]): unknown[] {
    const out: unknown[] = [];
    for (const h of list) {
      const key = lineKey(h);
      const n = base.lines.get(key);
      if (n !== undefined) {
        out.push(n);
        continue;
      }
      out.push(h.name, h.value);
      if (base.table.length < MAX_LINES) {
        base.lines.set(key, base.table.length);
        base.table.push(h);
      }
    }
    return out;
  }

  return {
    encode(event) {
      const prev = base.last.get(event.requestId);
      const out: CompactEvent = { k: KINDS.indexOf(event.kind), r: event.requestId };
      for (const name of FIELD_NAMES) {
        const value = event[name];
        const before = prev?.[name];
        if (value === before) continue;
        out[FIELDS[name]] = value === undefined ? null : value;
      }
      // a difference only when adding it back gives the very same number (floating point)
      const delta = prev ? event.timeStamp - prev.timeStamp : Number.NaN;
      if (prev && prev.timeStamp + delta === event.timeStamp) out.s = delta;
      else out.S = event.timeStamp;
      if (event.requestHeaders) out.q = headers(event.requestHeaders);
      else if (prev?.requestHeaders) out.q = null;
      if (event.responseHeaders) {
        out.p = prev?.responseHeaders && sameHeaders(prev.responseHeaders, event.responseHeaders) ? 1 : headers(event.responseHeaders);
      } else if (prev?.responseHeaders) out.p = null;
      remember(base, event);
      return out;
    },
    reset() {
      base = newBase();
    },
  };
}

function sameHeaders(a: Header[], b: Header[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as Header;
    const y = b[i] as Header;
    if (x.name !== y.name || x.value !== y.value) return false;
  }
  return true;
}

export interface JournalDecoder {
  /** the event, or null when the value is not a compact event this base can read */
  decode(value: unknown): CaptureEvent | null;
}

export function createJournalDecoder(): JournalDecoder {
  const base = newBase();

  function headers(value: unknown): Header[] | null {
    if (!Array.isArray(value)) return null;
    const out: Header[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = value[i];
      if (typeof item === "number") {
        const h = base.table[item];
        if (!h) return null;
        out.push(h);
      } else {
        const v = value[i + 1];
        if (typeof item !== "string" || typeof v !== "string") return null;
        i++;
        const h = { name: item, value: v };
        out.push(h);
        if (base.table.length < MAX_LINES) base.table.push(h);
      }
    }
    return out;
  }

  return {
    decode(value) {
      if (typeof value !== "object" || value === null) return null;
      const c = value as CompactEvent;
      const kind = KINDS[c.k as number];
      if (kind === undefined || typeof c.r !== "string") return null;
      const prev = base.last.get(c.r);
      const timeStamp = typeof c.S === "number" ? c.S : typeof c.s === "number" && prev ? prev.timeStamp + c.s : null;
      if (timeStamp === null) return null;
      const event = { kind, requestId: c.r } as CaptureEvent;
      const fields = event as unknown as Record<string, unknown>;
      for (const name of FIELD_NAMES) {
        const key = FIELDS[name];
        const v = key in c ? c[key] : prev?.[name];
        if (v !== undefined && v !== null) fields[name] = v;
      }
      event.timeStamp = timeStamp;
      if (c.q !== undefined && c.q !== null) {
        const list = headers(c.q);
        if (!list) return null;
        event.requestHeaders = list;
      }
      if (c.p === 1 && prev?.responseHeaders) event.responseHeaders = [...prev.responseHeaders];
      else if (c.p !== undefined && c.p !== null) {
        const list = headers(c.p);
        if (!list) return null;
        event.responseHeaders = list;
      }
      if (typeof event.url !== "string" || typeof event.tabId !== "number" || typeof event.method !== "string" || typeof event.browser !== "string") {
        return null;
      }
      remember(base, event);
      return event;
    },
  };
}
