/**
 * Redaction for exports (shared/reference/har-format.md, "Redaction"):
 * - values of Cookie, Set-Cookie, Authorization, Proxy-Authorization become `[redacted]`, in
 *   headers and wherever the same values appear in diagnosis text (failure.received,
 *   failure.browserMessage, explanation, warnings);
 * - query parameters with a sensitive name keep their name and get the value `[redacted]`;
 *   the URL is edited as text (never re-serialized through URL(), which would normalize it),
 *   so every other character stays exactly as captured.
 */
import type { Diagnosis, Exchange, Failure, Header } from "../cors/model";

export const REDACTED = "[redacted]";

const SECRET_HEADERS = new Set(["cookie", "set-cookie", "authorization", "proxy-authorization"]);
/** Headers whose value is a URL that may carry a sensitive query parameter. */
const URL_HEADERS = new Set(["location", "content-location", "referer"]);
const SECRET_PARAMS = new Set([
  "access_token",
  "id_token",
  "token",
  "api_key",
  "apikey",
  "key",
  "sig",
  "signature",
  "password",
  "secret",
  "code",
  "session",
]);
/** Shorter values are not searched for in free text: replacing "1" everywhere would destroy
 * the explanation while protecting nothing. Header fields are redacted whatever their length. */
const MIN_TEXT_SECRET = 4;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADERS.has(name.toLowerCase());
}

/** decodeURIComponent of a form-encoded part (`+` is a space); the text as is when malformed. */
export function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, " "));
  } catch {
    return text;
  }
}

export function isSecretParam(rawName: string): boolean {
  return SECRET_PARAMS.has(safeDecode(rawName).toLowerCase());
}

/** One `name=value` piece of a query string, as raw text. */
function redactQueryPart(part: string): string {
  const eq = part.indexOf("=");
  if (eq < 0) return part;
  return isSecretParam(part.slice(0, eq)) ? `${part.slice(0, eq)}=${REDACTED}` : part;
}

/** Redacts sensitive query values of a URL, leaving every other character as it was. */
export function redactUrl(url: string): string {
  const hash = url.indexOf("#");
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const fragment = hash < 0 ? "" : url.slice(hash);
  const q = beforeHash.indexOf("?");
  if (q < 0) return url;
  const query = beforeHash.slice(q + 1).split("&").map(redactQueryPart).join("&");
  return `${beforeHash.slice(0, q + 1)}${query}${fragment}`;
}

/** The raw values of sensitive query parameters (and their decoded forms). */
function queryValues(url: string): string[] {
  const hash = url.indexOf("#");
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf("?");
  if (q < 0) return [];
  const values: string[] = [];
  for (const part of beforeHash.slice(q + 1).split("&")) {
    const eq = part.indexOf("=");
    if (eq < 0 || !isSecretParam(part.slice(0, eq))) continue;
    const raw = part.slice(eq + 1);
    values.push(raw, safeDecode(raw));
  }
  return values;
}

export function redactHeader(header: Header): Header {
  const lower = header.name.toLowerCase();
  if (SECRET_HEADERS.has(lower)) return { name: header.name, value: REDACTED };
  if (URL_HEADERS.has(lower)) return { name: header.name, value: redactUrl(header.value) };
  return header;
}

export function redactHeaders(headers: Header[]): Header[] {
  return headers.map(redactHeader);
}

/** Pieces of a secret header value that could be quoted alone in text: the whole value, the
 * credentials after an auth scheme, each cookie value. */
function secretPieces(name: string, value: string): string[] {
  const lower = name.toLowerCase();
  const pieces = [value];
  if (lower === "authorization" || lower === "proxy-authorization") {
    const space = value.indexOf(" ");
    if (space > 0) pieces.push(value.slice(space + 1).trim());
  } else if (lower === "cookie") {
    for (const pair of value.split(";")) {
      const eq = pair.indexOf("=");
      if (eq >= 0) pieces.push(pair.slice(eq + 1).trim());
    }
  } else if (lower === "set-cookie") {
    const first = value.split(";")[0] ?? "";
    const eq = first.indexOf("=");
    if (eq >= 0) pieces.push(first.slice(eq + 1).trim());
  }
  return pieces;
}

function allHeaderLists(exchange: Exchange): Header[][] {
  const lists: Header[][] = [];
  for (const hop of exchange.hops) {
    if (hop.requestHeaders) lists.push(hop.requestHeaders);
    if (hop.response) lists.push(hop.response.headers);
    if (hop.preflight?.requestHeaders) lists.push(hop.preflight.requestHeaders);
    if (hop.preflight?.response) lists.push(hop.preflight.response.headers);
  }
  return lists;
}

function allUrls(exchange: Exchange): string[] {
  const urls = [exchange.url];
  for (const hop of exchange.hops) {
    urls.push(hop.url);
    if (hop.redirectUrl) urls.push(hop.redirectUrl);
    if (hop.preflight) urls.push(hop.preflight.url);
  }
  return urls;
}

/** What must disappear from free text: URL rewrites first (longest first), then secrets. */
export type TextRedactor = (text: string) => string;

export function textRedactorFor(exchange: Exchange): TextRedactor {
  const urlPairs = new Map<string, string>();
  for (const url of allUrls(exchange)) {
    const redacted = redactUrl(url);
    if (redacted !== url) urlPairs.set(url, redacted);
  }
  const secrets = new Set<string>();
  for (const list of allHeaderLists(exchange)) {
    for (const h of list) {
      if (isSecretHeader(h.name)) for (const piece of secretPieces(h.name, h.value)) secrets.add(piece);
    }
  }
  for (const url of allUrls(exchange)) for (const v of queryValues(url)) secrets.add(v);
  const urls = [...urlPairs.entries()].sort((a, b) => b[0].length - a[0].length);
  const values = [...secrets].filter((s) => s.length >= MIN_TEXT_SECRET && s !== REDACTED).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const [from, to] of urls) out = out.split(from).join(to);
    for (const secret of values) out = out.split(secret).join(REDACTED);
    return out;
  };
}

function redactFailure(failure: Failure, text: TextRedactor): Failure {
  const secretHeader = failure.header !== null && isSecretHeader(failure.header);
  return {
    ...failure,
    received: failure.received === null ? null : secretHeader ? REDACTED : text(failure.received),
    required: failure.required === null ? null : secretHeader ? REDACTED : text(failure.required),
    browserMessage: text(failure.browserMessage),
  };
}

export function redactDiagnosis(diagnosis: Diagnosis, exchange: Exchange): Diagnosis {
  const text = textRedactorFor(exchange);
  const out: Diagnosis = {
    ...diagnosis,
    explanation: text(diagnosis.explanation),
    warnings: diagnosis.warnings.map((w) => ({ ...w, text: text(w.text) })),
  };
  if (diagnosis.failure) out.failure = redactFailure(diagnosis.failure, text);
  return out;
}

/** A copy of the exchange with every header and URL redacted (request ids etc. untouched). */
export function redactExchange(exchange: Exchange): Exchange {
  return {
    ...exchange,
    url: redactUrl(exchange.url),
    ...(exchange.documentUrl !== undefined ? { documentUrl: redactUrl(exchange.documentUrl) } : {}),
    hops: exchange.hops.map((hop) => ({
      ...hop,
      url: redactUrl(hop.url),
      requestHeaders: hop.requestHeaders ? redactHeaders(hop.requestHeaders) : null,
      ...(hop.redirectUrl !== undefined ? { redirectUrl: redactUrl(hop.redirectUrl) } : {}),
      ...(hop.response ? { response: { ...hop.response, headers: redactHeaders(hop.response.headers) } } : {}),
      ...(hop.preflight
        ? {
            preflight: {
              ...hop.preflight,
              url: redactUrl(hop.preflight.url),
              requestHeaders: hop.preflight.requestHeaders ? redactHeaders(hop.preflight.requestHeaders) : null,
              ...(hop.preflight.response
                ? { response: { ...hop.preflight.response, headers: redactHeaders(hop.preflight.response.headers) } }
                : {}),
            },
          }
        : {}),
    })),
  };
}

/** Page URLs are redacted like request URLs. */
export function redactPageUrl(url: string | null): string | null {
  return url === null ? null : redactUrl(url);
}
