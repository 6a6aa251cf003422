/** Django with django-cors-headers (settings.py). */
import { pyString } from "../escape";
import type { CorsPolicy, ServerSnippet } from "../types";
import { isWildcard, methodCaseCaveat } from "./shared";

/** django-cors-headers 4.x defaults (corsheaders.defaults). */
const DEFAULT_METHODS = ["DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT"];
const DEFAULT_HEADERS = ["accept", "authorization", "content-type", "user-agent", "x-csrftoken", "x-requested-with"];

/** `NAME = (*defaults, "extra", …)`, or the defaults alone when nothing is missing. */
function extend(name: string, defaults: string, extras: string[]): string[] {
  if (extras.length === 0) return [`${name} = ${defaults}`];
  return [`${name} = (`, `    *${defaults},`, ...extras.map((e) => `    ${pyString(e)},`), ")"];
}

export function renderDjango(policy: CorsPolicy): ServerSnippet {
  const lines = [
    "# settings.py (pip install django-cors-headers)",
    "# Add \"corsheaders\" to INSTALLED_APPS and put \"corsheaders.middleware.CorsMiddleware\" at the",
    "# top of MIDDLEWARE, above CommonMiddleware and any authentication middleware.",
    "from corsheaders.defaults import default_headers, default_methods",
    "",
  ];
  if (isWildcard(policy)) lines.push("CORS_ALLOW_ALL_ORIGINS = True");
  else lines.push("CORS_ALLOWED_ORIGINS = [", ...policy.allowOrigins.map((o) => `    ${pyString(o)},`), "]");
  lines.push(`CORS_ALLOW_CREDENTIALS = ${policy.allowCredentials ? "True" : "False"}`);
  lines.push(...extend("CORS_ALLOW_METHODS", "default_methods", policy.allowMethods.filter((m) => !DEFAULT_METHODS.includes(m))));
  lines.push(...extend("CORS_ALLOW_HEADERS", "default_headers", policy.allowHeaders.filter((h) => !DEFAULT_HEADERS.includes(h))));
  lines.push("CORS_EXPOSE_HEADERS = [", ...policy.exposeHeaders.map((h) => `    ${pyString(h)},`), "]");
  lines.push(`CORS_PREFLIGHT_MAX_AGE = ${policy.maxAge}`);
  lines.push("");
  return {
    server: "django",
    label: "Django (django-cors-headers)",
    language: "python",
    code: lines.join("\n"),
    caveats: methodCaseCaveat(policy),
  };
}
