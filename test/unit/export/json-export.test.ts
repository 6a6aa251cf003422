import Ajv from "ajv";
import { CORS_LENS_JSON_SCHEMA } from "../../../src/export/cors-lens-json.schema";
import { CorsLensJsonError, jsonFileName, looksLikeCorsLensJson, readCorsLensJson, toCorsLensJson } from "../../../src/export/json-export";
import { validateCorsLensJson } from "../../../src/export/validate-json";
import { sampleLog } from "./sample-log";

const ajv = new Ajv({ strict: false, allErrors: true });
const ajvValidate = ajv.compile(CORS_LENS_JSON_SCHEMA);
const NOW = new Date(Date.UTC(2026, 10, 25, 17, 0, 0));

describe("toCorsLensJson", () => {
  const doc = toCorsLensJson(sampleLog, { redact: false, browser: "chromium", now: NOW });

  test("header fields and the exchanges as the engine holds them", () => {
    expect({ ...doc, exchanges: doc.exchanges.length }).toEqual({
      format: "cors-lens-json",
      version: 1,
      exportedAt: "2026-11-25T17:00:00.000Z",
      browser: "chromium",
      tabId: 7,
      pageUrl: "http://127.0.0.1:3000/app?code=oauth-code-xyz",
      redacted: false,
      dropped: 3,
      exchanges: 3,
    });
    expect(doc.exchanges).toEqual(sampleLog.entries);
  });

  test("valid for ajv (the schema) and for the built-in validator, before and after a JSON round trip", () => {
    const parsed = JSON.parse(JSON.stringify(doc));
    expect(ajvValidate(parsed)).toBe(true);
    expect(validateCorsLensJson(parsed)).toEqual([]);
    expect(readCorsLensJson(parsed)).toEqual(doc);
  });

  test("redaction covers exchanges, diagnoses and the page URL", () => {
    const text = JSON.stringify(toCorsLensJson(sampleLog, { redact: true, browser: "chromium", now: NOW }));
    for (const secret of ["s3cr3tvalue", "tok-abc-123", "eyJhbGciOi", "cookie-secret-1", "new-cookie-secret", "oauth-code-xyz"]) expect(text).not.toContain(secret);
    expect(text).toContain('"redacted":true');
  });

  test("file name follows the HAR's", () => {
    expect(jsonFileName("cors-lens-localhost_3000-20261125-171502.har")).toBe("cors-lens-localhost_3000-20261125-171502.json");
  });
});

describe("the reader refuses what the schema refuses", () => {
  const good = () => JSON.parse(JSON.stringify(toCorsLensJson(sampleLog, { redact: false, browser: "chromium", now: NOW })));
  test.each([
    ["another version", (d: Record<string, unknown>) => { d.version = 2; }, "$.version: must be exactly 1"],
    ["another format", (d: Record<string, unknown>) => { d.format = "har"; }, '$.format: must be exactly "cors-lens-json"'],
    ["a missing field", (d: Record<string, unknown>) => { delete d.dropped; }, "$: dropped is required"],
    ["a bad verdict", (d: { exchanges: { diagnosis: { verdict: string } }[] }) => { d.exchanges[0]!.diagnosis.verdict = "ok"; }, "$.exchanges[0].diagnosis.verdict: must be one of"],
    ["a bad outcome", (d: { exchanges: { exchange: { outcome: unknown } }[] }) => { d.exchanges[1]!.exchange.outcome = { state: "failed" }; }, "$.exchanges[1].exchange.outcome: error is required"],
    ["a header value that is not a string", (d: { exchanges: { exchange: { hops: { requestHeaders: unknown[] }[] } }[] }) => { d.exchanges[0]!.exchange.hops[0]!.requestHeaders[0] = { name: "A", value: 1 }; }, "$.exchanges[0].exchange.hops[0].requestHeaders[0].value: must be string"],
    ["a negative dropped", (d: Record<string, unknown>) => { d.dropped = -1; }, "$.dropped: must be >= 0"],
  ])("%s", (_name, mutate, problem) => {
    const doc = good();
    mutate(doc);
    expect(ajvValidate(doc)).toBe(false);
    const problems = validateCorsLensJson(doc);
    expect(problems.join("\n")).toContain(problem);
    expect(() => readCorsLensJson(doc)).toThrow(CorsLensJsonError);
  });

  test("not an object at all", () => {
    expect(validateCorsLensJson("x")).toEqual(["$: must be object"]);
    expect(looksLikeCorsLensJson({ format: "cors-lens-json", version: 9 })).toBe(true);
    expect(looksLikeCorsLensJson({ log: {} })).toBe(false);
  });
});
