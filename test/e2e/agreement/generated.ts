/**
 * Generated agreement scenarios: the hand-written matrix (scenarios.ts) covers each rule once;
 * these combine the rules at random — method and its case, request headers, credentials mode,
 * the preflight's status and each of its Access-Control-* lines, the response's status and
 * lines, a redirect, the same request twice (a cached preflight) — so that the engine meets
 * the combinations nobody thought to write down, with the browser as the judge. Every line a server may send is one a real server sends: a reflected,
 * wrong, starred or malformed origin, a list with or without what was asked for, in any case.
 *
 * Seeded (fast-check's sample with a seed), so that a run can be repeated: the agreement tests
 * take theirs from generatedFor(), AGREEMENT_SEED unless CORS_LENS_AGREEMENT_SEED names another,
 * and print the seed they used.
 */
import fc from "fast-check";
import type { ResponseSpec, RouteSpec } from "../../support/server";
import type { PageRequest, RedirectOrigin, Scenario } from "./scenarios";

export const AGREEMENT_SEED = 20261126;

/** how many each agreement test runs (CORS_LENS_AGREEMENT_COUNT for a longer hunt), and how
 * many element loads besides: Firefox takes ~0.75 s a scenario over BiDi, Chromium ~0.2 s, and
 * npm test keeps to 10 minutes */
const GENERATED_COUNT = { chromium: 60, firefox: 30 } as const;
const ELEMENT_COUNT = { chromium: 15, firefox: 10 } as const;

/** The seed of this run: CORS_LENS_AGREEMENT_SEED when set (a number), else AGREEMENT_SEED. */
function agreementSeed(env: NodeJS.ProcessEnv): number {
  const value = Number(env.CORS_LENS_AGREEMENT_SEED);
  return env.CORS_LENS_AGREEMENT_SEED && Number.isInteger(value) ? value : AGREEMENT_SEED;
}

/** A browser test's generated scenarios and their seed: the request scenarios and a quarter as
 * many element loads in a hunt (CORS_LENS_AGREEMENT_COUNT), else the browser's default counts. */
export function generatedFor(browser: "chromium" | "firefox", env: NodeJS.ProcessEnv = process.env): { seed: number; scenarios: Scenario[] } {
  const seed = agreementSeed(env);
  const hunt = Number(env.CORS_LENS_AGREEMENT_COUNT);
  return {
    seed,
    scenarios: [
      ...generatedScenarios(seed, hunt || GENERATED_COUNT[browser]),
      ...generatedElementScenarios(seed, hunt ? Math.ceil(hunt / 4) : ELEMENT_COUNT[browser]),
    ],
  };
}

type Line = [string, string];

/** Methods as pages write them. Lower-case `patch` is left out: fetch sends it as written, and
 * Node's HTTP parser answers an unknown method 400 before any route runs (the hand-written
 * matrix has it, against a server that never sees it). */
const METHOD = fc.constantFrom("GET", "GET", "HEAD", "POST", "POST", "PUT", "DELETE", "PATCH", "put", "delete");

/** Request headers a page sets: safelisted with safe values, safelisted with unsafe values,
 * forbidden to pages (the browser drops them), and custom ones. */
const REQUEST_HEADER: fc.Arbitrary<Line> = fc.constantFrom<Line>(
  ["Content-Type", "text/plain"],
  ["Content-Type", "application/json"],
  ["Content-Type", "application/x-www-form-urlencoded"],
  ["Content-Type", "text/plain; charset=utf-8"],
  ["Accept", "application/json"],
  ["Accept-Language", "en-US"],
  ["Content-Language", "de"],
  ["Range", "bytes=0-9"],
  ["Authorization", "Bearer t0ken"],
  ["X-Custom", "1"],
  ["X-Requested-With", "XMLHttpRequest"],
  ["x-api-key", "k"],
);

const REQUEST: fc.Arbitrary<PageRequest> = fc
  .record({
    kind: fc.constantFrom<"fetch" | "xhr">("fetch", "fetch", "fetch", "xhr"),
    method: METHOD,
    headers: fc.uniqueArray(REQUEST_HEADER, { maxLength: 3, selector: ([name]) => name.toLowerCase() }),
    credentials: fc.constantFrom<"include" | "omit" | "same-origin">("same-origin", "same-origin", "include", "omit"),
    noCors: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  })
  .map(({ kind, method: m, headers, credentials, noCors }) => {
    // a no-cors fetch: the browser sends it without a CORS check and the page gets an opaque
    // answer. Only a safelisted method is allowed (any other throws before anything is sent);
    // the browser drops the request headers that are not safelisted, silently.
    const opaque = noCors && kind === "fetch";
    const method = opaque && !/^(GET|HEAD|POST)$/i.test(m) ? "POST" : m;
    const request: PageRequest = { kind, method };
    if (opaque) request.mode = "no-cors";
    if (headers.length > 0) request.headers = headers;
    // XHR has no "omit": without withCredentials it is same-origin
    if (credentials === "include" || (credentials === "omit" && kind === "fetch")) request.credentials = credentials;
    if (!/^(GET|HEAD)$/i.test(method)) request.body = "x";
    return request;
  });

/** What a server may say for the origin: reflected, a star, someone else, a near miss, nothing. */
const ACAO = fc.constantFrom<string | null>("$origin", "$origin", "$origin", "*", "*", null, "https://example.com", "$page/", "null", "$page, https://example.com");

const ACAC = fc.constantFrom<string | null>(null, null, "true", "true", "True", "false");

/** A list that has, or lacks, what the request needs, with the name's case and spacing varied. */
function listLine(name: string, wanted: string[], others: string[]): fc.Arbitrary<Line | null> {
  const variants = (value: string) => [value, value.toLowerCase(), value.toUpperCase()];
  return fc
    .record({
      shape: fc.constantFrom("absent", "all", "all", "missing-one", "star", "star-and-all", "others"),
      spelling: fc.nat({ max: 2 }),
      spacing: fc.constantFrom(", ", ",", " , "),
    })
    .map(({ shape, spelling, spacing }): Line | null => {
      const spelled = wanted.map((w) => variants(w)[spelling] as string);
      let items: string[];
      if (shape === "absent") return null;
      if (shape === "star") items = ["*"];
      else if (shape === "star-and-all") items = ["*", ...spelled];
      else if (shape === "missing-one") items = [...spelled.slice(1), ...others];
      else if (shape === "others") items = others;
      else items = [...spelled, ...others.slice(0, 1)];
      return items.length === 0 ? null : [name, items.join(spacing)];
    });
}

/** The lines of an answer: Allow-Origin, Allow-Credentials, and whatever else the caller adds. */
function corsLines(acao: string | null, acac: string | null, more: (Line | null)[]): Line[] {
  const lines: (Line | null)[] = [acao === null ? null : ["Access-Control-Allow-Origin", acao], acac === null ? null : ["Access-Control-Allow-Credentials", acac], ...more];
  return lines.filter((l): l is Line => l !== null);
}

function scenarioFor(request: PageRequest): fc.Arbitrary<Omit<Scenario, "name">> {
  const method = (request.method ?? "GET").toUpperCase();
  const headerNames = (request.headers ?? []).map(([name]) => name);
  return fc
    .record({
      // 3xx: a preflight must not be redirected, whatever its lines say
      preflightStatus: fc.constantFrom(204, 204, 200, 200, 403, 500, 301, 307),
      preflightAcao: ACAO,
      preflightAcac: ACAC,
      acam: listLine("Access-Control-Allow-Methods", [method], ["GET", "POST"]),
      acah: listLine("Access-Control-Allow-Headers", headerNames, ["X-Other"]),
      maxAge: fc.constantFrom<string | null>(null, null, "0", "600"),
      status: fc.constantFrom(200, 200, 200, 201, 204, 404, 500),
      acao: ACAO,
      acac: ACAC,
      expose: fc.constantFrom<Line | null>(null, ["Access-Control-Expose-Headers", "X-Total"], ["Access-Control-Expose-Headers", "*"]),
      vary: fc.constantFrom<Line | null>(null, ["Vary", "Origin"]),
      // the same request twice, the second compared: a preflight that passed with a max-age is
      // then taken from the browser's cache, unseen, and the engine must infer it
      repeat: fc.oneof({ weight: 5, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
      // a fetch that meets a redirect may ask not to follow it: "manual" gets the 3xx itself
      // (an opaque redirect, if the 3xx passes the CORS check), "error" fails
      redirectMode: fc.constantFrom<"follow" | "manual" | "error">("follow", "follow", "follow", "follow", "manual", "error"),
    })
    .chain((g) => fc.tuple(fc.constant(g), REDIRECT))
    .map(([g, redirect]) => {
      const preflight: ResponseSpec = {
        status: g.preflightStatus,
        headers: corsLines(g.preflightAcao, g.preflightAcac, [
          g.acam,
          g.acah,
          g.maxAge === null ? null : ["Access-Control-Max-Age", g.maxAge],
          g.preflightStatus >= 300 && g.preflightStatus < 400 ? ["Location", "/r/moved"] : null,
        ]),
      };
      const actual: ResponseSpec = {
        status: g.status,
        headers: corsLines(g.acao, g.acac, [g.expose, g.expose ? ["X-Total", "3"] : null, g.vary]),
        body: method === "HEAD" || g.status === 204 ? undefined : "ok",
      };
      const route = { preflight, actual };
      const again = g.repeat ? { repeat: true } : {};
      if (!redirect) return { request, route, ...again };
      // a no-cors fetch must follow: any other mode throws before anything is sent
      const redirected: PageRequest = request.kind === "fetch" && request.mode !== "no-cors" && g.redirectMode !== "follow" ? { ...request, redirect: g.redirectMode } : request;
      // the first server answers the OPTIONS as the target does (so that a preflighted request
      // can get as far as the redirect), and the request itself with the 3xx
      return { request: redirected, redirect: redirectTo(redirect, route, preflight), ...again };
    });
}

type Hop3xx = { status: number; acao: string | null; acac: string | null };
type RedirectSpec = Hop3xx & { to: RedirectOrigin; via: Hop3xx | null };

/** The scenario's redirect: the 3xx with its CORS lines, to `route` on the target origin,
 * through a second 3xx there when `via` says so. */
function redirectTo(r: RedirectSpec, route: RouteSpec, preflight?: ResponseSpec): NonNullable<Scenario["redirect"]> {
  const headers = corsLines(r.acao, r.acac, []);
  const viaHeaders = r.via ? corsLines(r.via.acao, r.via.acac, []) : [];
  const via = r.via ? { via: { status: r.via.status, ...(viaHeaders.length > 0 ? { headers: viaHeaders } : {}) } } : {};
  return { status: r.status, ...(preflight ? { preflight } : {}), ...(headers.length > 0 ? { headers } : {}), to: { origin: r.to, route }, ...via };
}

const HOP_3XX: fc.Arbitrary<Hop3xx> = fc.record({
  status: fc.constantFrom(301, 302, 303, 307, 308),
  acao: fc.constantFrom<string | null>("$origin", "$origin", "*", null),
  acac: fc.constantFrom<string | null>(null, "true"),
});

/** One scenario in five goes through a redirect: to the same server, to another origin or back
 * to the page's (after which the browser sends Origin: null), with or without CORS lines on the 3xx itself, and
 * one of those in four through a second 3xx. */
const REDIRECT: fc.Arbitrary<RedirectSpec | null> = fc.oneof(
  { weight: 4, arbitrary: fc.constant(null) },
  {
    weight: 1,
    arbitrary: fc
      .record({
        first: HOP_3XX,
        // back to the page's own origin, too: after the cross-origin hop the origin is tainted
        // (Origin: null), and the page's own server must allow null or *
        to: fc.constantFrom<RedirectOrigin>("api", "api", "third", "third", "page"),
        // one redirect in four goes through a second 3xx on the target's origin
        via: fc.oneof({ weight: 3, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: HOP_3XX }),
      })
      .map(({ first, to, via }) => ({ ...first, to, via })),
  },
);

/** `count` scenarios from `seed`, named `gen-<seed>-<i>` (a name is also the URL's path). */
export function generatedScenarios(seed: number, count: number): Scenario[] {
  const arbitrary = REQUEST.chain(scenarioFor);
  return fc.sample(arbitrary, { seed, numRuns: count }).map((s, i) => ({ name: `gen-${seed}-${i}`, ...s }));
}

const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"><rect width="1" height="1"/></svg>';

/**
 * Elements that load through CORS: `<img crossorigin>` and module scripts, anonymous or with
 * credentials, the answer's Allow-Origin and Allow-Credentials varied, some through a redirect.
 * Always a 200 with a body the element can use: an image or a script that fails to load for any
 * other reason looks to the page like a CORS failure without the browser naming a rule.
 */
export function generatedElementScenarios(seed: number, count: number): Scenario[] {
  const arbitrary = fc
    .record({
      kind: fc.constantFrom<"img" | "module-script">("img", "module-script"),
      crossOrigin: fc.constantFrom<"anonymous" | "use-credentials">("anonymous", "anonymous", "use-credentials"),
      acao: ACAO,
      acac: ACAC,
      vary: fc.constantFrom<Line | null>(null, ["Vary", "Origin"]),
      redirect: REDIRECT,
    })
    .map((g): Omit<Scenario, "name"> => {
      const type: Line = g.kind === "img" ? ["Content-Type", "image/svg+xml"] : ["Content-Type", "text/javascript"];
      const route = { actual: { status: 200, headers: [type, ...corsLines(g.acao, g.acac, [g.vary])], body: g.kind === "img" ? SVG : "export default 1;" } };
      const request: PageRequest = { kind: g.kind, crossOrigin: g.crossOrigin };
      if (!g.redirect) return { request, route };
      return { request, redirect: redirectTo(g.redirect, route) };
    });
  return fc.sample(arbitrary, { seed, numRuns: count }).map((s, i) => ({ name: `gen-el-${seed}-${i}`, ...s }));
}
