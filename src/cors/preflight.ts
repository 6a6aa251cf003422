/**
 * When a preflight is sent (cors-failures.md 1.5). Used by the capture assembler to tell a
 * cached preflight from "not needed" when no OPTIONS was seen, and by the engine to list the
 * headers a preflight had to allow.
 */
import { headerValue, validHeaders } from "./headers";
import { parseNameList } from "./list-parse";
import { isSafelistedMethod } from "./methods";
import type { BrowserKind, Header } from "./model";
import { scriptSetHeaders, unsafeRequestHeaders } from "./request-headers";

export interface PreflightNeed {
  needed: boolean;
  methodUnsafe: boolean;
  /** CORS-unsafe names, lower-case, sorted, as they appear in Access-Control-Request-Headers */
  unsafeHeaders: string[];
}

/**
 * Does a cross-origin cors-mode request with this method and these headers (as sent, browser
 * additions included: they are ignored) need a preflight? When the list is a sent preflight's
 * own headers (it carries Access-Control-Request-Method), its Access-Control-Request-Headers
 * is the authority. The use-CORS-preflight flag (XHR upload listeners, stream bodies) is not
 * visible in headers and is not modelled.
 */
export function needsPreflight(method: string, requestHeaders: Header[] | null | undefined, browser: BrowserKind): PreflightNeed {
  const headers = validHeaders(requestHeaders);
  const acrm = headerValue(headers, "access-control-request-method");
  if (acrm !== null) {
    return { needed: true, methodUnsafe: !isSafelistedMethod(acrm), unsafeHeaders: parseNameList(headerValue(headers, "access-control-request-headers")) };
  }
  const methodUnsafe = !isSafelistedMethod(String(method));
  const unsafeHeaders = unsafeRequestHeaders(scriptSetHeaders(headers), browser).map((u) => u.name);
  return { needed: methodUnsafe || unsafeHeaders.length > 0, methodUnsafe, unsafeHeaders };
}
