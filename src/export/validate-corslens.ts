/**
 * Checks a parsed HAR against every `_corsLens` rule of shared/reference/har-format.md
 * (format version 1). Returns the list of violations, empty when the file conforms. Used by
 * the unit tests of the writer, by the e2e tests on real downloads and by `cors-lens analyze`
 * to tell whether a file's own verdicts can be trusted as written.
 * (HAR 1.2 itself is checked against har-schema in the tests.)
 */
import { FAILURE_IDS, NON_CORS_IDS, UNBLOCKER_WARNING_ID, WARNING_IDS } from "../cors/ids";
import { isSecretHeader, isSecretParam, REDACTED } from "./redact";

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const isStrOrNull = (v: unknown): boolean => v === null || typeof v === "string";

const VERDICTS = ["allowed", "blocked", "not-cors", "network-error", "pending"];
const PHASES = ["request", "preflight", "redirect", "response", "connect"];
const CREDENTIALS = ["include", "omit-or-same-origin", "unknown"];
const ROLES = ["request", "redirect", "preflight"];
const VERDICT_KEYS = ["verdict", "failure", "explanation", "warnings", "cachedPreflight", "credentials", "credentialsInferred"];
const ENTRY_KEYS = new Set(["exchangeId", "role", "hop", ...VERDICT_KEYS]);
const FAILURE_KEYS = new Set(["id", "phase", "hop", "header", "received", "required", "missing", "confidence", "candidates", "browserMessage"]);
const KNOWN_FAILURE_IDS = new Set<string>([...FAILURE_IDS, ...NON_CORS_IDS]);
const KNOWN_WARNING_IDS = new Set<string>([...WARNING_IDS, UNBLOCKER_WARNING_ID]);

function checkLog(log: Obj, problems: string[]): Obj | null {
  const meta = log._corsLens;
  if (!isObj(meta)) {
    problems.push("log._corsLens is missing");
    return null;
  }
  if (meta.version !== 1) problems.push(`log._corsLens.version must be 1 (got ${JSON.stringify(meta.version)})`);
  if (meta.browser !== "chromium" && meta.browser !== "firefox") problems.push("log._corsLens.browser must be chromium or firefox");
  if (!isInt(meta.tabId)) problems.push("log._corsLens.tabId must be an integer");
  if (typeof meta.pageUrl !== "string") problems.push("log._corsLens.pageUrl must be a string");
  if (typeof meta.redacted !== "boolean") problems.push("log._corsLens.redacted must be a boolean");
  if (!isInt(meta.dropped) || meta.dropped < 0) problems.push("log._corsLens.dropped must be an integer >= 0");
  const creator = log.creator;
  if (!isObj(creator) || creator.name !== "CORS Lens" || typeof creator.version !== "string") {
    problems.push('log.creator must be { name: "CORS Lens", version }');
  }
  const browser = log.browser;
  const expected = meta.browser === "firefox" ? "Firefox" : "Chromium";
  if (!isObj(browser) || browser.name !== expected || typeof browser.version !== "string") {
    problems.push(`log.browser must be { name: "${expected}", version } to match log._corsLens.browser`);
  }
  return meta;
}

function checkFailure(f: unknown, at: string, problems: string[]): void {
  if (!isObj(f)) {
    problems.push(`${at}.failure must be an object`);
    return;
  }
  for (const key of Object.keys(f)) if (!FAILURE_KEYS.has(key)) problems.push(`${at}.failure has an unknown field ${key}`);
  if (typeof f.id !== "string" || !KNOWN_FAILURE_IDS.has(f.id)) problems.push(`${at}.failure.id ${JSON.stringify(f.id)} is not an id of cors-failures.md`);
  if (typeof f.phase !== "string" || !PHASES.includes(f.phase)) problems.push(`${at}.failure.phase is invalid`);
  if (f.phase === "redirect" && (!isInt(f.hop) || f.hop < 1)) problems.push(`${at}.failure.hop must be an integer >= 1 when phase is redirect`);
  if (f.hop !== undefined && (!isInt(f.hop) || f.hop < 1)) problems.push(`${at}.failure.hop must be an integer >= 1`);
  if (!isStrOrNull(f.header)) problems.push(`${at}.failure.header must be a string or null`);
  if (typeof f.header === "string" && f.header !== f.header.toLowerCase()) problems.push(`${at}.failure.header must be lower-case`);
  if (!isStrOrNull(f.received)) problems.push(`${at}.failure.received must be a string or null`);
  if (!isStrOrNull(f.required)) problems.push(`${at}.failure.required must be a string or null`);
  if (f.missing !== undefined && !(Array.isArray(f.missing) && f.missing.every((m) => typeof m === "string"))) {
    problems.push(`${at}.failure.missing must be a string array`);
  }
  if (f.confidence !== "certain" && f.confidence !== "likely") problems.push(`${at}.failure.confidence must be certain or likely`);
  if (f.candidates !== undefined) {
    if (f.confidence !== "likely") problems.push(`${at}.failure.candidates only when confidence is likely`);
    if (!(Array.isArray(f.candidates) && f.candidates.every((c) => typeof c === "string"))) problems.push(`${at}.failure.candidates must be a string array`);
  }
  if (typeof f.browserMessage !== "string") problems.push(`${at}.failure.browserMessage must be a string`);
}

function checkVerdictFields(c: Obj, at: string, problems: string[]): void {
  if (typeof c.verdict !== "string" || !VERDICTS.includes(c.verdict)) problems.push(`${at}.verdict is invalid`);
  const needsFailure = c.verdict === "blocked" || c.verdict === "network-error";
  if (needsFailure && c.failure === undefined) problems.push(`${at}.failure is required when verdict is ${String(c.verdict)}`);
  if (!needsFailure && c.failure !== undefined) problems.push(`${at}.failure only when verdict is blocked or network-error`);
  if (c.failure !== undefined) checkFailure(c.failure, at, problems);
  if (typeof c.explanation !== "string") problems.push(`${at}.explanation must be a string`);
  else if (/<[a-z/!][^>]*>/i.test(c.explanation)) problems.push(`${at}.explanation must be plain text, no markup`);
  if (!Array.isArray(c.warnings)) problems.push(`${at}.warnings must be an array`);
  else {
    c.warnings.forEach((w, i) => {
      if (!isObj(w) || typeof w.id !== "string" || typeof w.text !== "string") problems.push(`${at}.warnings[${i}] must be { id, variant?, text }`);
      else {
        if (!KNOWN_WARNING_IDS.has(w.id)) problems.push(`${at}.warnings[${i}].id ${w.id} is not a warn-* id of cors-failures.md`);
        if (w.variant !== undefined && typeof w.variant !== "string") problems.push(`${at}.warnings[${i}].variant must be a string`);
      }
    });
  }
  if (typeof c.cachedPreflight !== "boolean") problems.push(`${at}.cachedPreflight must be a boolean`);
  if (typeof c.credentials !== "string" || !CREDENTIALS.includes(c.credentials)) problems.push(`${at}.credentials is invalid`);
  if (c.credentialsInferred !== undefined && typeof c.credentialsInferred !== "boolean") problems.push(`${at}.credentialsInferred must be a boolean`);
}

function headersOf(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function checkRedacted(entry: Obj, at: string, problems: string[]): void {
  const req = isObj(entry.request) ? entry.request : {};
  const res = isObj(entry.response) ? entry.response : {};
  for (const [where, list] of [
    ["request", headersOf(req.headers)],
    ["response", headersOf(res.headers)],
  ] as const) {
    for (const h of list) {
      if (typeof h.name === "string" && isSecretHeader(h.name) && h.value !== REDACTED) problems.push(`${at}: ${where} header ${h.name} is not redacted`);
    }
  }
  for (const c of [...headersOf(req.cookies), ...headersOf(res.cookies)]) {
    if (c.value !== REDACTED) problems.push(`${at}: cookie ${typeof c.name === "string" ? c.name : "(a name that is not a string)"} is not redacted`);
  }
  for (const q of headersOf(req.queryString)) {
    if (typeof q.name === "string" && isSecretParam(q.name) && q.value !== REDACTED) problems.push(`${at}: query parameter ${q.name} is not redacted`);
  }
  if (typeof req.url === "string") {
    const query = req.url.split("#")[0]?.split("?").slice(1).join("?") ?? "";
    for (const part of query.split("&")) {
      const eq = part.indexOf("=");
      if (eq > 0 && isSecretParam(part.slice(0, eq)) && part.slice(eq + 1) !== REDACTED) problems.push(`${at}: URL parameter ${part.slice(0, eq)} is not redacted`);
    }
  }
}

interface Group {
  request?: Obj;
  redirects: Map<number, Obj>;
  preflightHops: number[];
}

/** Returns every violation of har-format.md found in `har`; [] means conforming. */
export function validateCorsLensHar(har: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(har) || !isObj(har.log)) return ["not a HAR: no log object"];
  const log = har.log;
  const meta = checkLog(log, problems);
  if (!Array.isArray(log.entries)) return [...problems, "log.entries must be an array"];
  const groups = new Map<string, Group>();
  let previousStart = Number.NEGATIVE_INFINITY;
  log.entries.forEach((entry: unknown, i: number) => {
    const at = `entries[${i}]._corsLens`;
    if (!isObj(entry)) {
      problems.push(`entries[${i}] is not an object`);
      return;
    }
    const start = typeof entry.startedDateTime === "string" ? Date.parse(entry.startedDateTime) : Number.NaN;
    if (Number.isNaN(start)) problems.push(`entries[${i}].startedDateTime is not a date`);
    else if (start < previousStart) problems.push(`entries[${i}] is not in start-time order`);
    else previousStart = start;
    const req = isObj(entry.request) ? entry.request : {};
    const res = isObj(entry.response) ? entry.response : {};
    if (req.postData !== undefined) problems.push(`entries[${i}].request.postData must be absent (bodies are never exported)`);
    if (isObj(res.content) && res.content.text !== undefined) problems.push(`entries[${i}].response.content.text must be absent`);
    if (entry._error !== undefined && typeof entry._error !== "string") problems.push(`entries[${i}]._error must be a string`);
    if (res.status === 0 && entry._error === undefined && res._error === undefined && headersOf(req.headers).length === 0) {
      // a request never sent must name the error, unless it is still pending
      const c = entry._corsLens;
      if (!(isObj(c) && c.verdict === "pending")) problems.push(`entries[${i}] was never sent but has no _error`);
    }
    const c = entry._corsLens;
    if (!isObj(c)) {
      problems.push(`${at} is missing`);
      return;
    }
    for (const key of Object.keys(c)) if (!ENTRY_KEYS.has(key)) problems.push(`${at} has an unknown field ${key}`);
    if (typeof c.exchangeId !== "string" || c.exchangeId === "") problems.push(`${at}.exchangeId must be a non-empty string`);
    if (typeof c.role !== "string" || !ROLES.includes(c.role)) problems.push(`${at}.role is invalid`);
    const id = typeof c.exchangeId === "string" ? c.exchangeId : "";
    const group: Group = groups.get(id) ?? { redirects: new Map<number, Obj>(), preflightHops: [] };
    groups.set(id, group);
    if (c.role === "request") {
      if (c.hop !== undefined) problems.push(`${at}.hop must be absent on a request entry`);
      if (group.request) problems.push(`${at}: exchangeId ${id} has more than one request entry`);
      group.request = entry;
      checkVerdictFields(c, at, problems);
    } else {
      for (const key of VERDICT_KEYS) if (c[key] !== undefined) problems.push(`${at}.${key} only on the request entry`);
      if (c.role === "redirect") {
        if (!isInt(c.hop) || c.hop < 1) problems.push(`${at}.hop must be an integer >= 1 on a redirect entry`);
        else if (group.redirects.has(c.hop)) problems.push(`${at}: hop ${c.hop} appears twice`);
        else group.redirects.set(c.hop, entry);
      } else if (c.role === "preflight") {
        if (c.hop !== undefined) {
          if (!isInt(c.hop) || c.hop < 1) problems.push(`${at}.hop must be an integer >= 1`);
          else group.preflightHops.push(c.hop);
        } else group.preflightHops.push(0);
      }
    }
    if (meta?.redacted === true) checkRedacted(entry, `entries[${i}]`, problems);
  });
  for (const [id, group] of groups) {
    if (!group.request) {
      problems.push(`exchange ${id} has no request entry`);
      continue;
    }
    const hops = [...group.redirects.keys()].sort((a, b) => a - b);
    hops.forEach((hop, index) => {
      if (hop !== index + 1) problems.push(`exchange ${id}: redirect hops are not 1, 2, … (found ${hops.join(", ")})`);
    });
    const chain = [group.request, ...hops.map((h) => group.redirects.get(h))];
    for (let k = 1; k < chain.length; k++) {
      const prev = chain[k - 1];
      const cur = chain[k];
      const prevRes = isObj(prev?.response) ? prev.response : {};
      const curReq = isObj(cur?.request) ? cur.request : {};
      if (prevRes.redirectURL !== curReq.url) problems.push(`exchange ${id}: response.redirectURL before hop ${k} does not name it`);
    }
    for (const hop of group.preflightHops) if (hop > hops.length) problems.push(`exchange ${id}: a preflight guards hop ${hop}, which does not exist`);
    const rc = group.request._corsLens as Obj;
    // cachedPreflight is the whole exchange's: some hop (the request or a redirect hop) reused
    // a cached preflight, so that hop has no preflight entry. A request preflighted and then
    // redirected to a URL whose preflight was still cached has one for the request itself.
    const preflighted = new Set(group.preflightHops);
    if (rc.cachedPreflight === true && chain.every((_, hop) => preflighted.has(hop))) problems.push(`exchange ${id}: cachedPreflight is true but every hop has a preflight entry`);
  }
  return problems;
}
