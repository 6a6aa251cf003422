/** ANSI colours for the terminal report, off unless stdout is a TTY and NO_COLOR is unset
 * (https://no-color.org). Values from servers are printed as data: control characters in
 * them are escaped so that a hostile header cannot move the cursor or change the colours. */
import type { CliIo } from "./io";

export interface Paint {
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

const wrap = (code: string) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const plain = (s: string) => s;

export function paintFor(io: CliIo): Paint {
  const on = io.isTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === "");
  if (!on) return { red: plain, green: plain, yellow: plain, dim: plain, bold: plain };
  return { red: wrap("31"), green: wrap("32"), yellow: wrap("33"), dim: wrap("2"), bold: wrap("1") };
}

/** Escapes control characters (C0 except tab, DEL, C1: ESC included) and bidirectional
 * overrides as \xNN / \uNNNN, and newlines as \n, so one value stays on one line as text. */
export function safe(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0) as number;
    if (code === 0x0a) out += "\\n";
    else if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) out += `\\x${code.toString(16).padStart(2, "0")}`;
    else if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) out += `\\u${code.toString(16)}`;
    else out += ch;
  }
  return out;
}
