/**
 * HAR 1.2 validation with the har-schema package (draft-06 schemas) and ajv. ajv-formats is
 * not installed, so the four formats har-schema uses are defined here, strictly enough to
 * catch a wrong field (a URL that does not parse, a date that is not ISO 8601).
 */
import Ajv from "ajv";
import draft6 from "ajv/dist/refs/json-schema-draft-06.json";

// har-schema ships CommonJS JSON modules; require keeps the import typed as unknown data.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const schemas = require("har-schema") as Record<string, Record<string, unknown>>;

export function harValidator(): (data: unknown) => string[] {
  const ajv = new Ajv({ strict: false, allErrors: true });
  ajv.addMetaSchema(draft6);
  ajv.addFormat("uri", (s: string) => URL.canParse(s));
  ajv.addFormat("date-time", (s: string) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/.test(s) && !Number.isNaN(Date.parse(s)));
  ajv.addFormat("ipv4", /^(\d{1,3}\.){3}\d{1,3}$/);
  ajv.addFormat("ipv6", /^(?=.*:)[0-9a-f:.]+$/i);
  for (const [name, schema] of Object.entries(schemas)) if (name !== "har") ajv.addSchema(schema);
  const validate = ajv.compile(schemas.har as Record<string, unknown>);
  return (data) => (validate(data) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ""}`));
}
