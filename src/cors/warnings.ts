/**
 * Warnings (cors-failures.md section 4): unsafe or fragile setups, reported even when the
 * request worked; plus `warn-cors-unblocker-suspected` when the traffic looks rewritten by a
 * CORS "unblocker" extension or proxy.
 */
import { UNBLOCKER_WARNING_ID } from "./ids";
import { headerLines, headerValue, validHeaders } from "./headers";
import { parseNameList, parseTokenList } from "./list-parse";
import { preflightCacheLifetime } from "./max-age";
import type { BrowserKind, Exchange, Header, Hop, Warning } from "./model";
import { hostOf, isHttpScheme } from "./origin";
import { CHROMIUM_ONLY_SAFELISTED, safelistVerdict, scriptSetHeaders } from "./request-headers";

export interface WarningContext {
  exchange: Exchange;
  browser: BrowserKind;
  /** page origin */
  initiator: string;
  /** credentials mode include (known or inferred); null when unknown */
  include: boolean | null;
  /** the browser let the page read the response */
  allowed: boolean;
  /** Chromium completed although the engine's own check fails */
  completedDespiteFailure: boolean;
}

/** Response headers scripts commonly want; others (Server, Date…) are not worth a warning. */
const INTERESTING = new Set(["location", "etag", "link", "content-disposition", "content-range", "retry-after", "www-authenticate", "content-encoding", "age", "accept-ranges", "request-id"]);
const SAFELISTED_RESPONSE = new Set(["cache-control", "content-language", "content-length", "content-type", "expires", "last-modified", "pragma"]);
const NOISE_X = new Set([
  "x-content-type-options",
  "x-frame-options",
  "x-xss-protection",
  "x-powered-by",
  "x-dns-prefetch-control",
  "x-download-options",
  "x-permitted-cross-domain-policies",
  "x-cache",
  "x-cache-hits",
  "x-served-by",
  "x-timer",
  "x-robots-tag",
  "x-ua-compatible",
]);
/** A label that is a common TLD followed by more labels: `example.com.evil.net`. */
const TLD_INSIDE = /\.(?:com|net|org|io|co|dev|app|gov|edu)\./;
const WEBDAV = new Set(["PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK", "COPY", "MOVE"]);

function push(out: Warning[], id: string, text: string, variant?: string): void {
  if (out.some((w) => w.id === id && w.variant === variant)) return;
  const w: Warning = { id, text };
  if (variant !== undefined) w.variant = variant;
  out.push(w);
}

function originSent(hop: Hop, fallback: string): string {
  return headerValue(hop.requestHeaders, "origin") ?? fallback;
}

function notExposed(headers: Header[], include: boolean | null): string[] {
  const aceh = headerValue(headers, "access-control-expose-headers");
  const parsed = aceh === null ? [] : parseTokenList(aceh).items.map((i) => i.toLowerCase());
  if (parsed.includes("*") && include !== true) return [];
  const out: string[] = [];
  for (const h of headers) {
    const n = h.name.toLowerCase();
    if (SAFELISTED_RESPONSE.has(n) || n.startsWith("access-control-") || n === "set-cookie" || n === "set-cookie2") continue;
    const wanted = INTERESTING.has(n) || (n.startsWith("x-") && !NOISE_X.has(n));
    if (wanted && !parsed.includes(n) && !out.includes(h.name)) out.push(h.name);
  }
  return out;
}

export function computeWarnings(ctx: WarningContext): Warning[] {
  const out: Warning[] = [];
  const { exchange, browser, initiator, include } = ctx;
  const hops = exchange.hops;
  let final: Hop | undefined;
  for (const hop of hops) if (hop.response && typeof hop.response.status === "number") final = hop;
  const first = hops[0];

  const responses: { headers: Header[]; hop: Hop; preflight: boolean }[] = [];
  for (const hop of hops) {
    if (hop.preflight?.response) responses.push({ headers: validHeaders(hop.preflight.response.headers), hop, preflight: true });
    if (hop.response) responses.push({ headers: validHeaders(hop.response.headers), hop, preflight: false });
  }

  for (const r of responses) {
    const acaoLines = headerLines(r.headers, "access-control-allow-origin");
    const acao = acaoLines.length === 0 ? null : acaoLines.join(", ");
    const acac = headerValue(r.headers, "access-control-allow-credentials");
    const sent = originSent(r.hop, initiator);
    if (acao === "null") {
      push(out, "warn-null-origin-allowed", "The server allows the origin `null`, which sandboxed iframes, file: pages and redirected requests send, so any site can obtain it; do not allow `null`.", acac === "true" ? "with-credentials" : undefined);
    }
    if (acao !== null && acao === sent && acac === "true" && (sent === "null" || !isHttpScheme(sent))) {
      push(out, "warn-origin-reflected-with-credentials", `The server echoes the unusual origin \`${sent}\` back together with \`Access-Control-Allow-Credentials: true\`, which looks like blind reflection: any site could read this user's data. Use an exact-match allowlist.`, sent === "null" ? "null" : "unexpected-scheme");
    }
    if (acao === "*" && acac === "true" && include !== true) {
      push(out, "warn-wildcard-with-acac-true", "The server sends `Access-Control-Allow-Origin: *` together with `Access-Control-Allow-Credentials: true`; this only works because no credentials were sent and fails the day they are. Send the exact origin instead of `*` for credentialed calls.");
    }
    if (acaoLines.length > 1 && acaoLines.every((v) => v === acaoLines[0])) {
      push(out, UNBLOCKER_WARNING_ID, `The response carries \`Access-Control-Allow-Origin\` ${acaoLines.length} times with the same value; a CORS "unblocker" extension, proxy or second server layer is probably adding it on top of the server.`, "duplicate-acao");
    }
    for (const h of r.headers) {
      const n = h.name.toLowerCase();
      if (n === "access-control-allow-private-network" || n.startsWith("private-network-access-")) {
        push(out, "warn-obsolete-private-network-header", `The response sends \`${h.name}\`, a Private Network Access header that Chrome 142+ no longer uses (a user permission replaced it); it is harmless but can be removed.`);
      }
    }
    if (r.preflight) {
      const acam = headerValue(r.headers, "access-control-allow-methods");
      const methods = acam === null ? [] : parseTokenList(acam).items;
      const webdav = methods.filter((m) => WEBDAV.has(m.toUpperCase())).length;
      if (webdav >= 3 && (acao === "*" || acao === sent)) {
        push(out, UNBLOCKER_WARNING_ID, `The preflight answer allows WebDAV methods (${methods.join(", ")}), the signature of CORS "unblocker" browser extensions; what works here may fail for your users.`, "webdav-methods");
      }
    }
  }

  if (ctx.completedDespiteFailure) {
    push(out, UNBLOCKER_WARNING_ID, "The browser let the page read this response although its CORS headers, as captured, fail the CORS check: an extension or proxy is probably rewriting them, and users without it will be blocked.", "completed-despite-failing-check");
  }

  // Per-hop preflight facts.
  for (const hop of hops) {
    const pre = hop.preflight;
    const presp = pre?.response;
    if (!pre || !presp || typeof presp.status !== "number") continue;
    const ph = validHeaders(presp.headers);
    const acah = headerValue(ph, "access-control-allow-headers");
    const acam = headerValue(ph, "access-control-allow-methods");
    const acahItems = acah === null ? [] : parseTokenList(acah).items.map((i) => i.toLowerCase());
    const acamItems = acam === null ? [] : parseTokenList(acam).items;
    const acrh = Array.isArray(pre.requestHeaders) ? parseNameList(headerValue(pre.requestHeaders, "access-control-request-headers")) : [];
    const ok = presp.status >= 200 && presp.status <= 299;
    if (ok && ctx.allowed) {
      const life = preflightCacheLifetime(headerValue(ph, "access-control-max-age"), browser);
      if (life.variant) {
        const text =
          life.variant === "over-cap"
            ? `\`Access-Control-Max-Age\` is above ${browser === "firefox" ? "Firefox's cap of 86400" : "Chromium's cap of 7200"} seconds, so the browser silently caches the preflight for ${life.seconds} s only.`
            : life.variant === "invalid"
              ? `\`Access-Control-Max-Age\` is not a plain number: Chromium then caches the preflight for 5 s, Firefox not at all. Send an integer such as 600.`
              : "No useful `Access-Control-Max-Age` on the preflight answer, so the browser repeats the permission check (OPTIONS) almost before every request; send e.g. `Access-Control-Max-Age: 600`.";
        push(out, "warn-max-age", text, life.variant);
      }
    }
    if (acrh.includes("authorization") && acahItems.includes("*") && !acahItems.includes("authorization") && include !== true) {
      push(out, "warn-authorization-covered-by-wildcard", "`Authorization` is allowed here only through `Access-Control-Allow-Headers: *`; Chromium and Firefox accept this today, but the Fetch Standard does not and enforcement is planned. List `Authorization` explicitly.");
    }
    if (include === true && (acahItems.includes("*") || acamItems.includes("*"))) {
      push(out, "warn-wildcard-literal-under-credentials", "For a credentialed request `*` in `Access-Control-Allow-Methods` or `Access-Control-Allow-Headers` is a literal name, not a wildcard; list the methods and headers explicitly.", acamItems.includes("*") ? "methods" : "headers");
    }
    const resp = hop.response;
    if (ok && resp && typeof resp.status === "number") {
      const pAcao = headerValue(ph, "access-control-allow-origin");
      const aAcao = headerValue(resp.headers, "access-control-allow-origin");
      if (pAcao !== null && aAcao !== pAcao) {
        push(out, "warn-cors-only-on-preflight", aAcao === null ? "The OPTIONS answer has CORS headers but the actual response has none; add the same CORS headers in one shared middleware for all methods and statuses." : `The OPTIONS answer allows \`${pAcao}\` but the actual response says \`${aAcao}\`; let one shared middleware set CORS headers for all methods and statuses.`, aAcao === null ? "missing" : "different");
      }
    }
  }

  if (final?.response) {
    const fh = validHeaders(final.response.headers);
    const acao = headerValue(fh, "access-control-allow-origin");
    if (acao !== null && acao !== "*" && acao !== "null") {
      const vary = (headerValue(fh, "vary") ?? "").toLowerCase();
      const varies = vary.split(",").some((v) => {
        const t = v.trim();
        return t === "origin" || t === "*";
      });
      if (!varies) push(out, "warn-missing-vary-origin", "The response names a specific allowed origin but `Vary` does not include `Origin`, so a shared cache may serve this answer to another origin (intermittent CORS errors). Send `Vary: Origin`.");
    }
    const sentHeaders = validHeaders(first?.requestHeaders);
    const authorization = sentHeaders.some((h) => h.name.toLowerCase() === "authorization") || (Array.isArray(first?.preflight?.requestHeaders) && parseNameList(headerValue(first?.preflight?.requestHeaders, "access-control-request-headers")).includes("authorization"));
    const cookie = sentHeaders.some((h) => h.name.toLowerCase() === "cookie");
    if (acao === "*" && (authorization || cookie)) {
      push(out, "warn-wildcard-on-authenticated-api", "This API answers `Access-Control-Allow-Origin: *` to a request that carries credentials or a token, so any site the user visits can call it the same way and read the answer; restrict it to known origins.", authorization ? "authorization" : "cookie");
    }
    if (acao !== null && acao === initiator && TLD_INSIDE.test(hostOf(initiator))) {
      push(out, "warn-origin-pattern-matching", `The server allowed \`${initiator}\`, whose host embeds another domain name; that is typical of allowlists checked with substring or regex matching, which attackers can satisfy with names like \`example.com.evil.net\`. Compare full origins.`, "suffix-appended");
    }
    if (include === true) {
      const aceh = headerValue(fh, "access-control-expose-headers");
      if (aceh !== null && parseTokenList(aceh).items.includes("*")) {
        push(out, "warn-wildcard-literal-under-credentials", "For a credentialed request `Access-Control-Expose-Headers: *` is a literal name, not a wildcard; list the headers the page must read.", "expose-headers");
      }
    }
    if (ctx.allowed) {
      const hidden = notExposed(fh, include);
      if (hidden.length > 0) {
        push(out, "warn-header-not-exposed", `The page cannot read ${hidden.map((h) => `\`${h}\``).join(", ")} from this response (it gets null) because ${hidden.length === 1 ? "it is" : "they are"} not listed in \`Access-Control-Expose-Headers\`.`);
      }
    }
  }

  const method = exchange.method;
  if (typeof method === "string" && method !== method.toUpperCase()) {
    push(out, "warn-method-case", `The method \`${method}\` is not upper-case, so it is sent exactly as typed and must appear in \`Access-Control-Allow-Methods\` with the same case; prefer \`${method.toUpperCase()}\` in code.`);
  }

  const chromiumOnly: string[] = [];
  if (browser === "chromium") {
    for (const h of scriptSetHeaders(validHeaders(first?.requestHeaders))) {
      const n = h.name.toLowerCase();
      if (CHROMIUM_ONLY_SAFELISTED.includes(n) && safelistVerdict(n, h.value, "chromium") === "ok" && !chromiumOnly.includes(h.name)) chromiumOnly.push(h.name);
    }
  } else if (Array.isArray(first?.preflight?.requestHeaders)) {
    // Firefox asked the server; once its answer lists them (or `*`), the advice is followed
    const allowed = parseNameList(headerValue(first?.preflight?.response?.headers, "access-control-allow-headers"));
    for (const n of parseNameList(headerValue(first?.preflight?.requestHeaders, "access-control-request-headers"))) {
      if (CHROMIUM_ONLY_SAFELISTED.includes(n) && !allowed.includes(n) && !allowed.includes("*")) chromiumOnly.push(n);
    }
  }
  if (chromiumOnly.length > 0) {
    push(out, "warn-chromium-only-safelisted-header", `${chromiumOnly.join(", ")} ${chromiumOnly.length === 1 ? "needs" : "need"} no preflight in Chromium only; Firefox and Safari send a permission check (OPTIONS) for ${chromiumOnly.length === 1 ? "it" : "them"}, so list ${chromiumOnly.length === 1 ? "it" : "them"} in \`Access-Control-Allow-Headers\` (if the browser added ${chromiumOnly.length === 1 ? "it" : "them"} as a client hint, ignore this).`);
  }
  return out;
}
