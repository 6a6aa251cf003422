/** A small argv parser: flags with values (`--origin X` or `--origin=X`), repeatable flags,
 * boolean switches and positionals. Unknown flags are errors, not silently ignored. */
import { UsageError } from "./io";

export interface ArgSpec {
  values: string[];
  repeatable?: string[];
  switches: string[];
}

export interface ParsedArgs {
  positionals: string[];
  values: Map<string, string>;
  lists: Map<string, string[]>;
  switches: Set<string>;
}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const out: ParsedArgs = { positionals: [], values: new Map(), lists: new Map(), switches: new Set() };
  const repeatable = new Set(spec.repeatable ?? []);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === "--") {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "-") {
      if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option ${arg}`);
      out.positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    if (spec.switches.includes(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.switches.add(name);
      continue;
    }
    if (spec.values.includes(name) || repeatable.has(name)) {
      let value: string | undefined;
      if (eq >= 0) value = arg.slice(eq + 1);
      else {
        value = argv[i + 1];
        i++;
      }
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      if (repeatable.has(name)) out.lists.set(name, [...(out.lists.get(name) ?? []), value]);
      else out.values.set(name, value);
      continue;
    }
    throw new UsageError(`unknown option --${name}`);
  }
  return out;
}
