/**
 * Settings in storage.local: DEFAULT_SETTINGS merged with what the user saved, every field
 * type-checked (storage can hold anything an older version wrote).
 */
import { DEFAULT_SETTINGS, type Settings } from "../protocol";

export const SETTINGS_KEY = "settings";

function positiveInt(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) && value >= 1 ? Math.floor(value) : fallback;
}

/** Keeps only valid fields of `input` on top of `base`. */
export function mergeSettings(base: Settings, input: unknown): Settings {
  if (typeof input !== "object" || input === null) return { ...base };
  const i = input as Partial<Record<keyof Settings, unknown>>;
  return {
    maxExchangesPerTab: positiveInt(i.maxExchangesPerTab, base.maxExchangesPerTab),
    maxBytesPerTab: positiveInt(i.maxBytesPerTab, base.maxBytesPerTab),
    redactByDefault: typeof i.redactByDefault === "boolean" ? i.redactByDefault : base.redactByDefault,
    preserveLog: typeof i.preserveLog === "boolean" ? i.preserveLog : base.preserveLog,
    paused: typeof i.paused === "boolean" ? i.paused : base.paused,
    disabledSites: Array.isArray(i.disabledSites)
      ? i.disabledSites
          .filter((s): s is string => typeof s === "string")
          .map((s) => s.trim().toLowerCase())
          .filter((s) => s.length > 0)
      : [...base.disabledSites],
  };
}

export function defaultSettings(): Settings {
  return mergeSettings(DEFAULT_SETTINGS, {});
}

/** Is `host` (or a parent domain of it) in the disabled list? */
export function siteDisabled(settings: Settings, url: string | null | undefined): boolean {
  if (!url || settings.disabledSites.length === 0) return false;
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return false;
  }
  return settings.disabledSites.some((site) => host === site || host.endsWith(`.${site}`));
}
