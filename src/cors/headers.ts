/**
 * Header lookup over the wire form (`Header[]`, name case as sent, several lines kept).
 * Names compare case-insensitively; several lines of one name combine with ", " (1.6).
 * Hostile input is expected: entries that are not `{name: string, value: string}` are skipped.
 */
import type { Header } from "./model";

/** Every value of the lines named `lowerName`, in order. */
export function headerLines(headers: readonly Header[] | null | undefined, lowerName: string): string[] {
  const out: string[] = [];
  if (!Array.isArray(headers)) return out;
  for (const h of headers) {
    if (h === null || typeof h !== "object") continue;
    const name = h.name;
    const value = h.value;
    if (typeof name !== "string" || typeof value !== "string") continue;
    if (name.length === lowerName.length && name.toLowerCase() === lowerName) out.push(value);
  }
  return out;
}

/** The combined value (lines joined by ", "), or null when the header is absent. */
export function headerValue(headers: readonly Header[] | null | undefined, lowerName: string): string | null {
  const lines = headerLines(headers, lowerName);
  if (lines.length === 0) return null;
  return lines.length === 1 ? (lines[0] as string) : lines.join(", ");
}

export function hasHeader(headers: readonly Header[] | null | undefined, lowerName: string): boolean {
  if (!Array.isArray(headers)) return false;
  for (const h of headers) {
    if (h && typeof h.name === "string" && h.name.length === lowerName.length && h.name.toLowerCase() === lowerName) return true;
  }
  return false;
}

/** Only well-formed entries, for code that iterates every header. */
export function validHeaders(headers: readonly Header[] | null | undefined): Header[] {
  if (!Array.isArray(headers)) return [];
  let clean = true;
  for (const h of headers) if (!h || typeof h.name !== "string" || typeof h.value !== "string") clean = false;
  if (clean) return headers as Header[];
  return headers.filter((h): h is Header => !!h && typeof h.name === "string" && typeof h.value === "string");
}
