/**
 * Names that exist on Object.prototype ("constructor", "__proto__", "valueOf"…) arrive in
 * files and headers strangers control: as error strings, CorsError names and failure ids.
 * Every lookup table must treat them as unknown, never as a hit.
 */
import { diagnose } from "../../../src/cors/diagnose";
import { buildFix } from "../../../src/cors/fix";
import { API, exchange } from "./fixtures";

const NAMES = ["constructor", "__proto__", "valueOf", "toString", "hasOwnProperty"];

test.each(NAMES)("error string %s is an unknown network error, not a crash", (name) => {
  const d = diagnose(exchange({ url: API, response: null, outcome: name }));
  expect(d.explanation).not.toMatch(/could not read this exchange/);
  expect(d.verdict).toBe("network-error");
});

test.each(NAMES)("CorsError hint %s is ignored", (name) => {
  const d = diagnose(exchange({ url: API, response: { status: 200 }, outcome: "net::ERR_FAILED", hints: { corsError: name } }));
  expect(d.explanation).not.toMatch(/could not read this exchange/);
  expect(d.failure?.id).toBe("acao-missing");
});

test.each(NAMES)("a fix for failure id %s is built without inheriting anything", (name) => {
  const ex = exchange({ url: API, response: null, outcome: "net::ERR_CONNECTION_REFUSED" });
  const d = diagnose(ex);
  const fix = buildFix({ exchange: ex, diagnosis: { ...d, failure: { ...(d.failure ?? { phase: "connect", header: null, received: null, required: null, confidence: "certain", browserMessage: "" }), id: `non-cors-${name}` } } });
  expect(typeof fix.summary).toBe("string");
  expect(fix.notes.every((n) => typeof n === "string")).toBe(true);
});
