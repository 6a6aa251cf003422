/**
 * The origin a row is grouped under. http(s) URLs take the engine's origin (cors/origin.ts),
 * which parses once per scheme and authority: grouping 10,000 exchanges must not parse 10,000
 * URLs, and a log goes to a few origins. Other URLs are named by their scheme ("data:") when the
 * parser gives them an opaque origin, "(invalid URL)" when it cannot read them.
 */
import { isHttpScheme, originOf as engineOrigin } from "../../cors/origin";

const PATHS_KEPT = 2000;

export function originOf(url: string): string {
  if (isHttpScheme(url)) {
    const origin = engineOrigin(url);
    if (origin !== "null") return origin;
  }
  try {
    const origin = new URL(url).origin;
    return origin === "null" ? `${url.split(":")[0]}:` : origin;
  } catch {
    return "(invalid URL)";
  }
}

/** The target origin of an exchange or row (where the request went). */
export function targetOrigin(item: { url: string }): string {
  return originOf(item.url);
}

/** Paths by URL: a list row is drawn again each time its exchange changes (3 to 6 times, with
 * the same URL), and parsing the URL each time was a tenth of the panel's time during a burst.
 * Emptied when it grows past PATHS_KEPT. */
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
    if (paths.size >= PATHS_KEPT) paths.clear();
    paths.set(url, path);
  }
  return path;
}
