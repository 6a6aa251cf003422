/**
 * The CORS playground behind `npm start`: a page origin with one button per situation, an
 * API origin answering each situation the way real servers get it wrong (or right), and a
 * third origin that cross-origin redirects land on. Loopback only.
 *
 *   page   http://127.0.0.1:<p1>/      the playground page
 *   api    http://localhost:<p2>/…     the API (another host, hence another origin)
 *   other  http://127.0.0.1:<p3>/…     the target of the cross-origin redirect
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SITUATIONS } from "./situations";

export interface Playground {
  pageUrl: string;
  pageOrigin: string;
  apiOrigin: string;
  otherOrigin: string;
  close(): Promise<void>;
}

type Headers = [string, string][];

function send(res: ServerResponse, status: number, headers: Headers, body = ""): void {
  const flat = headers.flat();
  flat.push("Content-Length", String(Buffer.byteLength(body)));
  res.writeHead(status, flat);
  res.end(body);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function pageHtml(apiOrigin: string): string {
  const buttons = SITUATIONS.map(
    (s) => `<li><button id="${s.id}" data-path="${escapeHtml(s.path)}" data-init="${escapeHtml(JSON.stringify(s.init))}">${escapeHtml(s.title)}</button>
      <span class="desc">${escapeHtml(s.description)}</span> <output id="${s.id}-result"></output></li>`,
  ).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>CORS playground</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:860px}li{margin:8px 0;list-style:none}
button{min-width:260px;text-align:left;padding:6px 10px}.desc{color:#555;margin-left:8px}output{margin-left:8px;font-weight:600}
.ok{color:#188038}.fail{color:#d93025}</style></head><body>
<h1>CORS playground</h1><p>Each button makes a cross-origin request from this page to <code>${escapeHtml(apiOrigin)}</code>.
Open DevTools → <b>CORS</b> to see why each one worked or failed.</p>
<p><button id="run-all">Run all</button></p><ul>${buttons}</ul>
<script src="/playground.js"></script></body></html>`;
}

function pageScript(apiOrigin: string): string {
  return `const API = ${JSON.stringify(apiOrigin)};
async function run(button) {
  const out = document.getElementById(button.id + "-result");
  out.textContent = "…"; out.className = "";
  try {
    const response = await fetch(API + button.dataset.path, JSON.parse(button.dataset.init));
    out.textContent = "HTTP " + response.status + " (readable)"; out.className = "ok";
  } catch (error) {
    out.textContent = String(error); out.className = "fail";
  }
  out.dataset.done = "1";
}
for (const b of document.querySelectorAll("li button")) b.addEventListener("click", () => run(b));
document.getElementById("run-all").addEventListener("click", async () => {
  for (const b of document.querySelectorAll("li button")) await run(b);
  document.body.dataset.allDone = "1";
});`;
}

interface Reply {
  status: number;
  headers: Headers;
  body?: string;
}

const reply = (status: number, headers: Headers, body?: string): Reply => ({ status, headers, body });

/** How the API answers each path (and its preflight). */
function apiRoute(req: IncomingMessage, pageOrigin: string, otherOrigin: string): Reply {
  const origin = req.headers.origin ?? "";
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const preflight = req.method === "OPTIONS";
  const allow: Headers = [["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]];
  const text: Headers = [["Content-Type", "application/json"]];
  switch (path) {
    case "/missing-acao":
      return reply(200, text, '{"items":[]}');
    case "/server-error":
      return reply(500, [["Content-Type", "text/html"]], "<h1>Internal Server Error</h1>");
    case "/wildcard":
      return reply(200, [["Access-Control-Allow-Origin", "*"], ...text], '{"public":true}');
    case "/items/1":
      if (preflight) return reply(204, [...allow, ["Access-Control-Allow-Methods", "GET, POST"]]);
      return reply(200, [...allow, ...text], "{}");
    case "/search":
      if (preflight) return reply(204, [...allow, ["Access-Control-Allow-Headers", "Content-Type"]]);
      return reply(200, [...allow, ...text], "[]");
    case "/legacy/item":
      return reply(301, [...allow, ["Location", "/v2/item"]]);
    case "/moved":
      return reply(302, [...allow, ["Location", `${otherOrigin}/landing`]]);
    case "/profile":
      return reply(200, [["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Credentials", "true"], ...text], '{"name":"Ada"}');
    case "/public":
      return reply(200, [["Access-Control-Allow-Origin", "*"], ...text], '{"ok":true}');
    case "/notes/7":
      if (preflight)
        return reply(204, [...allow, ["Access-Control-Allow-Methods", "GET, PUT"], ["Access-Control-Allow-Headers", "Content-Type"], ["Access-Control-Max-Age", "600"]]);
      return reply(200, [...allow, ...text], '{"saved":true}');
    default:
      return reply(404, [...allow, ...text], '{"error":"not found"}');
  }
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startPlayground(ports: { page?: number; api?: number; other?: number } = {}): Promise<Playground> {
  let pageOrigin = "";
  let apiOrigin = "";
  let otherOrigin = "";
  const page = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? "/", "http://x").pathname;
    if (path === "/") return send(res, 200, [["Content-Type", "text/html; charset=utf-8"]], pageHtml(apiOrigin));
    if (path === "/playground.js") return send(res, 200, [["Content-Type", "text/javascript"]], pageScript(apiOrigin));
    return send(res, 404, [["Content-Type", "text/plain"]], "not found");
  });
  const api = createServer((req, res) => {
    req.resume();
    const { status, headers, body } = apiRoute(req, pageOrigin, otherOrigin);
    send(res, status, headers, body);
  });
  // The other origin reflects the page origin, which no longer matches after the
  // cross-origin hop (the browser sends Origin: null): the classic redirect trap.
  const other = createServer((req, res) => {
    req.resume();
    send(res, 200, [["Access-Control-Allow-Origin", pageOrigin], ["Content-Type", "application/json"]], '{"landed":true}');
  });
  const servers = [page, api, other];
  const [p1, p2, p3] = [await listen(page, ports.page), await listen(api, ports.api), await listen(other, ports.other)];
  pageOrigin = `http://127.0.0.1:${p1}`;
  apiOrigin = `http://localhost:${p2}`;
  otherOrigin = `http://127.0.0.1:${p3}`;
  return {
    pageUrl: `${pageOrigin}/`,
    pageOrigin,
    apiOrigin,
    otherOrigin,
    close: () =>
      Promise.all(servers.map((s) => new Promise<void>((r) => { s.closeAllConnections(); s.close(() => r()); }))).then(() => undefined),
  };
}
