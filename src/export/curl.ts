/**
 * "Copy as curl": the requests of an exchange as the browser sent them, for a terminal.
 * For each hop: its preflight (OPTIONS with Origin, Access-Control-Request-Method and
 * -Headers exactly as it went out, or as the browser would have sent it when the cached one
 * was reused or it was not observed), then the request itself. Bodies are not captured.
 *
 * Every variable part is single-quoted for POSIX shells: inside single quotes nothing is
 * special, and a single quote is written as '\'' , so no header value, URL or method chosen
 * by a hostile page or server can end the quoting and run a command.
 */
import { headerValue } from "../cors/headers";
import type { Exchange, Header, Hop } from "../cors/model";
import { needsPreflight } from "../cors/preflight";
import { redactExchange } from "./redact";

export interface CurlOptions {
  redact: boolean;
}

/** Headers curl sets itself or that would make the output unreadable. */
const SKIPPED = new Set(["host", "connection", "content-length", "accept-encoding", "keep-alive", "transfer-encoding"]);

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** Comment lines must not let a newline in data start a command. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, " ")}`;
}

function headerArg(h: Header): string {
  // `-H 'Name:'` would remove the header; curl sends an empty one for `-H 'Name;'`
  return h.value === "" ? `-H ${shellQuote(`${h.name};`)}` : `-H ${shellQuote(`${h.name}: ${h.value}`)}`;
}

function command(method: string, url: string, headers: Header[]): string {
  const upper = method.toUpperCase();
  const verb = upper === "HEAD" ? ["-I"] : upper === "GET" ? [] : ["-X", shellQuote(method)];
  // -g: URLs may contain [ ] { } (e.g. "[redacted]") that curl would otherwise expand
  const parts = ["curl", "-i", "-g", ...verb, shellQuote(url), ...headers.filter((h) => !SKIPPED.has(h.name.toLowerCase())).map(headerArg)];
  return parts.join(" \\\n  ");
}

function originFor(exchange: Exchange, hop: Hop): string | null {
  return headerValue(hop.requestHeaders ?? hop.preflight?.requestHeaders ?? [], "origin") ?? exchange.initiator;
}

/** The preflight the browser would send for this hop (cache hit or not observed). */
function reconstructedPreflight(exchange: Exchange, hop: Hop): Header[] {
  const headers: Header[] = [{ name: "Accept", value: "*/*" }];
  const origin = originFor(exchange, hop);
  if (origin !== null) headers.push({ name: "Origin", value: origin });
  headers.push({ name: "Access-Control-Request-Method", value: hop.method });
  const unsafe = hop.requestHeaders ? needsPreflight(hop.method, hop.requestHeaders, exchange.browser).unsafeHeaders : [];
  if (unsafe.length > 0) headers.push({ name: "Access-Control-Request-Headers", value: unsafe.join(",") });
  return headers;
}

function hopLines(exchange: Exchange, hop: Hop, index: number): string[] {
  const lines: string[] = [];
  const where = index === 0 ? "" : ` (hop ${index}, after a redirect)`;
  const needed = hop.requestHeaders ? needsPreflight(hop.method, hop.requestHeaders, exchange.browser).needed : false;
  if (hop.preflightState === "sent" && hop.preflight?.requestHeaders) {
    lines.push(comment(`Preflight${where}, as the browser sent it`));
    lines.push(command("OPTIONS", hop.preflight.url, hop.preflight.requestHeaders));
  } else if (hop.preflightState === "sent" || hop.preflightState === "cached" || (hop.preflightState === "unknown" && needed)) {
    const why = hop.preflightState === "cached" ? "the browser reused a cached one" : "its headers were not observed";
    lines.push(comment(`Preflight${where}, as the browser would send it (${why})`));
    lines.push(command("OPTIONS", hop.url, reconstructedPreflight(exchange, hop)));
  }
  if (hop.requestHeaders) {
    lines.push(comment(`Request${where}, as it went out`));
    lines.push(command(hop.method, hop.url, hop.requestHeaders));
  } else {
    lines.push(comment(`Request${where}: never sent by the browser; headers reconstructed (Origin only)`));
    const origin = originFor(exchange, hop);
    lines.push(command(hop.method, hop.url, origin === null ? [] : [{ name: "Origin", value: origin }]));
  }
  if (hop.method.toUpperCase() !== "GET" && hop.method.toUpperCase() !== "HEAD") lines.push(comment("body not captured"));
  return lines;
}

export function toCurl(exchange: Exchange, options: CurlOptions): string {
  const x = options.redact ? redactExchange(exchange) : exchange;
  const lines = [comment(`CORS Lens: ${x.method} ${x.url} from ${x.initiator ?? "an unknown origin"}`)];
  if (options.redact) lines.push(comment("secrets are shown as [redacted]: put the real values back to replay"));
  const hops: Hop[] = x.hops.length > 0 ? x.hops : [{ url: x.url, method: x.method, requestHeaders: null, startTime: x.startTime, preflightState: "unknown" }];
  hops.forEach((hop, i) => {
    lines.push(...hopLines(x, hop, i));
  });
  return `${lines.join("\n")}\n`;
}
