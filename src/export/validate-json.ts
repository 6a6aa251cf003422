/**
 * A small interpreter for the subset of JSON Schema that CORS_LENS_JSON_SCHEMA uses (type,
 * const, enum, required, properties, items, anyOf, minimum, local $ref), so that the schema
 * file stays the one definition of the format. Returns every problem with its JSON path.
 */
import { CORS_LENS_JSON_SCHEMA } from "./cors-lens-json.schema";

type Schema = Record<string, unknown>;
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
/** Bounds the work on hostile input: stop after this many problems. */
const MAX_PROBLEMS = 50;
const CONST_MISMATCH = " must be exactly ";

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case "object":
      return isObj(value);
    case "array":
      return Array.isArray(value);
    case "string":
      return typeof value === "string";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "boolean":
      return typeof value === "boolean";
    case "null":
      return value === null;
    default:
      return false;
  }
}

function resolve(root: Schema, ref: string): Schema {
  const name = ref.replace(/^#\/\$defs\//, "");
  const defs = root.$defs as Record<string, Schema>;
  const target = defs[name];
  if (!target) throw new Error(`schema bug: unknown $ref ${ref}`);
  return target;
}

function check(root: Schema, schema: Schema, value: unknown, path: string, problems: string[]): void {
  if (problems.length >= MAX_PROBLEMS) return;
  if (typeof schema.$ref === "string") {
    check(root, resolve(root, schema.$ref), value, path, problems);
    return;
  }
  if (Array.isArray(schema.anyOf)) {
    const attempts = schema.anyOf.map((sub) => {
      const inner: string[] = [];
      check(root, sub as Schema, value, path, inner);
      return inner;
    });
    if (attempts.some((inner) => inner.length === 0)) return;
    // say why the intended alternative failed: the one whose discriminating constants matched
    // and whose shape matched at this level
    const deeper = attempts.find((inner) => !inner.some((p) => p.startsWith(`${path}: must be `) || p.includes(CONST_MISMATCH)));
    if (deeper) problems.push(...deeper);
    else problems.push(`${path}: does not match any allowed shape`);
    return;
  }
  if ("const" in schema && value !== schema.const) {
    problems.push(`${path}:${CONST_MISMATCH}${JSON.stringify(schema.const)}`);
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value)) {
    problems.push(`${path}: must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`);
    return;
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
    if (!types.some((t) => typeOk(value, t))) {
      problems.push(`${path}: must be ${types.join(" or ")}`);
      return;
    }
  }
  if (typeof schema.minimum === "number" && typeof value === "number" && value < schema.minimum) problems.push(`${path}: must be >= ${schema.minimum}`);
  if (isObj(value)) {
    if (Array.isArray(schema.required)) for (const key of schema.required as string[]) if (!(key in value)) problems.push(`${path}: ${key} is required`);
    if (isObj(schema.properties)) {
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (key in value && value[key] !== undefined) check(root, sub as Schema, value[key], `${path}.${key}`, problems);
      }
    }
  }
  if (Array.isArray(value) && isObj(schema.items)) {
    for (let i = 0; i < value.length && problems.length < MAX_PROBLEMS; i++) check(root, schema.items, value[i], `${path}[${i}]`, problems);
  }
}

export function validateAgainst(schema: Schema, value: unknown): string[] {
  const problems: string[] = [];
  check(schema, schema, value, "$", problems);
  return problems;
}

/** Problems of a parsed "Export JSON" document; [] when it conforms to version 1. */
export function validateCorsLensJson(value: unknown): string[] {
  return validateAgainst(CORS_LENS_JSON_SCHEMA as unknown as Schema, value);
}
