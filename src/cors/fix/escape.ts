/**
 * String literals for each snippet language. Values come from pages and servers we do not
 * trust, so every literal is built here and nowhere else; nothing a value contains can end
 * the literal early or start a new line of code.
 */

/** Header names, methods and origins are ASCII; config formats without escapes get nothing else. */
function isPrintableAscii(value: string): boolean {
  for (let i = 0; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e) return false;
  }
  return true;
}

function hex(code: number, width: number): string {
  return code.toString(16).toUpperCase().padStart(width, "0");
}

/** JavaScript (and JSON-compatible) double-quoted literal. */
export function jsString(value: string): string {
  // JSON.stringify escapes quotes, backslashes, control characters and lone surrogates;
  // U+2028/2029 are legal in JS strings since ES2019 but are escaped for older tooling.
  return JSON.stringify(value).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");
}

/** Escapes every quoted-literal language below writes the same way. */
const SHORT_ESCAPES = new Map([
  ["\\", "\\\\"],
  ['"', '\\"'],
  ["\n", "\\n"],
  ["\r", "\\r"],
  ["\t", "\\t"],
]);

/** The UTF-16 code units of a string, one string each (lone surrogates stay as they are). */
function* codeUnits(value: string): Iterable<string> {
  for (let i = 0; i < value.length; i++) yield value.charAt(i);
}

/**
 * A double-quoted literal writer: the short escapes, printable ASCII as itself, and
 * `escapeCode` for every other character. `chars` says what a character is in the language:
 * a code point (iterating the string) or a UTF-16 code unit.
 */
function quotedLiteral(chars: (value: string) => Iterable<string>, escapeCode: (code: number) => string): (value: string) => string {
  return (value) => {
    let out = '"';
    for (const ch of chars(value)) {
      const code = ch.codePointAt(0) ?? 0;
      const short = SHORT_ESCAPES.get(ch);
      if (short !== undefined) out += short;
      else if (code >= 0x20 && code < 0x7f) out += ch;
      else out += escapeCode(code);
    }
    return `${out}"`;
  };
}

/** Python double-quoted str literal (printable ASCII kept, everything else escaped by code point). */
export const pyString = quotedLiteral(
  (value) => value,
  (code) => (code <= 0xff ? `\\x${hex(code, 2)}` : code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`),
);

/**
 * Java double-quoted literal. Java turns `\uXXXX` into characters before it reads string
 * literals, so `\u000a` or `\u0022` would break out: control characters use octal escapes,
 * and `\u` is only used above U+00FF, where no character can end a literal.
 */
export const javaString = quotedLiteral(codeUnits, (code) =>
  code <= 0xff ? `\\${code.toString(8).padStart(3, "0")}` : `\\u${hex(code, 4)}`,
);

/** C# regular (non-verbatim) literal; non-ASCII escaped because U+0085/2028/2029 end a C# line. */
export const csString = quotedLiteral(codeUnits, (code) => `\\u${hex(code, 4)}`);

/**
 * nginx quoted parameter, or null when the value cannot be written literally: nginx expands
 * `$name` in add_header values and has no escape for `$`, and control or non-ASCII
 * characters have no place in a header name, method or origin. Callers omit such values and say so.
 */
export function nginxString(value: string): string | null {
  if (value.includes("$") || !isPrintableAscii(value)) return null;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

/**
 * Apache `Header set` value in double quotes, or null when not expressible: `%` starts a
 * mod_headers format specifier (doubled), a backslash before a quote or backslash is an
 * escape, and a line break would end the directive (only printable ASCII is accepted).
 */
export function apacheHeaderValue(value: string): string | null {
  if (!isPrintableAscii(value)) return null;
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/%/g, "%%")}"`;
}

/**
 * Apache `SetEnvIf Origin` regex matching exactly `origin`, in double quotes, or null when the
 * origin holds characters no real origin has (the regex stays a plain, anchored literal).
 */
export function apacheOriginRegex(origin: string): string | null {
  if (!/^[A-Za-z0-9+.:/[\]-]+$/.test(origin)) return null;
  return `"^${origin.replace(/[.+[\]]/g, (c) => `\\${c}`)}$"`;
}
