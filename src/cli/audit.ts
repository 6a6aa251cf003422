/**
 * `check --audit`: asks the server whether it would also trust origins it should not: a
 * foreign site, `null` (sandboxed iframes, file: pages, redirects), look-alikes that
 * substring or regex matching lets through (prefix: app.example.evil.example, suffix:
 * evilapp.example) and the other scheme of the same host. Each probe is a real request
 * (Chromium rules) with and without credentials when asked. Trusted with credentials = high.
 */
import type { Header } from "../cors/model";
import type { Sender } from "./http";
import { probe, type ProbeRequest } from "./probe";

export type Severity = "high" | "medium" | "low" | "none";

export interface AuditFinding {
  label: string;
  origin: string;
  /** the page at that origin could read the response */
  trusted: boolean;
  trustedWithCredentials: boolean;
  acao: string | null;
  acac: string | null;
  severity: Severity;
  note: string;
}

export const FOREIGN_ORIGIN = "https://evil.example";

/** The probe origins for a given real origin (deduplicated, never the origin itself). */
export function auditOrigins(origin: string): { label: string; origin: string }[] {
  const out: { label: string; origin: string }[] = [
    { label: "foreign site", origin: FOREIGN_ORIGIN },
    { label: "null origin", origin: "null" },
  ];
  let url: URL | null = null;
  try {
    url = new URL(origin);
  } catch {
    url = null;
  }
  if (url && (url.protocol === "http:" || url.protocol === "https:")) {
    const port = url.port ? `:${url.port}` : "";
    const host = url.hostname;
    out.push({ label: "prefix look-alike", origin: `${url.protocol}//${host}.evil.example${port}` });
    out.push({ label: "suffix look-alike", origin: `${url.protocol}//evil${host}${port}` });
    const other = url.protocol === "https:" ? "http:" : "https:";
    out.push({ label: `${other.slice(0, -1)} variant`, origin: `${other}//${url.host}` });
  }
  const seen = new Set<string>([origin]);
  return out.filter((o) => {
    if (seen.has(o.origin)) return false;
    seen.add(o.origin);
    return true;
  });
}

function header(headers: Header[] | undefined, name: string): string | null {
  const values = (headers ?? []).filter((h) => h.name.toLowerCase() === name).map((h) => h.value);
  return values.length === 0 ? null : values.join(", ");
}

export async function audit(base: ProbeRequest, send: Sender): Promise<AuditFinding[]> {
  const findings: AuditFinding[] = [];
  for (const { label, origin } of auditOrigins(base.origin)) {
    const plain = await probe({ ...base, origin, credentials: false }, "chromium", send);
    const withCreds = await probe({ ...base, origin, credentials: true }, "chromium", send);
    const last = withCreds.exchange.hops[withCreds.exchange.hops.length - 1] ?? plain.exchange.hops[plain.exchange.hops.length - 1];
    const acao = header(last?.response?.headers, "access-control-allow-origin");
    const acac = header(last?.response?.headers, "access-control-allow-credentials");
    const trusted = plain.diagnosis.verdict === "allowed";
    const trustedWithCredentials = withCreds.diagnosis.verdict === "allowed";
    let severity: Severity = "none";
    let note = "not trusted";
    if (trustedWithCredentials) {
      severity = "high";
      note = "any page at this origin can read responses made with the user's cookies";
    } else if (trusted && acao !== "*") {
      severity = "medium";
      note = "trusted by name: the server reflects or pattern-matches origins";
    } else if (trusted) {
      severity = "low";
      note = "public (Access-Control-Allow-Origin: *): fine for public data only";
    }
    findings.push({ label, origin, trusted, trustedWithCredentials, acao, acac, severity, note });
  }
  return findings;
}
