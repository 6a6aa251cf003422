/**
 * The CORS playground behind `npm start`: a page origin with one button per situation, an
 * API origin answering each situation the way real servers get it wrong (or right), and a
 * CDN origin with public assets, where the API's cross-origin redirect lands. Loopback only.
 *
 *   page   http://127.0.0.1:<p1>/      the playground page (and its sandboxed frame)
 *   api    http://localhost:<p2>/…     the API (another host name, hence another origin)
 *   cdn    http://127.0.0.1:<p3>/…     public assets; the target of the cross-origin redirect
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { SITUATIONS, type Target } from "./situations";

export interface Playground {
  pageUrl: string;
  pageOrigin: string;
  apiOrigin: string;
  cdnOrigin: string;
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

function pageHtml(origins: Record<"page" | Target, string>): string {
  const buttons = SITUATIONS.map((s) => {
    const url = `${origins[s.target]}${s.path}`;
    const expected = s.expect.verdict === "blocked" ? `blocked: ${s.expect.failureId ?? "?"}` : s.expect.warnings.length > 0 ? `allowed, ${s.expect.warnings.join(", ")}` : "allowed";
    return `<li><button id="${s.id}" data-url="${escapeHtml(url)}" data-from="${s.from}" data-init="${escapeHtml(JSON.stringify(s.init))}">${escapeHtml(s.title)}</button>
      <div><span class="desc">${escapeHtml(s.description)}</span> <span class="expect">expected: ${escapeHtml(expected)}</span><br><output id="${s.id}-result"></output></div></li>`;
  }).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><title>CORS playground</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;max-width:1100px}ul{padding:0}
li{list-style:none;margin:10px 0;display:grid;grid-template-columns:300px 1fr;gap:12px;align-items:start}
button{width:100%;text-align:left;padding:6px 10px}#run-all{width:auto;padding:6px 18px}.expect{color:#777;font-size:12px}
output{font-weight:600;font-size:13px}.ok{color:#188038}.fail{color:#d93025}</style></head><body>
<h1>CORS playground</h1><p>Each button makes a cross-origin request from this page (<code>${escapeHtml(origins.page)}</code>) to the API
<code>${escapeHtml(origins.api)}</code> or the CDN <code>${escapeHtml(origins.cdn)}</code>.
Open DevTools → <b>CORS</b> to see why each one worked or failed, and how to fix the server.</p>
<p><button id="run-all">Run all</button></p><ul>${buttons}</ul>
<script src="/playground.js"></script></body></html>`;
}

/** The page's script: runs each button's fetch, in the page or in a sandboxed iframe. */
const PAGE_SCRIPT = `function inSandbox(url, init) {
  return new Promise((resolve) => {
    const frame = document.createElement("iframe");
    frame.sandbox = "allow-scripts";
    frame.hidden = true;
    const onMessage = (event) => {
      if (event.source !== frame.contentWindow) return;
      window.removeEventListener("message", onMessage);
      frame.remove();
      resolve(event.data);
    };
    window.addEventListener("message", onMessage);
    frame.src = "/sandboxed.html#" + encodeURIComponent(JSON.stringify({ url, init }));
    document.body.append(frame);
  });
}
async function inPage(url, init) {
  try {
    const response = await fetch(url, init);
    return { ok: true, text: "HTTP " + response.status + " (readable)" };
  } catch (error) {
    return { ok: false, text: String(error) };
  }
}
async function run(button) {
  const out = document.getElementById(button.id + "-result");
  out.textContent = "…"; out.className = "";
  const init = JSON.parse(button.dataset.init);
  const result = button.dataset.from === "sandboxed-iframe" ? await inSandbox(button.dataset.url, init) : await inPage(button.dataset.url, init);
  out.textContent = result.text; out.className = result.ok ? "ok" : "fail";
  out.dataset.done = "1";
}
for (const b of document.querySelectorAll("li button")) b.addEventListener("click", () => run(b));
document.getElementById("run-all").addEventListener("click", async () => {
  delete document.body.dataset.allDone;
  for (const b of document.querySelectorAll("li button")) await run(b);
  document.body.dataset.allDone = "1";
});`;

/** The sandboxed frame (opaque origin, so its requests carry Origin: null): one fetch, result to the parent. */
const SANDBOXED_HTML = `<!doctype html><meta charset="utf-8"><script>
const { url, init } = JSON.parse(decodeURIComponent(location.hash.slice(1)));
// The body is read before answering: the parent removes this frame on the answer, and a
// response still being received then ends as aborted (net::ERR_ABORTED), not as completed.
fetch(url, init)
  .then((response) => response.text().then(() => ({ ok: true, text: "HTTP " + response.status + " (readable from Origin: null)" })))
  .catch((error) => ({ ok: false, text: String(error) }))
  .then((result) => parent.postMessage(result, "*"));
</script>`;

interface Reply {
  status: number;
  headers: Headers;
  body?: string;
}

const reply = (status: number, headers: Headers, body?: string): Reply => ({ status, headers, body });
const json: Headers = [["Content-Type", "application/json"]];

/** How the API answers each path (and its preflight), the way real servers get it wrong or right. */
function apiRoute(req: IncomingMessage, pageOrigin: string, cdnOrigin: string): Reply {
  const origin = req.headers.origin ?? "";
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const preflight = req.method === "OPTIONS";
  const allow: Headers = [["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"]];
  switch (path) {
    case "/missing-acao":
      return reply(200, json, '{"items":[]}');
    case "/server-error":
      return reply(500, [["Content-Type", "text/html"]], "<h1>Internal Server Error</h1>");
    case "/wildcard":
      return reply(200, [["Access-Control-Allow-Origin", "*"], ...json], '{"public":true}');
    case "/items/1":
      if (preflight) return reply(204, [...allow, ["Access-Control-Allow-Methods", "GET, POST"]]);
      return reply(200, [...allow, ...json], "{}");
    case "/search":
      if (preflight) return reply(204, [...allow, ["Access-Control-Allow-Headers", "Content-Type"]]);
      return reply(200, [...allow, ...json], "[]");
    case "/legacy/item":
      return reply(301, [...allow, ["Location", "/v2/item"]]);
    case "/moved":
      return reply(302, [...allow, ["Location", `${cdnOrigin}/landing`]]);
    case "/profile":
      // Echoes whatever Origin came, with credentials, and forgets Vary: Origin.
      return reply(200, [["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Credentials", "true"], ...json], '{"name":"Ada"}');
    case "/account":
      // The same blind reflection, with Vary: it answers Origin: null too.
      return reply(200, [["Access-Control-Allow-Origin", origin], ["Access-Control-Allow-Credentials", "true"], ["Vary", "Origin"], ...json], '{"iban":"…"}');
    case "/config":
      return reply(200, [["Access-Control-Allow-Origin", "*"], ["Access-Control-Allow-Credentials", "true"], ...json], '{"theme":"dark"}');
    case "/notes/7":
      if (preflight)
        return reply(204, [...allow, ["Access-Control-Allow-Methods", "GET, PUT"], ["Access-Control-Allow-Headers", "Content-Type"], ["Access-Control-Max-Age", "600"]]);
      return reply(200, [...allow, ...json], '{"saved":true}');
    default:
      return reply(404, [...allow, ...json], '{"error":"not found"}');
  }
}

/** The CDN: public assets for everyone, and the landing page of the API's cross-origin redirect. */
function cdnRoute(req: IncomingMessage, pageOrigin: string): Reply {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  if (path.startsWith("/assets/")) return reply(200, [["Access-Control-Allow-Origin", "*"], ...json], '{"locale":"en"}');
  // Allows the page origin, which no longer matches after the cross-origin hop (the browser
  // then sends Origin: null): the classic redirect trap.
  if (path === "/landing") return reply(200, [["Access-Control-Allow-Origin", pageOrigin], ["Vary", "Origin"], ...json], '{"landed":true}');
  return reply(404, [["Content-Type", "text/plain"]], "not found");
}

function listen(server: Server, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`port ${port} on 127.0.0.1 is already in use`) : error),
    );
    server.listen(port, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Starts the three origins on loopback (ports chosen by the system unless given). */
export async function startPlayground(ports: { page?: number; api?: number; cdn?: number } = {}): Promise<Playground> {
  const origins: Record<"page" | Target, string> = { page: "", api: "", cdn: "" };
  const page = createServer((req, res) => {
    req.resume();
    const path = new URL(req.url ?? "/", "http://x").pathname;
    const html: Headers = [["Content-Type", "text/html; charset=utf-8"]];
    if (path === "/") return send(res, 200, html, pageHtml(origins));
    if (path === "/playground.js") return send(res, 200, [["Content-Type", "text/javascript"]], PAGE_SCRIPT);
    if (path === "/sandboxed.html") return send(res, 200, html, SANDBOXED_HTML);
    if (path === "/favicon.ico") return send(res, 204, []);
    return send(res, 404, [["Content-Type", "text/plain"]], "not found");
  });
  const api = createServer((req, res) => {
    req.resume();
    const { status, headers, body } = apiRoute(req, origins.page, origins.cdn);
    send(res, status, headers, body);
  });
  const cdn = createServer((req, res) => {
    req.resume();
    const { status, headers, body } = cdnRoute(req, origins.page);
    send(res, status, headers, body);
  });
  const servers: Server[] = [];
  try {
    for (const [server, port] of [[page, ports.page], [api, ports.api], [cdn, ports.cdn]] as const) {
      const bound = await listen(server, port);
      servers.push(server);
      if (server === page) origins.page = `http://127.0.0.1:${bound}`;
      // Another host name, hence another origin, on the same loopback interface.
      else if (server === api) origins.api = `http://localhost:${bound}`;
      else origins.cdn = `http://127.0.0.1:${bound}`;
    }
  } catch (error) {
    await Promise.all(servers.map(closeServer));
    throw error;
  }
  return {
    pageUrl: `${origins.page}/`,
    pageOrigin: origins.page,
    apiOrigin: origins.api,
    cdnOrigin: origins.cdn,
    close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
  };
}
