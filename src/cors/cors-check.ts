/**
 * The CORS check (cors-failures.md 1.7) on one response: actual responses, redirect hops and
 * preflights. Two classifications of the same rule: Chromium's (`CheckAccess`, looks at the
 * combined value) and Firefox's (`CheckRequestApproved`, counts header lines).
 */
import { headerLines } from "./headers";
import type { BrowserKind, Header } from "./model";
import { parsesAsUrl } from "./origin";

export type CheckId =
  | "acao-missing"
  | "acao-mismatch"
  | "acao-multiple"
  | "acao-invalid"
  | "acao-wildcard-with-credentials"
  | "acac-missing-or-not-true";

export interface CheckFailure {
  id: CheckId;
  header: "access-control-allow-origin" | "access-control-allow-credentials";
  /** combined value as received; null when absent */
  received: string | null;
  required: string;
  variant?: string;
  /** other ids the same evidence fits (the check cannot tell them apart) */
  candidates?: CheckId[];
}

/** Firefox's webRequest (and its HAR) joins repeated header lines with this separator. */
const FIREFOX_JOIN = ", ";

/**
 * @param origin the serialized request origin as compared: `null` once tainted by a redirect
 * @param include whether the request's credentials mode is `include`
 */
export function corsCheck(headers: readonly Header[] | null | undefined, origin: string, include: boolean, browser: BrowserKind): CheckFailure | null {
  const acaoLines = headerLines(headers, "access-control-allow-origin");
  const acao = acaoLines.length === 0 ? null : acaoLines.join(", ");
  const requiredOrigin = origin;
  if (browser === "firefox") {
    if (acaoLines.length > 1) return { id: "acao-multiple", header: "access-control-allow-origin", received: acao, required: requiredOrigin };
    // Firefox counts header lines (two lines: "Multiple … not allowed"; one line with a list:
    // "does not match"), but its webRequest hands extensions the lines already joined with
    // ", ", so "a, b" may be either. Both are blocked; the id follows the likelier two-lines
    // case (two layers adding the header) and keeps the other as a candidate.
    if (acao !== null && acao !== origin && acao.split(FIREFOX_JOIN).length > 1) {
      return { id: "acao-multiple", header: "access-control-allow-origin", received: acao, required: requiredOrigin, variant: "joined-lines", candidates: ["acao-mismatch"] };
    }
    if (acao === null) return { id: "acao-missing", header: "access-control-allow-origin", received: null, required: include ? requiredOrigin : `${requiredOrigin} (or *)` };
    if (acao === "*") {
      if (include) return { id: "acao-wildcard-with-credentials", header: "access-control-allow-origin", received: acao, required: requiredOrigin };
      return null;
    }
    if (acao !== origin) return { id: "acao-mismatch", header: "access-control-allow-origin", received: acao, required: requiredOrigin, variant: mismatchVariant(acao, origin) };
  } else {
    if (acao === "*") {
      if (include) return { id: "acao-wildcard-with-credentials", header: "access-control-allow-origin", received: acao, required: requiredOrigin };
      return null;
    }
    if (acao === null) return { id: "acao-missing", header: "access-control-allow-origin", received: null, required: include ? requiredOrigin : `${requiredOrigin} (or *)` };
    if (acao !== origin) {
      if (acao.includes(" ") || acao.includes(",")) return { id: "acao-multiple", header: "access-control-allow-origin", received: acao, required: requiredOrigin };
      if (acao === "null") return { id: "acao-mismatch", header: "access-control-allow-origin", received: acao, required: requiredOrigin, variant: "null-literal" };
      if (!parsesAsUrl(acao)) return { id: "acao-invalid", header: "access-control-allow-origin", received: acao, required: requiredOrigin };
      return { id: "acao-mismatch", header: "access-control-allow-origin", received: acao, required: requiredOrigin, variant: mismatchVariant(acao, origin) };
    }
  }
  if (!include) return null;
  const acacLines = headerLines(headers, "access-control-allow-credentials");
  const acac = acacLines.length === 0 ? null : acacLines.join(", ");
  if (acac !== "true") return { id: "acac-missing-or-not-true", header: "access-control-allow-credentials", received: acac, required: "true" };
  return null;
}

/** Which near miss an ACAO mismatch is (variants of acao-mismatch). */
export function mismatchVariant(acao: string, origin: string): string | undefined {
  if (acao === "null") return "null-literal";
  if (origin === "null") return undefined;
  if (acao.replace(TRAILING_SLASHES, "") === origin) return "trailing-slash";
  const a = splitOrigin(acao);
  const o = splitOrigin(origin);
  if (!a || !o) return undefined;
  if (a.scheme.toLowerCase() !== o.scheme) return a.host.toLowerCase() === o.host ? "scheme" : "host";
  if (a.scheme !== o.scheme) return "scheme";
  if (a.host.toLowerCase() !== o.host || a.host !== o.host) return "host";
  if (a.port !== o.port) return "port";
  return undefined;
}

const TRAILING_SLASHES = /\/+$/;
const ORIGIN_PARTS = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(\[[^\]]*\]|[^:/]*)(?::(\d*))?\/?$/;

function splitOrigin(value: string): { scheme: string; host: string; port: string } | null {
  const m = ORIGIN_PARTS.exec(value);
  if (!m) return null;
  return { scheme: m[1] as string, host: m[2] as string, port: m[3] ?? "" };
}
