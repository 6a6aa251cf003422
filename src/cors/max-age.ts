/**
 * Preflight cache lifetimes (cors-failures.md 1.10): default 5 s, caps Chromium 7200 s and
 * Firefox 86 400 s; invalid values: Chromium 5 s (negative → 0), Firefox no caching.
 */
import type { BrowserKind } from "./model";

export const DEFAULT_MAX_AGE = 5;
export const MAX_AGE_CAP: Record<BrowserKind, number> = { chromium: 7200, firefox: 86400 };

export interface CacheLifetime {
  /** how long the browser keeps the preflight result */
  seconds: number;
  /** warn-max-age variant, when the value deserves a warning */
  variant?: "over-cap" | "invalid" | "absent-or-zero";
}

const INT = /^-?\d+$/;
const DIGITS = /^\d+$/;

export function preflightCacheLifetime(value: string | null, browser: BrowserKind): CacheLifetime {
  if (value === null) return { seconds: DEFAULT_MAX_AGE, variant: "absent-or-zero" };
  const cap = MAX_AGE_CAP[browser];
  if (browser === "firefox") {
    if (!DIGITS.test(value)) return { seconds: 0, variant: "invalid" };
  } else if (!INT.test(value)) return { seconds: DEFAULT_MAX_AGE, variant: "invalid" };
  const n = Number(value);
  if (n < 0) return { seconds: 0, variant: "invalid" };
  if (n === 0) return { seconds: 0, variant: "absent-or-zero" };
  if (n > cap) return { seconds: cap, variant: "over-cap" };
  return { seconds: n };
}
