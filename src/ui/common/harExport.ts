/** Builds the HAR download of a log: everything in it, whatever the filters. */

import { diagnose } from "../../cors/diagnose";
import type { DiagnosedExchange } from "../../cors/model";
import { readHar } from "../../export/har-reader";
import { harFileName, toHar } from "../../export/har-writer";
import { jsonFileName, looksLikeCorsLensJson, readCorsLensJson, toCorsLensJson } from "../../export/json-export";
import type { TabLog } from "../../protocol";
import { browserKind, browserVersion } from "./browser";
import { downloadText } from "./download";

export interface LogLike {
  tabId: number | null;
  pageUrl: string | null;
  entries: DiagnosedExchange[];
  dropped: number;
}

export function tabLogOf(log: LogLike): TabLog {
  return { tabId: log.tabId ?? -1, pageUrl: log.pageUrl, entries: log.entries, dropped: log.dropped };
}

export function harDownload(log: LogLike, redact: boolean, now: Date = new Date()): { fileName: string; text: string } {
  const har = toHar(tabLogOf(log), {
    redact,
    browser: browserKind(),
    browserVersion: browserVersion(),
    creatorVersion: __VERSION__,
    now,
  });
  return { fileName: harFileName(log.pageUrl, now), text: JSON.stringify(har, null, 2) };
}

export function downloadHar(log: LogLike, redact: boolean): string {
  const { fileName, text } = harDownload(log, redact);
  downloadText(fileName, text, "application/json");
  return fileName;
}

/** "Export JSON": the lossless CORS Lens format, same file stem as the HAR. */
export function jsonDownload(log: LogLike, redact: boolean, now: Date = new Date()): { fileName: string; text: string } {
  const json = toCorsLensJson(tabLogOf(log), { redact, browser: browserKind(), now });
  return { fileName: jsonFileName(harFileName(log.pageUrl, now)), text: JSON.stringify(json, null, 2) };
}

/**
 * Reads an imported file into a log the panel can show. A CORS Lens JSON export carries its
 * diagnoses; a HAR (ours, DevTools', Firefox's…) is read by the export module's reader and
 * diagnosed by the same engine the worker uses.
 */
export function readImport(text: string): TabLog {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new Error("not a JSON file");
  }
  if (looksLikeCorsLensJson(parsed)) {
    const json = readCorsLensJson(parsed);
    return { tabId: json.tabId, pageUrl: json.pageUrl, entries: json.exchanges, dropped: json.dropped };
  }
  const har = readHar(parsed);
  return {
    tabId: har.corsLens?.tabId ?? -1,
    pageUrl: har.pageUrl,
    entries: har.exchanges.map((exchange) => ({ exchange, diagnosis: diagnose(exchange) })),
    dropped: har.corsLens?.dropped ?? 0,
  };
}
