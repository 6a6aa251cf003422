/**
 * The CORS playground's situations: one button each on the demo page. `expect` is what the
 * browser does with it (checked by the demo test against CORS Lens's diagnosis).
 */
export interface Situation {
  id: string;
  title: string;
  /** what the button does, shown under it */
  description: string;
  /** fetch() from the page: path on the API origin and init */
  path: string;
  init: { method?: string; headers?: Record<string, string>; credentials?: "include"; body?: string };
  expect: { verdict: "allowed" | "blocked"; failureId?: string; warning?: string };
}

export const SITUATIONS: Situation[] = [
  {
    id: "missing-acao",
    title: "No Access-Control-Allow-Origin",
    description: "GET /missing-acao: the server forgot the CORS header.",
    path: "/missing-acao",
    init: {},
    expect: { verdict: "blocked", failureId: "acao-missing" },
  },
  {
    id: "server-error",
    title: "500 without CORS headers",
    description: "GET /server-error: the app crashed and its error page has no CORS headers.",
    path: "/server-error",
    init: {},
    expect: { verdict: "blocked", failureId: "acao-missing" },
  },
  {
    id: "wildcard-credentials",
    title: "Wildcard with credentials",
    description: "GET /wildcard with credentials: 'include' while the server answers '*'.",
    path: "/wildcard",
    init: { credentials: "include" },
    expect: { verdict: "blocked", failureId: "acao-wildcard-with-credentials" },
  },
  {
    id: "method-not-allowed",
    title: "PUT not allowed by the preflight",
    description: "PUT /items/1: the OPTIONS answer lists only GET and POST.",
    path: "/items/1",
    init: { method: "PUT", body: "{}" },
    expect: { verdict: "blocked", failureId: "method-not-allowed" },
  },
  {
    id: "header-not-allowed",
    title: "Custom header not allowed",
    description: "GET /search with X-Api-Key: the preflight does not allow that header.",
    path: "/search",
    init: { headers: { "X-Api-Key": "demo-key" } },
    expect: { verdict: "blocked", failureId: "header-not-allowed" },
  },
  {
    id: "preflight-redirect",
    title: "Preflight redirected",
    description: "DELETE /legacy/item: the server redirects the OPTIONS request.",
    path: "/legacy/item",
    init: { method: "DELETE" },
    expect: { verdict: "blocked", failureId: "preflight-redirect" },
  },
  {
    id: "cross-origin-redirect",
    title: "Cross-origin redirect",
    description: "GET /moved: redirects to another origin, which then sees Origin: null.",
    path: "/moved",
    init: {},
    expect: { verdict: "blocked", failureId: "redirect-origin-null" },
  },
  {
    id: "reflected-credentials",
    title: "Works, but unsafe",
    description: "GET /profile with credentials: the server reflects any Origin with credentials.",
    path: "/profile",
    init: { credentials: "include" },
    expect: { verdict: "allowed", warning: "warn-origin-reflected-with-credentials" },
  },
  {
    id: "public-ok",
    title: "Public data, works",
    description: "GET /public: Access-Control-Allow-Origin: *.",
    path: "/public",
    init: {},
    expect: { verdict: "allowed" },
  },
  {
    id: "put-ok",
    title: "PUT with a correct preflight",
    description: "PUT /notes/7 with JSON: the preflight allows PUT and Content-Type.",
    path: "/notes/7",
    init: { method: "PUT", headers: { "Content-Type": "application/json" }, body: '{"text":"hi"}' },
    expect: { verdict: "allowed" },
  },
];
