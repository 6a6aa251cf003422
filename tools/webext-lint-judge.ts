/**
 * Decides whether a `web-ext lint` result is acceptable: no error, and no warning beyond the
 * allowlist (tools/webext-lint-allowlist.json), each entry bounded by a count so that a new
 * occurrence in the same file still fails. An entry that matches nothing is reported too:
 * a stale allowlist would hide the next real warning of that kind.
 */

export interface LintMessageLike {
  code: string;
  message: string;
  file?: string;
}

export interface AllowEntry {
  code: string;
  file: string;
  count: number;
  justification: string;
}

export interface LintVerdict {
  ok: boolean;
  /** one line per problem, for the console */
  problems: string[];
  /** warnings accepted by the allowlist */
  allowed: number;
}

/** Reads the allowlist file's content; throws on a malformed entry (a missing justification is malformed). */
export function parseAllowlist(json: unknown): AllowEntry[] {
  const warnings = (json as { warnings?: unknown } | null)?.warnings;
  if (!Array.isArray(warnings)) throw new Error("allowlist: `warnings` must be an array");
  return warnings.map((w: unknown, i) => {
    const e = w as Partial<AllowEntry> | null;
    if (typeof e?.code !== "string" || typeof e.file !== "string" || typeof e.count !== "number" || e.count < 1) throw new Error(`allowlist entry ${i}: needs code, file and a count ≥ 1`);
    if (typeof e.justification !== "string" || e.justification.trim().length < 20) throw new Error(`allowlist entry ${i} (${e.code} in ${e.file}): needs a real justification`);
    return { code: e.code, file: e.file, count: e.count, justification: e.justification };
  });
}

export function judgeLint(result: { errors: LintMessageLike[]; warnings: LintMessageLike[] }, allowlist: AllowEntry[]): LintVerdict {
  const problems: string[] = [];
  for (const m of result.errors) problems.push(`error ${m.code}${m.file ? ` (${m.file})` : ""}: ${m.message}`);
  const used = new Map<AllowEntry, number>();
  let allowed = 0;
  for (const m of result.warnings) {
    const entry = allowlist.find((a) => a.code === m.code && a.file === m.file && (used.get(a) ?? 0) < a.count);
    if (entry) {
      used.set(entry, (used.get(entry) ?? 0) + 1);
      allowed++;
    } else {
      problems.push(`warning ${m.code}${m.file ? ` (${m.file})` : ""} is not in tools/webext-lint-allowlist.json: ${m.message}`);
    }
  }
  for (const a of allowlist) {
    if (!used.has(a)) problems.push(`allowlist entry ${a.code} (${a.file}) matched no warning: remove it`);
  }
  return { ok: problems.length === 0, problems, allowed };
}
