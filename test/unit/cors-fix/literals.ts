/**
 * Test-side readers of string literals, written from each language's own lexical rules, to
 * prove that a snippet's values stay inside their literals.
 */

/** Double-quoted literals on one line (a raw line break inside would end the match). */
const LITERAL = /"(?:\\[^\r\n]|[^"\\\r\n])*"/g;

/** The code with every literal removed: what the language would execute. */
export function outsideLiterals(code: string): string {
  return code.replace(LITERAL, '""');
}

export function literals(code: string): string[] {
  return code.match(LITERAL) ?? [];
}

function decodeEscapes(body: string, rules: (esc: string, rest: string) => [string, number]): string {
  let out = "";
  for (let i = 0; i < body.length; i++) {
    const ch = body.charAt(i);
    if (ch !== "\\") {
      out += ch;
      continue;
    }
    const [text, used] = rules(body.charAt(i + 1), body.slice(i + 2));
    out += text;
    i += used;
  }
  return out;
}

const SIMPLE: Record<string, string> = { n: "\n", r: "\r", t: "\t", "\\": "\\", '"': '"', "'": "'", b: "\b", f: "\f", "0": "\0" };

export function decodePython(literal: string): string {
  return decodeEscapes(literal.slice(1, -1), (esc, rest) => {
    if (esc === "x") return [String.fromCharCode(Number.parseInt(rest.slice(0, 2), 16)), 3];
    if (esc === "u") return [String.fromCharCode(Number.parseInt(rest.slice(0, 4), 16)), 5];
    if (esc === "U") return [String.fromCodePoint(Number.parseInt(rest.slice(0, 8), 16)), 9];
    if (esc in SIMPLE && esc !== "0") return [SIMPLE[esc] as string, 1];
    return [`\\${esc}`, 1];
  });
}

export function decodeCsharp(literal: string): string {
  return decodeEscapes(literal.slice(1, -1), (esc, rest) => {
    if (esc === "u") return [String.fromCharCode(Number.parseInt(rest.slice(0, 4), 16)), 5];
    if (esc in SIMPLE) return [SIMPLE[esc] as string, 1];
    throw new Error(`not a C# escape: \\${esc}`);
  });
}

/**
 * Java's first lexical step (JLS 3.3): `\uXXXX` becomes its character anywhere in the source,
 * when the backslash is preceded by an even number of backslashes.
 */
export function javaUnicodePass(code: string): string {
  let out = "";
  for (let i = 0; i < code.length; i++) {
    if (code.charAt(i) === "\\") {
      let run = 0;
      for (let j = i - 1; j >= 0 && code.charAt(j) === "\\"; j--) run++;
      const m = /^u+([0-9a-fA-F]{4})/.exec(code.slice(i + 1));
      if (run % 2 === 0 && m) {
        out += String.fromCharCode(Number.parseInt(m[1] as string, 16));
        i += m[0].length;
        continue;
      }
    }
    out += code.charAt(i);
  }
  return out;
}

export function decodeJava(literal: string): string {
  return decodeEscapes(literal.slice(1, -1), (esc, rest) => {
    if (/[0-7]/.test(esc)) {
      const digits = /^[0-7]{0,2}/.exec(rest)?.[0] ?? "";
      const all = esc + digits;
      return [String.fromCharCode(Number.parseInt(all, 8)), all.length];
    }
    if (esc in SIMPLE) return [SIMPLE[esc] as string, 1];
    throw new Error(`not a Java escape: \\${esc}`);
  });
}

/** nginx and Apache quoted values: `\\` and `\"` are unescaped, any other backslash stays. */
export function decodeConf(literal: string): string {
  return decodeEscapes(literal.slice(1, -1), (esc) => (esc === "\\" || esc === '"' ? [esc, 1] : [`\\${esc}`, 1]));
}
