/** nginx: an origin allowlist through `map`, headers with `always` so errors carry them too. */
import { nginxString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, methodCaseCaveat } from "./shared";

export function renderNginx(policy: CorsPolicy): ServerSnippet {
  let omitted = 0;
  /** quoted values joined into one header value; values nginx cannot hold literally are dropped */
  const joined = (items: string[]): string | null => {
    const kept = items.filter((item) => {
      const ok = nginxString(item) !== null;
      if (!ok) omitted++;
      return ok;
    });
    return kept.length === 0 ? null : nginxString(kept.join(", "));
  };

  const wildcard = isWildcard(policy);
  const lines: string[] = [];
  if (!wildcard) {
    lines.push("# http {} block: the page origins allowed to read responses (exact match).");
    lines.push("map $http_origin $cors_origin {");
    lines.push('    default "";');
    for (const origin of policy.allowOrigins) {
      const quoted = nginxString(origin);
      // a map key starting with "~" would be a regex; real origins start with a scheme
      if (quoted === null || origin.startsWith("~")) omitted++;
      else lines.push(`    ${quoted} $http_origin;`);
    }
    lines.push("}");
    lines.push("");
  }
  const acao = wildcard ? '"*"' : "$cors_origin";
  const common = [`add_header Access-Control-Allow-Origin ${acao} always;`];
  if (policy.allowCredentials) common.push('add_header Access-Control-Allow-Credentials "true" always;');
  if (!wildcard) common.push("add_header Vary Origin always;");

  const preflight = [...common];
  const methods = joined(policy.allowMethods);
  if (methods) preflight.push(`add_header Access-Control-Allow-Methods ${methods} always;`);
  const headers = joined(policy.allowHeaders);
  if (headers) preflight.push(`add_header Access-Control-Allow-Headers ${headers} always;`);
  preflight.push(`add_header Access-Control-Max-Age ${policy.maxAge} always;`);

  const actual = [...common];
  const expose = joined(policy.exposeHeaders);
  if (expose) actual.push(`add_header Access-Control-Expose-Headers ${expose} always;`);

  lines.push("# server {} block of the API: the location that serves the requests.");
  lines.push("location / {");
  lines.push("    # Answer preflights here, before any auth_request, redirect or proxy_pass.");
  lines.push("    if ($request_method = OPTIONS) {");
  for (const line of preflight) lines.push(`        ${line}`);
  lines.push("        return 204;");
  lines.push("    }");
  for (const line of actual) lines.push(`    ${line}`);
  lines.push("    # ... your existing proxy_pass / root / try_files directives");
  lines.push("}");
  lines.push("");

  const caveats = [
    "add_header directives are inherited only when a block defines none of its own: keep all CORS add_header lines in the same block, and remove CORS headers the upstream application also sets (two Access-Control-Allow-Origin lines fail).",
    ...methodCaseCaveat(policy),
  ];
  if (omitted > 0) caveats.push(`${omitted} value(s) contain characters nginx cannot write literally ($, control or non-ASCII characters) and were left out.`);
  return { server: "nginx", label: "nginx", language: "nginx", code: lines.join("\n"), caveats };
}
