/**
 * Generators of malformed logs from strangers, shared by the property tests of the importer,
 * the CLI and the panel's import: anything at all, HAR-shaped objects with wrong types and
 * hostile values, real files (the recorded fixtures and a CORS Lens export) with random
 * mutations, and text that is not JSON at all.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import fc from "fast-check";
import { toCorsLensJson } from "../../../src/export/json-export";
import { toHar } from "../../../src/export/har-writer";
import { sampleLog } from "../export/sample-log";
import { PAYLOADS } from "./payloads";

const FIXTURES = join(__dirname, "../../fixtures/har");

/** Real, valid files to start mutations from. */
export const SEEDS: unknown[] = [
  ...["chrome-devtools.har", "chrome-har-output.har", "firefox-netmonitor.har"].map((f) => JSON.parse(readFileSync(join(FIXTURES, f), "utf8")) as unknown),
  JSON.parse(JSON.stringify(toHar(sampleLog, { redact: false, browser: "chromium", browserVersion: "156", creatorVersion: "0.1.0" }))) as unknown,
  JSON.parse(JSON.stringify(toCorsLensJson(sampleLog, { redact: false, browser: "chromium" }))) as unknown,
];

const hostileStrings = PAYLOADS.flatMap((p) => [...(p.headers ?? []), ...(p.preflight ?? [])].map(([, v]) => (typeof v === "string" ? v : v.toString("latin1")))).filter((v) => v.length < 20000);

/** Strings a stranger's file may hold: hostile header values, odd numbers, near-misses. */
export const strangeString = fc.oneof(
  fc.string(),
  fc.constantFrom(...hostileStrings),
  fc.constantFrom("", "null", "*", "http://a.test", "OPTIONS", "net::ERR_FAILED", "__proto__", "constructor", "toString", "valueOf", "1e400", "-0", "NaN"),
  fc.string({ unit: "binary", maxLength: 40 }),
);

/** Values of any JSON type, hostile strings and prototype keys included, bounded in size. */
export const strangeValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    strangeString,
    fc.double(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(fc.oneof(strangeString, fc.constantFrom("__proto__", "constructor", "name", "value", "url", "method", "_corsLens")), tie("value"), { maxKeys: 4 }),
  ),
})).value;

const header = fc.oneof(
  fc.record({ name: strangeString, value: strangeString }),
  fc.record({ name: fc.constantFrom("Origin", "Access-Control-Allow-Origin", "Access-Control-Request-Method", "Location", "Set-Cookie"), value: strangeString }),
  strangeValue,
);

/** HAR-shaped: the right skeleton, every leaf possibly wrong. */
export const harShaped = fc.record({
  log: fc.record(
    {
      version: fc.oneof(fc.constant("1.2"), strangeValue),
      creator: fc.oneof(fc.record({ name: fc.constantFrom("CORS Lens", "WebInspector", "Firefox", "chrome-har", "x"), version: strangeString }), strangeValue),
      browser: strangeValue,
      pages: fc.oneof(fc.array(fc.record({ id: strangeString, title: strangeString, startedDateTime: strangeString }), { maxLength: 3 }), strangeValue),
      _corsLens: fc.oneof(fc.record({ version: fc.oneof(fc.constant(1), strangeValue), browser: fc.constantFrom("chromium", "firefox", "opera"), tabId: strangeValue, pageUrl: strangeValue, redacted: strangeValue, dropped: strangeValue }), strangeValue),
      entries: fc.array(
        fc.oneof(
          fc.record(
            {
              startedDateTime: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), strangeString),
              time: fc.oneof(fc.double(), strangeValue),
              request: fc.record({ method: fc.oneof(fc.constantFrom("GET", "PUT", "OPTIONS", "POST"), strangeString), url: fc.oneof(fc.webUrl(), strangeString), headers: fc.oneof(fc.array(header, { maxLength: 6 }), strangeValue), httpVersion: strangeString }, { requiredKeys: [] }),
              response: fc.record({ status: fc.oneof(fc.integer({ min: -5, max: 700 }), strangeValue), headers: fc.oneof(fc.array(header, { maxLength: 6 }), strangeValue), redirectURL: strangeString, _error: strangeString }, { requiredKeys: [] }),
              _resourceType: fc.oneof(fc.constantFrom("fetch", "xhr", "preflight", "document", "image"), strangeValue),
              _initiator: strangeValue,
              _corsLens: fc.oneof(fc.record({ exchangeId: strangeString, role: fc.constantFrom("request", "redirect", "preflight", "other"), hop: strangeValue, verdict: strangeString }, { requiredKeys: [] }), strangeValue),
              pageref: strangeString,
            },
            { requiredKeys: [] },
          ),
          strangeValue,
        ),
        { maxLength: 12 },
      ),
    },
    { requiredKeys: ["entries"] },
  ),
});

/** Applies one random edit to a parsed document: replace, delete or duplicate at a path. */
function mutate(doc: unknown, picks: number[], replacement: unknown): unknown {
  const copy = structuredClone(doc) as unknown;
  let node: unknown = copy;
  for (let depth = 0; depth < picks.length; depth++) {
    if (typeof node !== "object" || node === null) break;
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[(picks[depth] as number) % keys.length] as string;
    const child = (node as Record<string, unknown>)[key];
    const last = depth === picks.length - 1 || typeof child !== "object" || child === null;
    if (last) {
      const action = (picks[depth] as number) % 3;
      if (action === 0) (node as Record<string, unknown>)[key] = replacement;
      else if (action === 1) delete (node as Record<string, unknown>)[key];
      else if (Array.isArray(node)) node.push(structuredClone(child));
      else (node as Record<string, unknown>)[key] = [child, child];
      break;
    }
    node = child;
  }
  return copy;
}

/** A real file with 1–4 random edits anywhere in it. */
export const mutatedSeed = fc
  .tuple(fc.constantFrom(...SEEDS), fc.array(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), strangeValue), { minLength: 1, maxLength: 4 }))
  .map(([seed, edits]) => edits.reduce((doc, [picks, value]) => mutate(doc, picks, value), seed));

/** Parsed documents of every kind above. */
export const strangeDocument = fc.oneof(strangeValue, harShaped, mutatedSeed, mutatedSeed);

/** File contents: documents as JSON text, cut short, with a BOM, or bytes that are not text. */
export const strangeFile: fc.Arbitrary<Buffer> = fc.oneof(
  strangeDocument.map((d) => Buffer.from(JSON.stringify(d) ?? "null", "utf8")),
  fc.tuple(mutatedSeed, fc.double({ min: 0, max: 1, noNaN: true })).map(([d, at]) => {
    const text = JSON.stringify(d) ?? "";
    return Buffer.from(text.slice(0, Math.floor(text.length * at)), "utf8");
  }),
  mutatedSeed.map((d) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(d) ?? "", "utf8")])),
  fc.uint8Array({ maxLength: 2000 }).map((b) => Buffer.from(b)),
  fc.constantFrom(Buffer.alloc(0), Buffer.from("{"), Buffer.from('{"log":'), Buffer.from("[]"), Buffer.from('{"log":{"entries":{}}}'), Buffer.from('{"format":"cors-lens-json","version":2}')),
);
