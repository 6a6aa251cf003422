/**
 * The WHATWG "parse a MIME type" algorithm, reduced to what the CORS safelist needs: does the
 * value parse (strictly), and what is its essence. Parameter errors never fail the parse.
 */

const TCHAR = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

function isHttpWhitespace(c: string | undefined): boolean {
  return c === " " || c === "\t" || c === "\n" || c === "\r";
}

/** The lower-case essence `type/subtype`, or null when the value is not a valid MIME type. */
export function mimeEssence(value: string): string | null {
  let start = 0;
  let end = value.length;
  while (start < end && isHttpWhitespace(value[start])) start++;
  while (end > start && isHttpWhitespace(value[end - 1])) end--;
  const input = value.slice(start, end);
  const slash = input.indexOf("/");
  if (slash <= 0) return null;
  const type = input.slice(0, slash);
  if (!TCHAR.test(type)) return null;
  const semi = input.indexOf(";", slash + 1);
  let subtype = semi < 0 ? input.slice(slash + 1) : input.slice(slash + 1, semi);
  let subEnd = subtype.length;
  while (subEnd > 0 && isHttpWhitespace(subtype[subEnd - 1])) subEnd--;
  subtype = subtype.slice(0, subEnd);
  if (subtype === "" || !TCHAR.test(subtype)) return null;
  return `${type}/${subtype}`.toLowerCase();
}
