/** Origins by the URL's head (scheme and authority: everything before the first "/", "?" or
 * "#" after "//"), because grouping 10,000 exchanges must not parse 10,000 URLs, and a log has
 * a few origins: a lookup by a short string is cheaper than a per-object cache, which 10,000
 * new rows miss anyway. Emptied when it grows past HEADS_KEPT. */
const byHead = new Map<string, string>();
const HEADS_KEPT = 2000;

/** http(s)://host[:port] of a URL as the URL parser writes it (lower-case ASCII host, no user,
 * no default port): the origin is that prefix, no parse needed */
const SERIALIZED = /^(https?):\/\/([a-z0-9.-]+)(?::(\d+))?(?=[/?#]|$)/;

/** a host the parser leaves as it is: no IDNA label, and an IPv4 address only in dotted-quad form */
function plainHost(host: string): boolean {
  if (host.includes("xn--")) return false;
  const last = host.slice(host.lastIndexOf(".") + 1);
  if (!/^(\d+|0x[0-9a-f]*)$/.test(last)) return true;
  return /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.test(host) && host.split(".").every((p) => Number(p) <= 255);
}

export function originOf(url: string): string {
  const m = SERIALIZED.exec(url);
  if (m && m[3] !== (m[1] === "http" ? "80" : "443") && !(m[3] ?? "").startsWith("0") && Number(m[3] ?? 0) <= 65535 && plainHost(m[2] as string)) return m[0];
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? `${url.split(":")[0]}:` : origin;
  } catch {
    return "(invalid URL)";
  }
}

/** The URL up to its path, query or fragment when it has an authority; otherwise the URL. The
 * origin of that head is the URL's (the parser ends the authority at the same characters, and
 * at a backslash, which the head keeps along with what follows it). */
function headOf(url: string): string {
  const start = url.indexOf("//");
  if (start < 0) return url;
  for (let i = start + 2; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47 || c === 63 || c === 35) return url.slice(0, i);
  }
  return url;
}

/** The target origin of an exchange or row (where the request went). */
export function targetOrigin(item: { url: string }): string {
  const head = headOf(item.url);
  let origin = byHead.get(head);
  if (origin === undefined) {
    origin = originOf(head);
    if (byHead.size >= HEADS_KEPT) byHead.clear();
    byHead.set(head, origin);
  }
  return origin;
}

/** Paths by URL: the exchange list draws its visible rows again on every live update, and
 * parsing their URLs each time was a tenth of the panel's time during a burst. Emptied when it
 * grows past HEADS_KEPT. */
const paths = new Map<string, string>();

/** Path and query of a URL: what the exchange list shows next to the origin. */
export function pathOf(url: string): string {
  let path = paths.get(url);
  if (path === undefined) {
    try {
      const u = new URL(url);
      path = `${u.pathname}${u.search}`;
    } catch {
      path = url;
    }
    if (paths.size >= HEADS_KEPT) paths.clear();
    paths.set(url, path);
  }
  return path;
}
