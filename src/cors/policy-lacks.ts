/**
 * Compares what each request needed with what the server actually sent (preflight and actual
 * response headers) and says, in plain sentences, what the observed policy lacks. Sentences
 * aggregate: one per missing method, header, origin or setting, with counts and origins.
 */
import { SAFELISTED_METHODS, listItems, parseMaxAge } from "./fix/headers";
import { headerValue } from "./headers";
import { quote } from "./fix/notes";
import type { HopRequirement } from "./fix/requirements";
import type { HttpResponse } from "./model";

interface Tally {
  count: number;
  origins: Set<string>;
  details: Set<string>;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** Collects lacks under stable keys; sentences are rendered once all requests are counted. */
function tallies() {
  const map = new Map<string, { tally: Tally; render: (t: Tally) => string }>();
  return {
    add(key: string, origin: string, render: (t: Tally) => string, detail?: string): void {
      let slot = map.get(key);
      if (!slot) {
        slot = { tally: { count: 0, origins: new Set(), details: new Set() }, render };
        map.set(key, slot);
      }
      slot.tally.count++;
      slot.tally.origins.add(origin);
      if (detail !== undefined) slot.tally.details.add(detail);
    },
    sentences(): string[] {
      return [...map.values()].map(({ tally, render }) => render(tally));
    },
  };
}

const from = (t: Tally): string => [...t.origins].sort().join(", ");

/** Does `r` pass the CORS check (cors-failures.md 1.7) for this origin and credentials mode? */
function originVerdict(r: HttpResponse, origin: string, credentials: boolean): "ok" | "origin" | "wildcard" | "credentials" {
  const acao = headerValue(r.headers, "access-control-allow-origin");
  if (acao === "*" && !credentials) return "ok";
  if (acao === "*") return "wildcard";
  if (acao !== origin) return "origin";
  if (credentials && headerValue(r.headers, "access-control-allow-credentials") !== "true") return "credentials";
  return "ok";
}

function isOk(status: number): boolean {
  return status >= 200 && status <= 299;
}

export function policyLacks(reqs: HopRequirement[]): string[] {
  const t = tallies();
  for (const req of reqs) {
    const origin = req.originSeen ?? req.pageOrigin;
    if (origin === null || origin === "null") continue;
    const responses: [string, HttpResponse | undefined][] = [
      ["OPTIONS preflight", req.preflightResponse],
      ["actual", req.response],
    ];
    for (const [kind, r] of responses) {
      if (!r) continue;
      const acao = headerValue(r.headers, "access-control-allow-origin");
      switch (originVerdict(r, origin, req.credentials)) {
        case "origin":
          t.add(`acao:${origin}`, origin, (x) => `Access-Control-Allow-Origin lacks ${origin} (${plural(x.count, "response")} to requests from ${origin}; received ${[...x.details].join(", ")})`, quote(acao));
          break;
        case "wildcard":
          t.add("acao-wildcard", origin, (x) => `Access-Control-Allow-Origin is * but ${plural(x.count, "credentialed request")} from ${from(x)} ${x.count === 1 ? "needs" : "need"} the exact origin`);
          break;
        case "credentials":
          t.add(`acac:${kind}`, origin, (x) => `Access-Control-Allow-Credentials: true is missing on ${plural(x.count, `${kind} response`)} to credentialed requests from ${from(x)}`);
          break;
        default:
          break;
      }
    }

    const pre = req.preflightResponse;
    if (pre && !isOk(pre.status)) {
      const location = headerValue(pre.headers, "location");
      const how = [301, 302, 303, 307, 308].includes(pre.status) && location !== null ? `redirected (${pre.status} to ${quote(location)})` : `answered with ${pre.status}`;
      t.add(`status:${how}`, origin, (x) => `OPTIONS preflights are ${how} instead of 2xx (${plural(x.count, "request")} from ${from(x)})`);
    }
    if (pre && isOk(pre.status)) {
      const methods = listItems(headerValue(pre.headers, "access-control-allow-methods"));
      const methodOk = SAFELISTED_METHODS.includes(req.method) || methods.includes(req.method) || (methods.includes("*") && !req.credentials);
      if (!methodOk) t.add(`method:${req.method}`, origin, (x) => `Access-Control-Allow-Methods lacks ${req.method} (sent by ${plural(x.count, "request")} from ${from(x)})`);
      const allowed = listItems(headerValue(pre.headers, "access-control-allow-headers")).map((h) => h.toLowerCase());
      for (const name of req.headers) {
        const ok = allowed.includes(name) || (allowed.includes("*") && !req.credentials && name !== "authorization");
        if (!ok) t.add(`header:${name}`, origin, (x) => `Access-Control-Allow-Headers lacks ${name} (sent by ${plural(x.count, "request")} from ${from(x)})`);
      }
      if (parseMaxAge(headerValue(pre.headers, "access-control-max-age")) === null) {
        t.add("max-age", origin, (x) => `Access-Control-Max-Age is absent or invalid on ${plural(x.count, "preflight response")} (browsers then cache a preflight for only 5 s)`);
      }
    }

    const r = req.response;
    if (r) {
      const exposed = listItems(headerValue(r.headers, "access-control-expose-headers")).map((h) => h.toLowerCase());
      for (const name of req.expose) {
        const ok = exposed.includes(name.toLowerCase()) || (exposed.includes("*") && !req.credentials);
        if (!ok) t.add(`expose:${name.toLowerCase()}`, origin, (x) => `Access-Control-Expose-Headers lacks ${name} (present on ${plural(x.count, "response")} to requests from ${from(x)}; the page reads null)`);
      }
      const acao = headerValue(r.headers, "access-control-allow-origin");
      const vary = listItems(headerValue(r.headers, "vary")).map((v) => v.toLowerCase());
      if (acao !== null && acao !== "*" && !vary.includes("origin") && !vary.includes("*")) {
        t.add("vary", origin, (x) => `Vary lacks Origin on ${plural(x.count, "response")} whose Access-Control-Allow-Origin names the caller (shared caches may serve one origin's answer to another)`);
      }
    }
  }
  return t.sentences();
}
