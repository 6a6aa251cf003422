/**
 * Local multi-origin test server for the e2e tests, the fixture recorder and the benchmarks.
 *
 * Three origins, all bound to 127.0.0.1 only:
 * - pageOrigin  http://127.0.0.1:<p1>  serves the pages that make requests (`/page`, `/static/*`);
 * - apiOrigin   http://localhost:<p2>   the cross-origin API (a different host, hence another origin);
 * - thirdOrigin http://127.0.0.1:<p3>  a third origin, target of cross-origin redirects.
 * `closedUrl` points at a port that was bound and closed again, so connecting is refused
 * (`net::ERR_CONNECTION_REFUSED`; ports Chromium considers unsafe, like 9, would give
 * `net::ERR_UNSAFE_PORT` instead).
 *
 * Every origin answers `/r/<anything>?spec=<base64url(JSON RouteSpec)>`: the test describes
 * the response in the URL, so no server state is needed and every request is reproducible.
 *
 * Cookies: `/set-cookie?name=&value=` on any origin sets a plain `name=value; Path=/` cookie.
 * `SameSite=None` requires `Secure`, and Chromium refuses Secure cookies set over plain http,
 * so the cookie gets Chromium's default, `SameSite=Lax`. `localhost` and `127.0.0.1` are
 * different sites, so Chromium does NOT attach that cookie to a `credentials: "include"`
 * fetch from the page origin to the API origin: credentialed tests here see no `Cookie`
 * header, exactly as platform.md observed. The cookie is sent on same-site requests only.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface ResponseSpec {
  status?: number;
  /** several entries with the same name are sent as separate header lines;
   * the value "$origin" is replaced by the request's Origin (header omitted when none) */
  headers?: [string, string][];
  body?: string;
  /** binary body (wins over `body`) */
  bodyBase64?: string;
  delayMs?: number;
  /** destroy the socket without answering */
  drop?: boolean;
}

export interface RouteSpec {
  /** answer to OPTIONS (default: 404, no CORS headers) */
  preflight?: ResponseSpec;
  /** answer to any other method (default: 200 "ok", no CORS headers) */
  actual?: ResponseSpec;
}

export type ServerName = "page" | "api" | "third";

export interface RecordedRequest {
  server: ServerName;
  method: string;
  /** full URL as the server saw it (origin of that server + path and query) */
  url: string;
  /** raw header lines, in order, with the case the client sent */
  headers: [string, string][];
  time: number;
  /** when the server sent its answer (or dropped the connection), for /r/ routes */
  answered?: number;
}

export interface TestServers {
  pageOrigin: string;
  apiOrigin: string;
  thirdOrigin: string;
  closedUrl: string;
  /** every request received since the last reset(), in arrival order */
  requests: RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

function base64url(text: string): string {
  return Buffer.from(text, "utf8").toString("base64url");
}

/** URL of a `/r/` route on `origin` answering as `spec` says. */
export function specUrl(origin: string, spec: RouteSpec, path = "x"): string {
  return `${origin}/r/${path}?spec=${base64url(JSON.stringify(spec))}`;
}

/** Convenience: CORS headers that allow `$origin` (reflected). */
export const ALLOW_ORIGIN: [string, string] = ["Access-Control-Allow-Origin", "$origin"];

function parseSpec(url: URL): RouteSpec | null {
  const raw = url.searchParams.get("spec");
  if (raw === null) return {};
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    return typeof value === "object" && value !== null ? (value as RouteSpec) : null;
  } catch {
    return null;
  }
}

function rawHeaderPairs(req: IncomingMessage): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    pairs.push([req.rawHeaders[i] as string, req.rawHeaders[i + 1] as string]);
  }
  return pairs;
}

function pageHtml(title: string): string {
  const safe = title.replace(/[^\w .:-]/g, "");
  return `<!doctype html><html><head><meta charset="utf-8"><title>${safe}</title></head><body><h1>${safe}</h1></body></html>`;
}

function answer(req: IncomingMessage, res: ServerResponse, spec: ResponseSpec, fallbackStatus: number, fallbackBody: string, record: RecordedRequest): void {
  const send = () => {
    record.answered = Date.now();
    if (spec.drop) {
      req.socket.destroy();
      return;
    }
    const origin = req.headers.origin;
    // writeHead with a flat raw array keeps duplicate names as separate lines.
    const flat: string[] = [];
    let hasContentType = false;
    for (const [name, value] of spec.headers ?? []) {
      if (value === "$origin") {
        if (typeof origin !== "string") continue;
        flat.push(name, origin);
      } else {
        flat.push(name, value);
      }
      if (name.toLowerCase() === "content-type") hasContentType = true;
    }
    const body = spec.bodyBase64 !== undefined ? Buffer.from(spec.bodyBase64, "base64") : (spec.body ?? fallbackBody);
    if (!hasContentType) flat.push("Content-Type", "text/plain; charset=utf-8");
    flat.push("Content-Length", String(Buffer.byteLength(body)));
    res.writeHead(spec.status ?? fallbackStatus, flat);
    res.end(req.method === "HEAD" ? undefined : body);
  };
  if (spec.delayMs && spec.delayMs > 0) setTimeout(send, spec.delayMs);
  else send();
}

function handler(name: ServerName, origin: () => string, log: RecordedRequest[], staticPages: Map<string, string>) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", origin());
    const record: RecordedRequest = { server: name, method: req.method ?? "GET", url: url.href, headers: rawHeaderPairs(req), time: Date.now() };
    log.push(record);
    // Drain any body so keep-alive connections stay usable.
    req.resume();
    if (url.pathname.startsWith("/r/")) {
      const spec = parseSpec(url);
      if (spec === null) {
        res.writeHead(400, { "Content-Type": "text/plain" });
        res.end("bad spec");
        return;
      }
      if (req.method === "OPTIONS") answer(req, res, spec.preflight ?? {}, 404, "", record);
      else answer(req, res, spec.actual ?? {}, 200, "ok", record);
      return;
    }
    if (url.pathname === "/set-cookie") {
      const cname = url.searchParams.get("name") ?? "session";
      const value = url.searchParams.get("value") ?? "1";
      res.writeHead(200, [
        "Set-Cookie",
        `${cname}=${value}; Path=/`,
        "Content-Type",
        "text/plain",
        "Access-Control-Allow-Origin",
        typeof req.headers.origin === "string" ? req.headers.origin : "*",
        "Access-Control-Allow-Credentials",
        "true",
      ]);
      res.end("cookie set");
      return;
    }
    if (name === "page" && url.pathname === "/page") {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(pageHtml(url.searchParams.get("title") ?? "CORS Lens test page"));
      return;
    }
    const page = staticPages.get(url.pathname);
    if (page !== undefined) {
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
      res.end(page);
      return;
    }
    if (url.pathname === "/favicon.ico") {
      res.writeHead(204);
      res.end();
      return;
    }
    res.writeHead(404, { "Content-Type": "text/plain" });
    res.end("not found");
  };
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** A port that was free a moment ago and is closed now: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await closeServer(server);
  return port;
}

export interface TestServerOptions {
  /** extra HTML pages served by the page origin, path → HTML */
  staticPages?: Record<string, string>;
}

export async function startTestServers(options: TestServerOptions = {}): Promise<TestServers> {
  const requests: RecordedRequest[] = [];
  const staticPages = new Map(Object.entries(options.staticPages ?? {}));
  const origins: Record<ServerName, string> = { page: "", api: "", third: "" };
  const make = (name: ServerName) => {
    const server = createServer(handler(name, () => origins[name], requests, staticPages));
    server.keepAliveTimeout = 1000;
    return server;
  };
  const servers = { page: make("page"), api: make("api"), third: make("third") };
  origins.page = `http://127.0.0.1:${await listen(servers.page)}`;
  origins.api = `http://localhost:${await listen(servers.api)}`;
  origins.third = `http://127.0.0.1:${await listen(servers.third)}`;
  const closed = await closedPort();
  return {
    pageOrigin: origins.page,
    apiOrigin: origins.api,
    thirdOrigin: origins.third,
    closedUrl: `http://127.0.0.1:${closed}/closed`,
    requests,
    reset() {
      requests.length = 0;
    },
    async close() {
      await Promise.all(Object.values(servers).map(closeServer));
    },
  };
}
