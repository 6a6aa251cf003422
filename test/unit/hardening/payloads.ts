/**
 * Hostile data a server can choose: header values (and names, status lines, Location) that
 * try to inject markup or script, hide or reorder text, overflow layouts, break encodings or
 * split headers. Shared by the hardening unit tests (exports, CLI) and the real-browser test
 * (test/e2e/hardening-hostile.test.ts, which serves them as raw bytes).
 *
 * A successful injection would set `window.__pwned` (script) or leave an element whose id
 * starts with `pwned` (markup): the tests look for both.
 */

export interface Payload {
  /** short id, also the URL path on the raw server */
  id: string;
  /** what it tries */
  note: string;
  /** response header lines as raw bytes (name and value are joined with ": ") */
  headers?: [string, Buffer | string][];
  /** the whole status line instead of "HTTP/1.1 200 OK" */
  statusLine?: Buffer | string;
  /** when set, the page sends a preflighted PUT and these lines go on the preflight response */
  preflight?: [string, Buffer | string][];
  /** leave Access-Control-Allow-Origin out (the payload decides the CORS outcome itself) */
  noAcao?: boolean;
}

const bytes = (...b: number[]) => Buffer.from(b);
const cat = (...parts: (string | Buffer)[]) => Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
const x = (value: Buffer | string): [string, Buffer | string][] => [["X-Payload", value]];

/** Markup whose execution or insertion the tests would notice. */
const MARKUP: [string, string][] = [
  ["script-tag", `<script>window.__pwned="script-tag"</script>`],
  ["img-onerror", `<img src=x onerror="window.__pwned='img-onerror'" id="pwned-img">`],
  ["svg-onload", `"><svg id="pwned-svg" onload="window.__pwned='svg-onload'">`],
  ["bold-id", `<b id="pwned-bold">bold</b>`],
  ["table-breakout", `</td></tr></table></section><div id="pwned-breakout">out</div>`],
  ["iframe-srcdoc", `<iframe id="pwned-iframe" srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>`],
  ["anchor-js", `<a id="pwned-anchor" href="javascript:window.__pwned='anchor'">click</a>`],
  ["template-ctor", `{{constructor.constructor('window.__pwned="template"')()}}`],
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the placeholder text is the payload
  ["template-literal", "${window.__pwned='literal'}"],
  ["style-tag", `<style id="pwned-style">*{display:none!important}</style>`],
  ["link-css", `<link id="pwned-link" rel=stylesheet href=http://evil.invalid/x.css>`],
  ["comment-open", "<!-- the rest of the page is a comment"],
  ["cdata", "]]><![CDATA[<b id=pwned-cdata>"],
  ["entities", "&lt;script&gt;window.__pwned='entities'&lt;/script&gt; &amp; &#x3C;"],
  ["mxss", `<math><mtext><table><mglyph><style><img id=pwned-mxss src=x onerror="window.__pwned='mxss'">`],
  ["object-js", `<object id="pwned-object" data="javascript:window.__pwned='object'"></object>`],
  ["data-url", `data:text/html,<script>window.__pwned='data'</script>`],
  ["vbscript", "vbscript:msgbox(1)"],
  ["markdown", "[click](javascript:window.__pwned='md') **bold** `code` <details open>"],
];

export const PAYLOADS: Payload[] = [
  ...MARKUP.map(([id, value]) => ({ id, note: "markup in a header value", headers: x(value) })),
  // the same markup where the engine quotes it: failure.received, explanation, fix
  { id: "acao-markup", note: "markup as Access-Control-Allow-Origin (blocked, quoted in the diagnosis)", noAcao: true, headers: [["Access-Control-Allow-Origin", `<b id="pwned-acao">http://evil</b>`]] },
  { id: "acao-js", note: "javascript: URL as Access-Control-Allow-Origin", noAcao: true, headers: [["Access-Control-Allow-Origin", "javascript:window.__pwned='acao'"]] },
  {
    id: "acao-multiple",
    note: "two Access-Control-Allow-Origin lines with markup (joined in the diagnosis)",
    noAcao: true,
    headers: [
      ["Access-Control-Allow-Origin", `<i id="pwned-multi1">a</i>`],
      ["Access-Control-Allow-Origin", `<i id="pwned-multi2">b</i>`],
    ],
  },
  { id: "location-js", note: "javascript: URL in Location of a redirect", statusLine: "HTTP/1.1 302 Found", headers: [["Location", "javascript:window.__pwned='location'"]] },
  { id: "link-js", note: "javascript: URL in a Link header", headers: [["Link", "<javascript:window.__pwned='link'>; rel=preload"]] },
  { id: "status-markup", note: "markup in the status line's reason phrase", statusLine: `HTTP/1.1 200 <img id=pwned-status src=x onerror="window.__pwned='status'">` },
  { id: "status-bidi", note: "bidi override in the reason phrase", statusLine: cat("HTTP/1.1 200 OK \u202Ekcatta") },
  {
    id: "preflight-acah-markup",
    note: "markup in the preflight's Access-Control-Allow-Headers (header-not-allowed)",
    preflight: [["Access-Control-Allow-Headers", `<svg id="pwned-acah" onload="window.__pwned='acah'">`]],
  },
  {
    id: "preflight-acam-markup",
    note: "markup in the preflight's Access-Control-Allow-Methods",
    preflight: [["Access-Control-Allow-Methods", `GET, <b id="pwned-acam">PUT</b>`]],
  },
  { id: "vary-markup", note: "markup in Vary", headers: [["Vary", `Origin, <b id="pwned-vary">x</b>`]] },
  { id: "content-type-markup", note: "markup in Content-Type", headers: [["Content-Type", `text/html; charset="><script>window.__pwned='ct'</script>`]] },
  // text that must be shown faithfully, with invisible characters made visible
  { id: "bidi-rlo", note: "right-to-left override", headers: x("https://a.example\u202Egpj.exe") },
  { id: "bidi-lro", note: "left-to-right override", headers: x("abc\u202Ddef") },
  { id: "bidi-isolates", note: "bidi isolates", headers: x("\u2066left\u2067right\u2068first\u2069") },
  { id: "zero-width-acao", note: "zero-width space in Access-Control-Allow-Origin (a near-miss origin)", noAcao: true, headers: [["Access-Control-Allow-Origin", "$origin\u200B"]] },
  { id: "zwj-bom", note: "zero-width joiner and byte-order mark", headers: x("a\u200Db\uFEFFc") },
  { id: "arabic-mark", note: "Arabic letter mark", headers: x("x\u061Cy") },
  { id: "soft-hyphen", note: "soft hyphen", headers: x("in\u00ADvisible") },
  { id: "line-separator", note: "line and paragraph separators", headers: x("one\u2028two\u2029three") },
  { id: "rtl-text", note: "Arabic and Hebrew text (legitimate, shown as it is)", headers: x("مرحبا שלום") },
  { id: "emoji", note: "astral characters", headers: x("😀".repeat(500)) },
  { id: "zalgo", note: "hundreds of combining marks on one letter (vertical overflow)", headers: x(`Z${"\u0336\u0338\u0335\u0334\u0337".repeat(80)}`) },
  { id: "control-c0", note: "C0 controls", headers: x(cat("a", bytes(1, 2, 3, 4, 5, 6, 7, 8), "b")) },
  { id: "ansi-escape", note: "ANSI escape sequences (terminal injection in the CLI)", headers: x(cat(bytes(0x1b), "[31mRED", bytes(0x1b), "[0m", bytes(0x1b), "]0;title", bytes(7))) },
  { id: "del", note: "DEL", headers: x(cat("a", bytes(0x7f), "b")) },
  // sizes
  { id: "long-word", note: "5,000 characters without a break (horizontal overflow)", headers: x("W".repeat(5000)) },
  { id: "value-100k", note: "a 100 KB value", headers: x("A".repeat(100 * 1024)) },
  { id: "markup-100k", note: "100 KB of markup", headers: x(`<b id="pwned-big">`.repeat(5600)) },
  {
    id: "thousands",
    note: "3,000 header lines, the CORS one last",
    noAcao: true,
    headers: [...Array.from({ length: 3000 }, (_, i) => [`X-H-${i}`, `v${i}`] as [string, string]), ["Access-Control-Allow-Origin", "$origin"]],
  },
  { id: "set-cookies", note: "500 Set-Cookie lines", headers: Array.from({ length: 500 }, (_, i) => ["Set-Cookie", `c${i}=${"s".repeat(20)}; Path=/`] as [string, string]) },
  // encodings
  { id: "utf8-invalid-fffe", note: "invalid UTF-8: FF FE", headers: x(bytes(0x41, 0xff, 0xfe, 0x42)) },
  { id: "utf8-overlong", note: "invalid UTF-8: overlong slash", headers: x(bytes(0x41, 0xc0, 0xaf, 0x42)) },
  { id: "utf8-lone-continuation", note: "invalid UTF-8: lone continuation byte", headers: x(bytes(0x41, 0x80, 0x42)) },
  { id: "utf8-truncated", note: "invalid UTF-8: truncated sequence", headers: x(bytes(0x41, 0xe2, 0x82)) },
  { id: "utf8-surrogate", note: "invalid UTF-8: an encoded surrogate", headers: x(bytes(0x41, 0xed, 0xa0, 0x80, 0x42)) },
  { id: "latin1", note: "Latin-1 bytes", headers: x(bytes(0x63, 0x61, 0x66, 0xe9)) },
  // line structure
  { id: "obs-fold", note: "a value folded over two lines (CRLF + space)", headers: x("first\r\n second") },
  { id: "crlf-injection", note: "CRLF inside a value: a second header line on the wire", headers: x("a\r\nX-Injected: <b id=pwned-injected>yes</b>") },
  { id: "bare-cr", note: "a bare CR inside a value", headers: x("a\rb") },
  { id: "bare-lf", note: "a bare LF inside a value", headers: x("a\nb") },
  { id: "response-splitting", note: "CRLF CRLF inside a value (the rest becomes the body)", headers: x("a\r\n\r\n<html><b id=pwned-split>body</b>") },
  { id: "nul-byte", note: "a NUL byte in a value", headers: x(bytes(0x61, 0x00, 0x62)) },
  // names
  { id: "name-markup", note: "markup in a header name (not a token)", headers: [[`X-<b id="pwned-name">`, "v"]] },
  { id: "name-unicode", note: "non-ASCII header name", headers: [["X-Ünïcödé", "v"]] },
  { id: "name-long", note: "a 2,000-character header name", headers: [[`X-${"N".repeat(2000)}`, "v"]] },
  { id: "www-authenticate", note: "markup in WWW-Authenticate", headers: [["WWW-Authenticate", `Basic realm="<b id=pwned-realm>x</b>"`]] },
];

/** Things a successful injection leaves behind, checked in a page's context. */
export const SENTINEL_CHECK = `(() => {
  const found = [];
  if (window.__pwned !== undefined) found.push("script ran: " + String(window.__pwned));
  for (const el of document.querySelectorAll("[id^=pwned]")) found.push("element inserted: " + el.tagName + "#" + el.id);
  for (const el of document.querySelectorAll("iframe, object, embed, script:not([src]), style, link[href^=http], img[src=x]")) found.push("unexpected " + el.tagName);
  for (const v of window.__cspViolations || []) found.push("blocked by the CSP: " + v);
  return found;
})()`;

/** Installed before any page script: records CSP violations (an injection the CSP stopped). */
export const CSP_RECORDER = `window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => window.__cspViolations.push(e.violatedDirective + " " + (e.sample || e.blockedURI)));`;
