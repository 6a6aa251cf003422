/** The engine's public surface (other layers may also import the individual files). */
export { diagnose } from "./diagnose";
export { FAILURE_IDS, NON_CORS_IDS, UNBLOCKER_WARNING_ID, WARNING_IDS } from "./ids";
export { type MessageMatch, matchBrowserMessage } from "./messages";
export { needsPreflight, type PreflightNeed } from "./preflight";
export { originOf } from "./origin";
export { corsCheck } from "./cors-check";
export { preflightCacheLifetime, MAX_AGE_CAP, DEFAULT_MAX_AGE } from "./max-age";
export { isSafelistedMethod, isForbiddenMethod, normalizeMethod } from "./methods";
export { isForbiddenRequestHeader, safelistVerdict, unsafeRequestHeaders, CHROMIUM_ONLY_SAFELISTED } from "./request-headers";
export { parseTokenList } from "./list-parse";
