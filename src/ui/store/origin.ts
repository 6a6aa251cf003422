/** The target origin of an exchange or row (where the request went), cached per object
 * because grouping 10,000 exchanges on every update must not re-parse 10,000 URLs. */
const cache = new WeakMap<{ url: string }, string>();

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

export function targetOrigin(item: { url: string }): string {
  let origin = cache.get(item);
  if (origin === undefined) {
    origin = originOf(item.url);
    cache.set(item, origin);
  }
  return origin;
}

/** Path, query and fragment of a URL: what the exchange list shows next to the origin. */
export function pathOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}
