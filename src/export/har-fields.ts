/**
 * Derived HAR fields: cookies and query strings parsed from the captured headers and URL,
 * with values redacted when asked. Parsing is textual and lenient (a malformed pair is kept
 * as a name with an empty value): these arrays are a convenience for HAR viewers, the
 * headers stay the evidence.
 */
import type { Header } from "../cors/model";
import type { HarCookie, HarNameValue } from "./har-types";
import { isSecretParam, REDACTED, safeDecode } from "./redact";

export function queryStringOf(url: string, redact: boolean): HarNameValue[] {
  const hash = url.indexOf("#");
  const beforeHash = hash < 0 ? url : url.slice(0, hash);
  const q = beforeHash.indexOf("?");
  if (q < 0 || q === beforeHash.length - 1) return [];
  return beforeHash
    .slice(q + 1)
    .split("&")
    .filter((part) => part.length > 0)
    .map((part) => {
      const eq = part.indexOf("=");
      const rawName = eq < 0 ? part : part.slice(0, eq);
      const rawValue = eq < 0 ? "" : part.slice(eq + 1);
      const value = redact && isSecretParam(rawName) && eq >= 0 ? REDACTED : safeDecode(rawValue);
      return { name: safeDecode(rawName), value };
    });
}

/** `Cookie: a=1; b=2` lines → cookies. */
export function requestCookies(headers: Header[], redact: boolean): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const h of headers) {
    if (h.name.toLowerCase() !== "cookie") continue;
    for (const pair of h.value.split(";")) {
      const trimmed = pair.trim();
      if (trimmed === "") continue;
      const eq = trimmed.indexOf("=");
      const name = eq < 0 ? trimmed : trimmed.slice(0, eq);
      const value = eq < 0 ? "" : trimmed.slice(eq + 1);
      cookies.push({ name, value: redact ? REDACTED : value });
    }
  }
  return cookies;
}

/** Each `Set-Cookie` line → one cookie with its attributes. Chromium's webRequest may join
 * several Set-Cookie lines with "\n" in one header: split on newlines too. */
export function responseCookies(headers: Header[], redact: boolean): HarCookie[] {
  const cookies: HarCookie[] = [];
  for (const h of headers) {
    if (h.name.toLowerCase() !== "set-cookie") continue;
    for (const line of h.value.split("\n")) {
      const [first = "", ...attrs] = line.split(";");
      const eq = first.indexOf("=");
      const name = (eq < 0 ? first : first.slice(0, eq)).trim();
      if (name === "") continue;
      const cookie: HarCookie = { name, value: redact ? REDACTED : eq < 0 ? "" : first.slice(eq + 1).trim() };
      for (const attr of attrs) {
        const aeq = attr.indexOf("=");
        const key = (aeq < 0 ? attr : attr.slice(0, aeq)).trim().toLowerCase();
        const val = aeq < 0 ? "" : attr.slice(aeq + 1).trim();
        if (key === "path") cookie.path = val;
        else if (key === "domain") cookie.domain = val;
        else if (key === "expires") cookie.expires = val;
        else if (key === "httponly") cookie.httpOnly = true;
        else if (key === "secure") cookie.secure = true;
        else if (key === "samesite") cookie.sameSite = val;
      }
      cookies.push(cookie);
    }
  }
  return cookies;
}
