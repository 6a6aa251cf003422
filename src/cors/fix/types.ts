/**
 * Public types of the fix builder and the policy synthesizer. A fix is what one server must
 * send; a CorsPolicy is the server-side configuration that produces it. Every snippet is
 * rendered from a CorsPolicy, so one exchange's fix and a whole site's policy share one
 * renderer per server.
 */
import type { Header } from "../model";

export type ServerKind = "express" | "nginx" | "apache" | "spring" | "django" | "fastapi" | "aspnet" | "s3";

export interface ServerSnippet {
  server: ServerKind;
  /** short human title, e.g. "Express (cors package)" */
  label: string;
  /** syntax of `code`: "javascript", "nginx", "apache", "java", "python", "csharp", "json" */
  language: string;
  /** copy-pasteable configuration; every inserted value is escaped for `language` */
  code: string;
  /** plain-text limits of this server for this policy (e.g. S3 cannot allow PATCH);
   * kept out of `code` so that formats without comments (JSON) stay valid */
  caveats: string[];
}

/** A CORS configuration as server frameworks express it. */
export interface CorsPolicy {
  /** exact serialized origins, or ["*"] for a public, non-credentialed resource */
  allowOrigins: string[];
  /** exactly as sent by the page (case kept: `patch` is not `PATCH`) */
  allowMethods: string[];
  /** lower-case request header names, sorted, de-duplicated */
  allowHeaders: string[];
  allowCredentials: boolean;
  /** response header names the page may read (case as the server sends them) */
  exposeHeaders: string[];
  /** seconds a browser may cache the preflight */
  maxAge: number;
}

export interface Fix {
  /** one plain sentence: what to change, where */
  summary: string;
  /** headers the OPTIONS response must carry (empty when no preflight is involved or no header can help) */
  preflight: Header[];
  /** headers the actual response (every status, errors included) must carry */
  response: Header[];
  /** headers both responses must also carry if the page sends credentials, when CORS Lens
   * could not see whether it does (a preflight never carries them) */
  ifCredentials?: Header[];
  /** plain-text advice specific to this failure and these warnings */
  notes: string[];
  /** the same policy in each server's own configuration vocabulary */
  snippets: ServerSnippet[];
}
