/**
 * Loads a HAR file whole for `cors-lens analyze` (files above SCAN_ABOVE_BYTES are first
 * streamed by stream-analyze.ts; they come here only when the stream hands them back):
 * - files above MAX_FILE_BYTES are refused (a HAR that large is not a browser export);
 * - small files are parsed with JSON.parse;
 * - larger ones are scanned: the text is walked once to find `log.entries`, and each entry is
 *   parsed on its own, stripped of bodies (content.text, postData) and kept only up to
 *   maxEntries, so the object tree never holds the whole file at once.
 * Errors are LoadError with a message fit for the terminal.
 */
import { readFileSync, statSync } from "node:fs";

export class LoadError extends Error {
  override name = "LoadError";
}

export const MAX_FILE_BYTES = 1024 * 1024 * 1024;
/** below this, JSON.parse of the whole file is cheap and gives the best error messages */
export const SCAN_ABOVE_BYTES = 16 * 1024 * 1024;

export interface Loaded {
  json: unknown;
  /** entries seen in the file (may exceed those kept) */
  entryCount: number | null;
  warnings: string[];
}

type Obj = Record<string, unknown>;

function slim(entry: unknown): unknown {
  if (typeof entry !== "object" || entry === null) return entry;
  const e = entry as Obj;
  const req = e.request as Obj | undefined;
  const res = e.response as Obj | undefined;
  if (req && typeof req === "object") delete req.postData;
  const content = res && typeof res === "object" ? (res.content as Obj | undefined) : undefined;
  if (content && typeof content === "object") delete content.text;
  return e;
}

/** Index just past the JSON value starting at `i` (string-aware bracket matching). */
function skipValue(text: string, start: number): number {
  let i = start;
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  const c = text[i];
  if (c === '"') {
    i++;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 92) i += 2; // backslash
      else if (ch === 34) return i + 1; // quote
      else i++;
    }
    throw new LoadError("the file ends inside a string (truncated JSON?)");
  }
  if (c === "{" || c === "[") {
    let depth = 0;
    while (i < text.length) {
      const ch = text.charCodeAt(i);
      if (ch === 34) {
        i = skipValue(text, i);
        continue;
      }
      if (ch === 123 || ch === 91) depth++;
      else if (ch === 125 || ch === 93) {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new LoadError("the file ends before its last object is closed (truncated JSON?)");
  }
  // number, true, false, null
  while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) i++;
  return i;
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i] as string)) i++;
  return i;
}

/** Finds the value of `key` in the object starting at `objStart`: [valueStart, valueEnd]. */
function findMember(text: string, objStart: number, key: string): [number, number] | null {
  let i = skipSpace(text, objStart);
  if (text[i] !== "{") return null;
  i++;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === "}") return null;
    if (text[i] !== '"') throw new LoadError("not valid JSON: expected a member name");
    const nameEnd = skipValue(text, i);
    const name: unknown = JSON.parse(text.slice(i, nameEnd));
    i = skipSpace(text, nameEnd);
    if (text[i] !== ":") throw new LoadError("not valid JSON: expected ':'");
    const valueStart = skipSpace(text, i + 1);
    const valueEnd = skipValue(text, valueStart);
    if (name === key) return [valueStart, valueEnd];
    i = skipSpace(text, valueEnd);
    if (text[i] === ",") i++;
    else if (text[i] === "}") return null;
    else throw new LoadError("not valid JSON: expected ',' or '}'");
  }
}

function scan(text: string, maxEntries: number): Loaded {
  const top = findMember(text, 0, "log");
  if (!top) throw new LoadError('not a HAR file: no "log" object');
  const entries = findMember(text, top[0], "entries");
  if (!entries || text[entries[0]] !== "[") throw new LoadError('not a HAR file: "log.entries" is not an array');
  const kept: unknown[] = [];
  let count = 0;
  let i = entries[0] + 1;
  for (;;) {
    i = skipSpace(text, i);
    if (text[i] === "]") break;
    const end = skipValue(text, i);
    if (count < maxEntries) {
      try {
        kept.push(slim(JSON.parse(text.slice(i, end))));
      } catch {
        throw new LoadError(`not valid JSON in entry ${count}`);
      }
    }
    count++;
    i = skipSpace(text, end);
    if (text[i] === ",") i++;
    else if (text[i] !== "]") throw new LoadError("not valid JSON: expected ',' or ']' between entries");
  }
  // the rest of the log (creator, browser, pages, _corsLens) without the entries
  let log: unknown;
  try {
    log = JSON.parse(`${text.slice(top[0], entries[0])}[]${text.slice(entries[1], top[1])}`);
  } catch {
    throw new LoadError("not valid JSON around log.entries");
  }
  (log as Obj).entries = kept;
  const warnings = count > maxEntries ? [`the file has ${count} entries; only the first ${maxEntries} were read`] : [];
  return { json: { log }, entryCount: count, warnings };
}

export function loadHarFile(path: string, maxEntries: number): Loaded {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new LoadError(`${path} is not a file`);
    size = stat.size;
  } catch (e) {
    if (e instanceof LoadError) throw e;
    throw new LoadError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  if (size > MAX_FILE_BYTES) throw new LoadError(`${path} is ${Math.round(size / 1048576)} MB; files above ${MAX_FILE_BYTES / 1048576} MB are refused`);
  if (size === 0) throw new LoadError(`${path} is empty`);
  const text = readFileSync(path, "utf8");
  if (size <= SCAN_ABOVE_BYTES) {
    try {
      return { json: JSON.parse(text), entryCount: null, warnings: [] };
    } catch (e) {
      throw new LoadError(`${path} is not valid JSON (${(e as Error).message}); a truncated download?`);
    }
  }
  return scan(text, maxEntries);
}

/** For tests: the scanner on a string. */
export function scanHarText(text: string, maxEntries: number): Loaded {
  return scan(text, maxEntries);
}
