/**
 * The CORS playground's situations: one button each on the demo page. `expect` is what the
 * browser does with it and what CORS Lens must say about it; the demo test checks the
 * exported HAR against it, so every line here is a claim the real browser confirms.
 */
export type Target = "api" | "cdn";

export interface Situation {
  id: string;
  title: string;
  /** what the button does, shown next to it */
  description: string;
  /** which playground origin the request goes to (see playground.ts) */
  target: Target;
  /** path on that origin */
  path: string;
  /** the fetch() options */
  init: { method?: string; headers?: Record<string, string>; credentials?: "include"; body?: string };
  /** "sandboxed-iframe": the fetch runs in a sandboxed iframe, whose origin is opaque (Origin: null),
   * the way an attacker's page can make itself anonymous */
  from: "page" | "sandboxed-iframe";
  expect: {
    verdict: "allowed" | "blocked";
    /** the cors-failures.md id of the rule the browser applied (blocked only) */
    failureId?: string;
    /** exactly the warning ids CORS Lens must report, sorted */
    warnings: string[];
  };
}

export const SITUATIONS: Situation[] = [
  {
    id: "missing-acao",
    title: "No Access-Control-Allow-Origin",
    description: "GET /missing-acao: the server forgot the CORS header.",
    target: "api",
    path: "/missing-acao",
    init: {},
    from: "page",
    expect: { verdict: "blocked", failureId: "acao-missing", warnings: [] },
  },
  {
    id: "server-error",
    title: "500 without CORS headers",
    description: "GET /server-error: the app crashed and its error page has no CORS headers.",
    target: "api",
    path: "/server-error",
    init: {},
    from: "page",
    expect: { verdict: "blocked", failureId: "acao-missing", warnings: [] },
  },
  {
    id: "wildcard-credentials",
    title: "Wildcard with credentials",
    description: "GET /wildcard with credentials: 'include' while the server answers '*'.",
    target: "api",
    path: "/wildcard",
    init: { credentials: "include" },
    from: "page",
    expect: { verdict: "blocked", failureId: "acao-wildcard-with-credentials", warnings: [] },
  },
  {
    id: "method-not-allowed",
    title: "PUT not allowed by the preflight",
    description: "PUT /items/1: the OPTIONS answer lists only GET and POST.",
    target: "api",
    path: "/items/1",
    init: { method: "PUT", body: "{}" },
    from: "page",
    expect: { verdict: "blocked", failureId: "method-not-allowed", warnings: [] },
  },
  {
    id: "header-not-allowed",
    title: "Custom header not allowed",
    description: "GET /search with X-Api-Key: the preflight does not allow that header.",
    target: "api",
    path: "/search",
    init: { headers: { "X-Api-Key": "demo-key" } },
    from: "page",
    expect: { verdict: "blocked", failureId: "header-not-allowed", warnings: [] },
  },
  {
    id: "preflight-redirect",
    title: "Preflight redirected",
    description: "DELETE /legacy/item: the server redirects the OPTIONS request.",
    target: "api",
    path: "/legacy/item",
    init: { method: "DELETE" },
    from: "page",
    expect: { verdict: "blocked", failureId: "preflight-redirect", warnings: [] },
  },
  {
    id: "cross-origin-redirect",
    title: "Cross-origin redirect",
    description: "GET /moved: redirects to the CDN origin, which then sees Origin: null.",
    target: "api",
    path: "/moved",
    init: {},
    from: "page",
    expect: { verdict: "blocked", failureId: "redirect-origin-null", warnings: [] },
  },
  {
    id: "missing-vary",
    title: "Works, but caches can mix origins",
    description: "GET /profile with credentials: the origin is echoed back without Vary: Origin.",
    target: "api",
    path: "/profile",
    init: { credentials: "include" },
    from: "page",
    expect: { verdict: "allowed", warnings: ["warn-missing-vary-origin"] },
  },
  {
    id: "reflected-null",
    title: "Works, but any site can read it",
    description: "GET /account from a sandboxed iframe (Origin: null): the server echoes null with credentials.",
    target: "api",
    path: "/account",
    init: { credentials: "include" },
    from: "sandboxed-iframe",
    expect: { verdict: "allowed", warnings: ["warn-null-origin-allowed", "warn-origin-reflected-with-credentials"] },
  },
  {
    id: "wildcard-acac",
    title: "Works until cookies are sent",
    description: "GET /config: '*' together with Access-Control-Allow-Credentials: true.",
    target: "api",
    path: "/config",
    init: {},
    from: "page",
    expect: { verdict: "allowed", warnings: ["warn-wildcard-with-acac-true"] },
  },
  {
    id: "public-ok",
    title: "Public asset on a CDN, works",
    description: "GET /assets/settings.json on the CDN origin: Access-Control-Allow-Origin: *.",
    target: "cdn",
    path: "/assets/settings.json",
    init: {},
    from: "page",
    expect: { verdict: "allowed", warnings: [] },
  },
  {
    id: "put-ok",
    title: "PUT with a correct preflight, works",
    description: "PUT /notes/7 with JSON: the preflight allows PUT and Content-Type.",
    target: "api",
    path: "/notes/7",
    init: { method: "PUT", headers: { "Content-Type": "application/json" }, body: '{"text":"hi"}' },
    from: "page",
    expect: { verdict: "allowed", warnings: [] },
  },
];

/** What CORS Lens said about one request: from a live log entry or from an exported HAR. */
export interface Observed {
  verdict: string;
  failureId: string | undefined;
  warnings: string[];
}

/** Why `observed` is not what `situation` expects (verdict, failure id, exactly its
 * warnings), or null when it is. */
export function mismatch(situation: Situation, observed: Observed): string | null {
  const want = situation.expect;
  const problems: string[] = [];
  if (observed.verdict !== want.verdict) problems.push(`verdict ${observed.verdict}, expected ${want.verdict}`);
  if (observed.failureId !== want.failureId) problems.push(`failure ${observed.failureId ?? "none"}, expected ${want.failureId ?? "none"}`);
  const got = [...observed.warnings].sort().join(", ");
  const expected = [...want.warnings].sort().join(", ");
  if (got !== expected) problems.push(`warnings [${got}], expected [${expected}]`);
  return problems.length === 0 ? null : `${situation.id}: ${problems.join("; ")}`;
}

/** The method the situation's fetch uses. */
export const methodOf = (s: Situation): string => s.init.method ?? "GET";
