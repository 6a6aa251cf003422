/**
 * "Export JSON": the extension's own format, documented in docs/json-format.md and described
 * by the JSON Schema in cors-lens-json.schema.ts. Unlike HAR it keeps the exchanges and
 * diagnoses exactly as the engine holds them (DiagnosedExchange), so it is the lossless way to
 * hand a log to another tool. Versioned: readers refuse versions they do not know.
 */
import type { BrowserKind, DiagnosedExchange } from "../cors/model";
import type { TabLog } from "../protocol";
import { redactDiagnosis, redactExchange, redactPageUrl } from "./redact";
import { validateCorsLensJson } from "./validate-json";

export const JSON_FORMAT = "cors-lens-json";
export const JSON_VERSION = 1;

export interface CorsLensJson {
  format: typeof JSON_FORMAT;
  version: typeof JSON_VERSION;
  /** ISO 8601 (UTC) */
  exportedAt: string;
  browser: BrowserKind;
  tabId: number;
  pageUrl: string | null;
  redacted: boolean;
  dropped: number;
  exchanges: DiagnosedExchange[];
}

export interface JsonExportOptions {
  redact: boolean;
  browser: BrowserKind;
  now?: Date;
}

export function toCorsLensJson(log: TabLog, options: JsonExportOptions): CorsLensJson {
  return {
    format: JSON_FORMAT,
    version: JSON_VERSION,
    exportedAt: (options.now ?? new Date()).toISOString(),
    browser: options.browser,
    tabId: log.tabId,
    pageUrl: options.redact ? redactPageUrl(log.pageUrl) : log.pageUrl,
    redacted: options.redact,
    dropped: log.dropped,
    exchanges: log.entries.map(({ exchange, diagnosis }) =>
      options.redact ? { exchange: redactExchange(exchange), diagnosis: redactDiagnosis(diagnosis, exchange) } : { exchange, diagnosis },
    ),
  };
}

/** File name for the JSON export: same stem as the HAR's. */
export function jsonFileName(harName: string): string {
  return harName.replace(/\.har$/, ".json");
}

export class CorsLensJsonError extends Error {
  override name = "CorsLensJsonError";
  constructor(
    message: string,
    readonly problems: string[] = [],
  ) {
    super(message);
  }
}

/** Reads a parsed "Export JSON" file; throws CorsLensJsonError naming every problem found. */
export function readCorsLensJson(json: unknown): CorsLensJson {
  const problems = validateCorsLensJson(json);
  if (problems.length > 0) {
    const shown = problems.slice(0, 5).join("; ");
    throw new CorsLensJsonError(`not a valid CORS Lens JSON export: ${shown}${problems.length > 5 ? ` (and ${problems.length - 5} more)` : ""}`, problems);
  }
  return json as CorsLensJson;
}

/** True when a parsed document claims to be this format (any version): used to pick a reader. */
export function looksLikeCorsLensJson(json: unknown): boolean {
  return typeof json === "object" && json !== null && (json as { format?: unknown }).format === JSON_FORMAT;
}
