/**
 * Incremental scanner for HAR text: fed the file in chunks, it hands out every element of
 * `log.entries` as its own JSON text, and every other member of `log` with its text, without
 * ever holding more than the current chunk and the value being cut. It only follows the
 * structure (strings with their escapes, nesting depth); each piece is then JSON.parse'd by the
 * caller, which is where the content is validated.
 *
 * Why not JSON.parse of the whole file: a DevTools export of 100,000 requests is hundreds of
 * MB, and its object tree takes several times that.
 */

export class HarScanError extends Error {
  override name = "HarScanError";
}

/** The file is JSON-like but has a shape the scanner does not follow (a second `log` or
 * `entries`, no `log`…): the caller reads it whole instead, which gives the usual answer. */
export class HarScanUnsupported extends Error {
  override name = "HarScanUnsupported";
}

export interface HarScanSink {
  /** a member of `log` other than `entries`; `afterEntries` when it comes after the array */
  logMember(name: string, text: string, afterEntries: boolean): void;
  /** one element of `log.entries`, in file order */
  entry(text: string): void;
}

export interface HarScanner {
  push(chunk: string): void;
  /** the file is over: throws when it ended early */
  end(): void;
}

// where the scanner is in the document: each state reads one token (after white space)
const At = {
  TopOpen: 0,
  TopKey: 1,
  TopColon: 2,
  TopValue: 3,
  TopAfter: 4,
  LogOpen: 5,
  LogKey: 6,
  LogColon: 7,
  LogValue: 8,
  LogAfter: 9,
  EntriesOpen: 10,
  EntriesFirst: 11,
  EntryNext: 12,
  EntriesAfter: 13,
  Done: 14,
} as const;
type At = (typeof At)[keyof typeof At];

// what a finished value is for
const For = {
  TopKey: 0,
  TopSkip: 1,
  LogKey: 2,
  LogMember: 3,
  Entry: 4,
} as const;
type For = (typeof For)[keyof typeof For];

const isSpace = (c: number) => c === 32 || c === 10 || c === 13 || c === 9;

/**
 * How many backslashes stand right before `end` in `t`, looking back no further than `from`
 * (where the scan of the string resumed: a backslash before it was already paired).
 */
const backslashesBefore = (t: string, end: number, from: number): number => {
  let k = end - 1;
  while (k >= from && t.charCodeAt(k) === 92) k--;
  return end - 1 - k;
};

export function createHarScanner(sink: HarScanSink): HarScanner {
  let text = "";
  let pos = 0;
  let at: At = At.TopOpen;
  let sawLog = false;
  let sawEntries = false;
  let entriesDone = false;
  let key = "";
  // the value being cut: pieces of earlier chunks, and where it starts in `text`
  let capturing = false;
  let capFor: For = For.Entry;
  let capStart = 0;
  let capParts: string[] = [];
  let depth = 0;
  let inString = false;
  let escaped = false;
  let primitive = false;
  let capAfter: At = At.Done;

  const startValue = (purpose: For, after: At) => {
    capturing = true;
    capFor = purpose;
    capAfter = after;
    capStart = pos;
    capParts = [];
    depth = 0;
    inString = false;
    escaped = false;
    const c = text.charCodeAt(pos);
    primitive = c !== 34 && c !== 123 && c !== 91;
  };

  /** Advances the value being cut; true when it is complete (pos just past it). */
  const scanValue = (): boolean => {
    const t = text;
    const n = t.length;
    let i = pos;
    if (primitive) {
      while (i < n) {
        const c = t.charCodeAt(i);
        if (isSpace(c) || c === 44 || c === 93 || c === 125) {
          pos = i;
          return true;
        }
        if (c === 34 || c === 123 || c === 91 || c === 58) throw new HarScanError(`not valid JSON: unexpected ${String.fromCharCode(c)} after a value`);
        i++;
      }
      pos = i;
      return false;
    }
    for (;;) {
      if (inString) {
        if (escaped) {
          if (i >= n) break;
          i++;
          escaped = false;
        }
        const q = t.indexOf('"', i);
        if (q < 0) {
          // the chunk ends inside the string: an odd run of backslashes escapes what comes next
          escaped = backslashesBefore(t, n, i) % 2 === 1;
          i = n;
          break;
        }
        const quoteEscaped = backslashesBefore(t, q, i) % 2 === 1;
        i = q + 1;
        if (quoteEscaped) continue;
        inString = false;
        if (depth === 0) {
          pos = i;
          return true;
        }
        continue;
      }
      if (i >= n) break;
      const c = t.charCodeAt(i);
      i++;
      if (c === 34) inString = true;
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        depth--;
        if (depth === 0) {
          pos = i;
          return true;
        }
        if (depth < 0) throw new HarScanError("not valid JSON: a closing bracket without its opening one");
      }
    }
    pos = i;
    return false;
  };

  const finishValue = (value: string) => {
    capturing = false;
    capParts = [];
    if (value === "") throw new HarScanError("not valid JSON: expected a value");
    switch (capFor) {
      case For.TopKey:
      case For.LogKey: {
        if (value.charCodeAt(0) !== 34) throw new HarScanError("not valid JSON: expected a member name");
        let name: unknown;
        try {
          name = JSON.parse(value);
        } catch {
          throw new HarScanError("not valid JSON: a member name is not a valid string");
        }
        key = name as string;
        break;
      }
      case For.TopSkip:
        // not used, but a file that is not JSON must not pass for one
        try {
          JSON.parse(value);
        } catch {
          throw new HarScanError("not valid JSON outside the log");
        }
        break;
      case For.LogMember:
        sink.logMember(key, value, entriesDone);
        break;
      case For.Entry:
        sink.entry(value);
        break;
    }
    at = capAfter;
  };

  const expect = (c: number, what: string): never => {
    throw new HarScanError(`not valid JSON: expected ${what}, found ${c === 34 ? "a string" : JSON.stringify(String.fromCharCode(c))}`);
  };

  const run = () => {
    for (;;) {
      if (capturing) {
        if (!scanValue()) {
          // keep what was cut so far; the rest comes with the next chunk
          capParts.push(text.slice(capStart));
          text = "";
          pos = 0;
          capStart = 0;
          return;
        }
        const last = text.slice(capStart, pos);
        finishValue(capParts.length > 0 ? capParts.join("") + last : last);
        continue;
      }
      while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
      if (pos >= text.length) {
        text = "";
        pos = 0;
        return;
      }
      const c = text.charCodeAt(pos);
      switch (at) {
        case At.TopOpen:
          if (c !== 123) throw new HarScanError("not valid JSON: the file does not start with {");
          pos++;
          at = At.TopKey;
          break;
        case At.TopKey:
          if (c === 125) throw new HarScanUnsupported('no "log" object');
          if (c !== 34) expect(c, "a member name");
          startValue(For.TopKey, At.TopColon);
          break;
        case At.TopColon:
          if (c !== 58) expect(c, "':'");
          pos++;
          if (key === "log") {
            if (sawLog) throw new HarScanUnsupported('two "log" members');
            at = At.LogOpen;
          } else at = At.TopValue;
          break;
        case At.TopValue:
          startValue(For.TopSkip, At.TopAfter);
          break;
        case At.TopAfter:
          if (c === 44) {
            pos++;
            at = At.TopKey;
          } else if (c === 125) {
            pos++;
            if (!sawLog) throw new HarScanUnsupported('no "log" object');
            at = At.Done;
          } else expect(c, "',' or '}'");
          break;
        case At.LogOpen:
          if (c !== 123) throw new HarScanUnsupported('"log" is not an object');
          sawLog = true;
          pos++;
          at = At.LogKey;
          break;
        case At.LogKey:
          if (c !== 34) expect(c, "a member name");
          startValue(For.LogKey, At.LogColon);
          break;
        case At.LogColon:
          if (c !== 58) expect(c, "':'");
          pos++;
          if (key === "entries") {
            if (sawEntries) throw new HarScanUnsupported('two "entries" members');
            sawEntries = true;
            at = At.EntriesOpen;
          } else at = At.LogValue;
          break;
        case At.LogValue:
          startValue(For.LogMember, At.LogAfter);
          break;
        case At.LogAfter:
          if (c === 44) {
            pos++;
            at = At.LogKey;
          } else if (c === 125) {
            if (!sawEntries) throw new HarScanUnsupported('no "log.entries"');
            pos++;
            at = At.TopAfter;
          } else expect(c, "',' or '}'");
          break;
        case At.EntriesOpen:
          if (c !== 91) throw new HarScanUnsupported('"log.entries" is not an array');
          pos++;
          at = At.EntriesFirst;
          break;
        case At.EntriesFirst:
          if (c === 93) {
            pos++;
            entriesDone = true;
            at = At.LogAfter;
          } else startValue(For.Entry, At.EntriesAfter);
          break;
        case At.EntryNext:
          if (c === 93) throw new HarScanError("not valid JSON: a ',' before ']'");
          startValue(For.Entry, At.EntriesAfter);
          break;
        case At.EntriesAfter:
          if (c === 44) {
            pos++;
            at = At.EntryNext;
          } else if (c === 93) {
            pos++;
            entriesDone = true;
            at = At.LogAfter;
          } else expect(c, "',' or ']' between entries");
          break;
        case At.Done:
          throw new HarScanError("not valid JSON: text after the end of the document");
      }
    }
  };

  return {
    push(chunk: string) {
      // run() always consumes the whole chunk (an unfinished value is kept in capParts)
      text = chunk;
      pos = 0;
      capStart = 0;
      run();
    },
    end() {
      if (at !== At.Done || capturing) throw new HarScanError("the file ends before the JSON document does (truncated download?)");
    },
  };
}
