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
 * So a hop or preflight whose URL is the one it implies leaves it out, and header lists are flat
 * `[name, value, name, value, …]` arrays. `decodeEntry` gives back exactly the entry encoded.
 * Version 2 is marked by `"v":2`; text without it is the earlier `{ s, d }` form as is.
 */
import type { DiagnosedExchange, Exchange, Header, Hop, HttpResponse, Preflight } from "../cors/model";

export interface StoredEntry {
  s: number;
  d: DiagnosedExchange;
}

type FlatHeaders = string[];

function flat(headers: Header[]): FlatHeaders {
  const out: string[] = new Array(headers.length * 2);
  for (let i = 0; i < headers.length; i++) {
    const h = headers[i] as Header;
    out[2 * i] = h.name;
    out[2 * i + 1] = h.value;
  }
  return out;
}

function unflat(value: unknown): Header[] {
  if (!Array.isArray(value)) return [];
  const out: Header[] = [];
  for (let i = 0; i + 1 < value.length; i += 2) out.push({ name: String(value[i]), value: String(value[i + 1]) });
  return out;
}

function packResponse(r: HttpResponse): Record<string, unknown> {
  return { ...r, headers: flat(r.headers) };
}

function unpackResponse(r: Record<string, unknown>): HttpResponse {
  return { ...(r as unknown as HttpResponse), headers: unflat(r.headers) };
}

function packPreflight(pf: Preflight, hopUrl: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...pf, requestHeaders: pf.requestHeaders && flat(pf.requestHeaders) };
  if (pf.url === hopUrl) delete out.url;
  if (pf.response) out.response = packResponse(pf.response);
  return out;
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

function packHop(hop: Hop, implied: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...hop, requestHeaders: hop.requestHeaders && flat(hop.requestHeaders) };
  if (hop.url === implied) delete out.url;
  if (hop.response) out.response = packResponse(hop.response);
  if (hop.preflight) out.preflight = packPreflight(hop.preflight, hop.url);
  return out;
}

function unpackHop(hop: Record<string, unknown>, implied: string): Hop {
  const url = typeof hop.url === "string" ? hop.url : implied;
  const out = { ...hop, url } as unknown as Hop;
  out.requestHeaders = hop.requestHeaders == null ? null : unflat(hop.requestHeaders);
  if (hop.response) out.response = unpackResponse(hop.response as Record<string, unknown>);
  if (hop.preflight) out.preflight = unpackPreflight(hop.preflight as Record<string, unknown>, url);
  return out;
}

/** The stored text of an entry; "" when it cannot be serialised (a cycle). */
export function encodeEntry(seq: number, entry: DiagnosedExchange): string {
  try {
    const ex = entry.exchange;
    const exchange = { ...ex, hops: ex.hops.map((h, i) => packHop(h, impliedUrl(ex.url, ex.hops[i - 1]))) };
    return `{"v":2,"s":${seq},"d":${JSON.stringify({ exchange, diagnosis: entry.diagnosis })}}`;
  } catch {
    return "";
  }
}

/** A stored entry as written by any version: compact text (v2), `{ s, d }` text, or the
 * `{ s, d }` object itself. Null when it is none of these. */
export function decodeEntry(value: unknown): Partial<StoredEntry> | null {
  let parsed: unknown = value;
  if (typeof value === "string") {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  if (typeof parsed !== "object" || parsed === null) return null;
  const stored = parsed as { v?: unknown; s?: unknown; d?: { exchange?: Record<string, unknown>; diagnosis?: unknown } };
  if (stored.v !== 2) return stored as Partial<StoredEntry>;
  const ex = stored.d?.exchange;
  if (typeof ex !== "object" || ex === null || !Array.isArray(ex.hops) || typeof ex.url !== "string") return null;
  const url = ex.url;
  try {
    const hops: Hop[] = [];
    for (const h of ex.hops as Record<string, unknown>[]) hops.push(unpackHop(h, impliedUrl(url, hops[hops.length - 1])));
    const exchange = { ...ex, hops } as unknown as Exchange;
    return { s: stored.s as number, d: { exchange, diagnosis: stored.d?.diagnosis as DiagnosedExchange["diagnosis"] } };
  } catch {
    return null; // a hop that is not an object: written by something else
  }
}
