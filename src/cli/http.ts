/**
 * One HTTP request from Node with headers set exactly (node:http/https, not fetch: fetch
 * forbids setting Origin and friends). The body of the response is drained and discarded;
 * only the status line and the header lines, in order and with their case, are kept.
 * Network failures come back as the error string each browser would report.
 */
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import type { BrowserKind, Header, HttpResponse } from "../cors/model";

export interface SendResult {
  response?: HttpResponse;
  /** browser-style network error string (net::ERR_… or NS_ERROR_…) */
  error?: string;
  /** the underlying Node error, for the terminal */
  detail?: string;
}

export type Sender = (url: string, method: string, headers: Header[], browser: BrowserKind) => Promise<SendResult>;

const TIMEOUT_MS = 15_000;
const MAX_BODY_BYTES = 1024 * 1024;

/** Node error codes → what Chromium / Firefox report for the same failure. */
export function browserNetError(code: string | undefined, message: string, browser: BrowserKind): string {
  const pick = (cr: string, ff: string) => (browser === "firefox" ? ff : cr);
  if (code === "ECONNREFUSED") return pick("net::ERR_CONNECTION_REFUSED", "NS_ERROR_CONNECTION_REFUSED");
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return pick("net::ERR_NAME_NOT_RESOLVED", "NS_ERROR_UNKNOWN_HOST");
  if (code === "ETIMEDOUT" || code === "TIMEOUT") return pick("net::ERR_TIMED_OUT", "NS_ERROR_NET_TIMEOUT");
  if (code === "ECONNRESET" && /hang up/i.test(message)) return pick("net::ERR_EMPTY_RESPONSE", "NS_ERROR_NET_RESET");
  if (code === "ECONNRESET") return pick("net::ERR_CONNECTION_RESET", "NS_ERROR_NET_RESET");
  if (code === "EHOSTUNREACH" || code === "ENETUNREACH") return pick("net::ERR_ADDRESS_UNREACHABLE", "NS_ERROR_CONNECTION_REFUSED");
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return pick("net::ERR_CERT_COMMON_NAME_INVALID", "SSL_ERROR_BAD_CERT_DOMAIN");
  if (code === "CERT_HAS_EXPIRED") return pick("net::ERR_CERT_DATE_INVALID", "SEC_ERROR_EXPIRED_CERTIFICATE");
  if (code && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return pick("net::ERR_CERT_AUTHORITY_INVALID", "SEC_ERROR_UNKNOWN_ISSUER");
  if (code && /^ERR_SSL|EPROTO/.test(code)) return pick("net::ERR_SSL_PROTOCOL_ERROR", "SSL_ERROR_RX_RECORD_TOO_LONG");
  return pick("net::ERR_CONNECTION_FAILED", "NS_ERROR_FAILURE");
}

function headersOf(res: IncomingMessage): Header[] {
  const out: Header[] = [];
  for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) out.push({ name: res.rawHeaders[i] as string, value: res.rawHeaders[i + 1] as string });
  return out;
}

export const nodeSender: Sender = (url, method, headers, browser) =>
  new Promise((resolve) => {
    let settled = false;
    const done = (result: SendResult) => {
      if (!settled) {
        settled = true;
        resolve(result);
      }
    };
    const fail = (e: NodeJS.ErrnoException) => done({ error: browserNetError(e.code, e.message, browser), detail: e.code ?? e.message });
    const requestFn = url.startsWith("https:") ? httpsRequest : httpRequest;
    const outgoing: Record<string, string> = {};
    for (const h of headers) outgoing[h.name] = h.name in outgoing ? `${outgoing[h.name]}, ${h.value}` : h.value;
    let req: ReturnType<typeof httpRequest>;
    try {
      req = requestFn(url, { method, headers: outgoing, agent: false, timeout: TIMEOUT_MS }, (res) => {
        const response: HttpResponse = {
          status: res.statusCode ?? 0,
          statusText: res.statusMessage ?? "",
          headers: headersOf(res),
          time: Date.now(),
        };
        const ip = res.socket?.remoteAddress;
        if (ip) response.ip = ip;
        let received = 0;
        res.on("data", (chunk: Buffer) => {
          received += chunk.length;
          if (received > MAX_BODY_BYTES) res.destroy();
        });
        res.on("end", () => done({ response }));
        res.on("close", () => done({ response }));
        res.on("error", () => done({ response }));
      });
    } catch (e) {
      // invalid header names/values (CR, LF…) are refused by Node before anything is sent
      done({ error: browserNetError(undefined, String(e), browser), detail: (e as Error).message });
      return;
    }
    req.on("timeout", () => {
      req.destroy(Object.assign(new Error("timeout"), { code: "TIMEOUT" }));
    });
    req.on("error", fail);
    // Node upper-cases every method in the constructor, but browsers send `patch` as typed
    // (only DELETE/GET/HEAD/OPTIONS/POST/PUT are normalised), and servers may treat the two
    // differently. The request line is written at end(), so restoring the case here sends it
    // exactly.
    req.method = method;
    req.end();
  });
