/** Apache httpd: SetEnvIf allowlist, `Header always set`, and a 204 for preflights via mod_rewrite. */
import { apacheHeaderValue, apacheOriginRegex } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, methodCaseCaveat } from "./shared";

export function renderApache(policy: CorsPolicy): ServerSnippet {
  let omitted = 0;
  const joined = (items: string[]): string | null => {
    const kept = items.filter((item) => {
      const ok = apacheHeaderValue(item) !== null;
      if (!ok) omitted++;
      return ok;
    });
    return kept.length === 0 ? null : apacheHeaderValue(kept.join(", "));
  };

  const wildcard = isWildcard(policy);
  const lines = [
    "# VirtualHost, <Directory> or .htaccess of the API; needs mod_headers, mod_setenvif and mod_rewrite.",
  ];
  // With an allowlist, every header is conditional on CORS_ORIGIN, set only for an allowed Origin.
  const cond = wildcard ? "" : " env=CORS_ORIGIN";
  if (wildcard) {
    lines.push('Header always set Access-Control-Allow-Origin "*"');
  } else {
    lines.push("# The page origins allowed to read responses (exact match; $0 is the matched Origin).");
    for (const origin of policy.allowOrigins) {
      const regex = apacheOriginRegex(origin);
      if (regex === null) omitted++;
      else lines.push(`SetEnvIf Origin ${regex} CORS_ORIGIN=$0`);
    }
    lines.push(`Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e"${cond}`);
    lines.push('Header always merge Vary "Origin"');
  }
  if (policy.allowCredentials) lines.push(`Header always set Access-Control-Allow-Credentials "true"${cond}`);
  const methods = joined(policy.allowMethods);
  if (methods) lines.push(`Header always set Access-Control-Allow-Methods ${methods}${cond}`);
  const headers = joined(policy.allowHeaders);
  if (headers) lines.push(`Header always set Access-Control-Allow-Headers ${headers}${cond}`);
  const expose = joined(policy.exposeHeaders);
  if (expose) lines.push(`Header always set Access-Control-Expose-Headers ${expose}${cond}`);
  lines.push(`Header always set Access-Control-Max-Age "${policy.maxAge}"${cond}`);
  lines.push("");
  lines.push("# Answer preflights (OPTIONS with Access-Control-Request-Method) with 204 before auth or redirects.");
  lines.push("RewriteEngine On");
  lines.push("RewriteCond %{REQUEST_METHOD} =OPTIONS");
  lines.push("RewriteCond %{HTTP:Access-Control-Request-Method} !=\"\"");
  lines.push("RewriteRule ^ - [R=204,L]");
  lines.push("");

  const caveats = [
    "If the application behind Apache also sets CORS headers, remove one of the two: two Access-Control-Allow-Origin lines fail.",
    ...methodCaseCaveat(policy),
  ];
  if (omitted > 0) caveats.push(`${omitted} value(s) contain characters Apache cannot hold in this directive and were left out.`);
  return { server: "apache", label: "Apache httpd (mod_headers)", language: "apache", code: lines.join("\n"), caveats };
}
