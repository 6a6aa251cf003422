/** The target origin of an exchange (where the request went), cached per exchange object
 * because grouping 10,000 exchanges on every update must not re-parse 10,000 URLs. */
import type { Exchange } from "../../cors/model";

const cache = new WeakMap<Exchange, string>();

export function originOf(url: string): string {
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? `${url.split(":")[0]}:` : origin;
  } catch {
    return "(invalid URL)";
  }
}

export function targetOrigin(exchange: Exchange): string {
  let origin = cache.get(exchange);
  if (origin === undefined) {
    origin = originOf(exchange.url);
    cache.set(exchange, origin);
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
