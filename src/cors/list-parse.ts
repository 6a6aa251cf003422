/**
 * List headers (`#method`, `#field-name`, cors-failures.md 1.6): split on ",", trim spaces
 * and tabs, ignore empty items; every item must be a token or the whole header is unparseable.
 */

/** Token code points: ``A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ ` | ~`` (RFC 9110 tchar). */
const TCHAR = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") TCHAR[c.charCodeAt(0)] = 1;

export function isToken(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 128 || TCHAR[c] !== 1) return false;
  }
  return true;
}

function isSpaceOrTab(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

function trimSpaceTab(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && isSpaceOrTab(text.charCodeAt(start))) start++;
  while (end > start && isSpaceOrTab(text.charCodeAt(end - 1))) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

export type ListParse = { ok: true; items: string[] } | { ok: false; items: string[]; badItem: string };

/** Parses a combined list value. `badItem` is the first item that is not a token (Firefox names it). */
export function parseTokenList(value: string): ListParse {
  const items: string[] = [];
  for (const raw of value.split(",")) {
    const item = trimSpaceTab(raw);
    if (item === "") continue;
    if (!isToken(item)) return { ok: false, items, badItem: item };
    items.push(item);
  }
  return { ok: true, items };
}

/** Access-Control-Request-Headers as sent: lower-case names, empty items dropped (no token check: the browser wrote it). */
export function parseNameList(value: string | null): string[] {
  if (value === null) return [];
  const out: string[] = [];
  for (const raw of value.split(",")) {
    const item = trimSpaceTab(raw).toLowerCase();
    if (item !== "" && !out.includes(item)) out.push(item);
  }
  return out.sort();
}
