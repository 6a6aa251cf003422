/** The target origin of an exchange or row (where the request went), cached per object
 * because grouping 10,000 exchanges on every update must not re-parse 10,000 URLs. */
const cache = new WeakMap<{ url: string }, string>();

export function originOf(url: string): string {
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
