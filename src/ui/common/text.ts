/**
 * Header values, URLs and explanations come from hostile servers. Preact renders them as text
 * nodes (never HTML); this module additionally makes characters that would be invisible or
 * reorder text visible, so that "Access-Control-Allow-Origin: https://a.example\u202E" does not
 * look identical to a correct value, and it cuts very long values for display.
 */

/** C0/C1 controls (tab and newline included: a header value never legitimately contains them),
 * zero-width and joiner characters, line/paragraph separators, bidi embeddings, overrides and
 * isolates, the word joiner family, soft hyphen and the byte-order mark. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const INVISIBLE = /[\u0000-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u2028\u2029\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

/** More combining marks than this on one character are a stack ("Zalgo" text) that renders as
 * one unbreakable glyph cluster wider or taller than any row: the rest of the run is shown as
 * a count instead. */
export const MAX_COMBINING = 4;
const COMBINING_RUN = new RegExp(`\\p{M}{${MAX_COMBINING + 1},}`, "gu");

export interface Segment {
  text: string;
  /** true when `text` is the visible escape of an invisible character */
  escaped: boolean;
}

/** The visible escape of one code point, e.g. ⟨U+202E⟩. */
export function escapeCodePoint(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  return `\u27E8U+${code.toString(16).toUpperCase().padStart(4, "0")}\u27E9`;
}

/** Splits a value into plain runs and visible escapes of invisible characters. `multiline`
 * keeps line feeds and tabs as they are (generated code snippets, never header values). */
export function visibleSegments(value: string, multiline = false): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  const plain = (text: string) => {
    COMBINING_RUN.lastIndex = 0;
    let from = 0;
    for (const run of text.matchAll(COMBINING_RUN)) {
      const marks = [...run[0]];
      const at = (run.index ?? 0) + marks.slice(0, MAX_COMBINING).join("").length;
      out.push({ text: text.slice(from, at), escaped: false });
      out.push({ text: `\u27E8+${marks.length - MAX_COMBINING} combining marks\u27E9`, escaped: true });
      from = (run.index ?? 0) + run[0].length;
    }
    if (from < text.length) out.push({ text: text.slice(from), escaped: false });
  };
  for (const match of value.matchAll(INVISIBLE)) {
    if (multiline && (match[0] === "\n" || match[0] === "\t")) continue;
    const at = match.index ?? 0;
    if (at > last) plain(value.slice(last, at));
    out.push({ text: escapeCodePoint(match[0]), escaped: true });
    last = at + match[0].length;
  }
  if (last < value.length) plain(value.slice(last));
  if (out.length === 0) out.push({ text: "", escaped: false });
  return out;
}

const PRINTABLE_ASCII = /^[\x20-\x7E]*$/;

/** The same as one string (for clipboard text, titles and Markdown). */
export function makeVisible(value: string): string {
  // printable ASCII has nothing to escape: most URLs and header values (a list row shows two
  // per render, and the panel renders on every live update)
  if (PRINTABLE_ASCII.test(value)) return value;
  return visibleSegments(value)
    .map((s) => s.text)
    .join("");
}

export function hasInvisible(value: string): boolean {
  INVISIBLE.lastIndex = 0;
  const found = INVISIBLE.test(value);
  INVISIBLE.lastIndex = 0;
  return found;
}

/** Display limit for one value before the "show all" toggle. */
export const DISPLAY_LIMIT = 240;

/** Cuts a value at `limit` characters without splitting a surrogate pair. */
export function cut(value: string, limit = DISPLAY_LIMIT): { head: string; rest: number } {
  if (value.length <= limit) return { head: value, rest: 0 };
  let end = limit;
  const code = value.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return { head: value.slice(0, end), rest: value.length - end };
}
