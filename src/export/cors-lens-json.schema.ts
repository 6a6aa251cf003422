/**
 * JSON Schema (draft-07) of the "Export JSON" format, version 1 (docs/json-format.md). It is
 * the single source of truth: validate-json.ts interprets it for the extension and the CLI,
 * and the unit tests check the same documents against it with ajv.
 * Objects allow extra fields (readers ignore them) so that version 1 can grow additively.
 */
const header = { type: "object", required: ["name", "value"], properties: { name: { type: "string" }, value: { type: "string" } } };
const headers = { type: "array", items: { $ref: "#/$defs/header" } };
const nullableHeaders = { anyOf: [headers, { type: "null" }] };

export const CORS_LENS_JSON_SCHEMA = {
  $schema: "http://json-schema.org/draft-07/schema#",
  $id: "https://cors-lens.invalid/schema/cors-lens-json-1.json",
  title: "CORS Lens JSON export, version 1",
  type: "object",
  required: ["format", "version", "exportedAt", "browser", "tabId", "pageUrl", "redacted", "dropped", "exchanges"],
  properties: {
    format: { const: "cors-lens-json" },
    version: { const: 1 },
    exportedAt: { type: "string" },
    browser: { enum: ["chromium", "firefox"] },
    tabId: { type: "integer" },
    pageUrl: { type: ["string", "null"] },
    redacted: { type: "boolean" },
    dropped: { type: "integer", minimum: 0 },
    exchanges: { type: "array", items: { $ref: "#/$defs/diagnosedExchange" } },
  },
  $defs: {
    header,
    response: {
      type: "object",
      required: ["status", "statusText", "headers", "time"],
      properties: {
        status: { type: "integer" },
        statusText: { type: "string" },
        headers,
        time: { type: "number" },
        fromCache: { type: "boolean" },
        ip: { type: "string" },
      },
    },
    preflight: {
      type: "object",
      required: ["requestId", "url", "requestHeaders", "startTime"],
      properties: {
        requestId: { type: "string" },
        url: { type: "string" },
        requestHeaders: nullableHeaders,
        startTime: { type: "number" },
        endTime: { type: "number" },
        response: { $ref: "#/$defs/response" },
        error: { type: "string" },
      },
    },
    hop: {
      type: "object",
      required: ["url", "method", "requestHeaders", "startTime", "preflightState"],
      properties: {
        url: { type: "string" },
        method: { type: "string" },
        requestHeaders: nullableHeaders,
        startTime: { type: "number" },
        preflightState: { enum: ["sent", "cached", "not-needed", "unknown"] },
        preflight: { $ref: "#/$defs/preflight" },
        response: { $ref: "#/$defs/response" },
        redirectUrl: { type: "string" },
      },
    },
    outcome: {
      anyOf: [
        { type: "object", required: ["state"], properties: { state: { const: "pending" }, interrupted: { type: "boolean" } } },
        { type: "object", required: ["state", "endTime"], properties: { state: { const: "completed" }, endTime: { type: "number" } } },
        { type: "object", required: ["state", "error", "endTime"], properties: { state: { const: "failed" }, error: { type: "string" }, endTime: { type: "number" } } },
      ],
    },
    exchange: {
      type: "object",
      required: ["id", "browser", "tabId", "frameId", "initiator", "type", "method", "url", "startTime", "hops", "outcome", "trafficClass", "requestIds"],
      properties: {
        id: { type: "string" },
        browser: { enum: ["chromium", "firefox"] },
        tabId: { type: "integer" },
        frameId: { type: "integer" },
        initiator: { type: ["string", "null"] },
        documentUrl: { type: "string" },
        fromWorker: { type: "boolean" },
        captureGap: { enum: ["start", "after-start"] },
        type: { type: "string" },
        method: { type: "string" },
        url: { type: "string" },
        startTime: { type: "number" },
        hops: { type: "array", items: { $ref: "#/$defs/hop" } },
        outcome: { $ref: "#/$defs/outcome" },
        trafficClass: { enum: ["cross-origin", "same-origin", "navigation", "extension", "non-http"] },
        requestIds: { type: "array", items: { type: "string" } },
      },
    },
    failure: {
      type: "object",
      required: ["id", "phase", "header", "received", "required", "confidence", "browserMessage"],
      properties: {
        id: { type: "string" },
        phase: { enum: ["request", "preflight", "redirect", "response", "connect"] },
        hop: { type: "integer", minimum: 1 },
        header: { type: ["string", "null"] },
        received: { type: ["string", "null"] },
        required: { type: ["string", "null"] },
        missing: { type: "array", items: { type: "string" } },
        confidence: { enum: ["certain", "likely"] },
        candidates: { type: "array", items: { type: "string" } },
        browserMessage: { type: "string" },
        variant: { type: "string" },
      },
    },
    diagnosis: {
      type: "object",
      required: ["verdict", "explanation", "warnings", "cachedPreflight", "credentials", "credentialsInferred", "browser"],
      properties: {
        verdict: { enum: ["allowed", "blocked", "not-cors", "network-error", "pending"] },
        failure: { $ref: "#/$defs/failure" },
        explanation: { type: "string" },
        warnings: {
          type: "array",
          items: { type: "object", required: ["id", "text"], properties: { id: { type: "string" }, variant: { type: "string" }, text: { type: "string" } } },
        },
        cachedPreflight: { type: "boolean" },
        credentials: { enum: ["include", "omit-or-same-origin", "unknown"] },
        credentialsInferred: { type: "boolean" },
        notCorsId: { type: "string" },
        browser: { enum: ["chromium", "firefox"] },
      },
    },
    diagnosedExchange: {
      type: "object",
      required: ["exchange", "diagnosis"],
      properties: { exchange: { $ref: "#/$defs/exchange" }, diagnosis: { $ref: "#/$defs/diagnosis" } },
    },
  },
} as const;
