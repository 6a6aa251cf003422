/** The browser this page runs in, for export metadata (the build says which rules apply). */
import type { BrowserKind } from "../../cors/model";

export function browserKind(): BrowserKind {
  return __BROWSER__;
}

/** Major.minor… version from the user agent (e.g. "156.0.7000.0"), or "" when unknown. */
export function browserVersion(userAgent: string = typeof navigator === "undefined" ? "" : navigator.userAgent): string {
  const pattern = __BROWSER__ === "firefox" ? /Firefox\/([\d.]+)/ : /(?:Chrome|Chromium)\/([\d.]+)/;
  return pattern.exec(userAgent)?.[1] ?? "";
}
