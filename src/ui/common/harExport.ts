/** Builds the HAR download of a log: everything in it, whatever the filters. */
import type { DiagnosedExchange } from "../../cors/model";
import { harFileName, toHar } from "../../export/har-writer";
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
