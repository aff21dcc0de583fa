/**
 * Validators for OpenAI wire objects, compiled from the official OpenAPI spec (protocol.md §F.7):
 * OpenAPI 3.0-style `nullable: true` is turned into null unions, then Ajv (draft 2020-12, strict off,
 * `unixtime` format registered) compiles the schemas we emit. They come from test/fixtures/openapi/
 * openai-schemas.json, cut from the official spec by extract.ts there, so tests need nothing outside the repo.
 */
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

const SPEC_URL = new URL("../fixtures/openapi/openai-schemas.json", import.meta.url);
const SPEC_ID = "openai.json";

type Json = unknown;

/** OpenAPI 3.0 `nullable` → JSON Schema null unions (recipe from protocol.md §F.7). */
export function fixNullable(node: Json): Json {
  if (Array.isArray(node)) return node.map(fixNullable);
  if (!node || typeof node !== "object") return node;
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(node)) out[k] = fixNullable(v);
  if (out.nullable === true) {
    delete out.nullable;
    if (typeof out.type === "string" && !out.$ref && !out.oneOf && !out.anyOf && !out.allOf) {
      out.type = [out.type, "null"];
      if (Array.isArray(out.enum) && !out.enum.includes(null)) out.enum = [...out.enum, null];
      return out;
    }
    const { description: _d, default: _def, ...rest } = out;
    if (rest.oneOf) {
      rest.anyOf = rest.oneOf;
      delete rest.oneOf;
    }
    return { anyOf: [rest, { type: "null" }] };
  }
  if (out.nullable === false) delete out.nullable;
  return out;
}

let ajv: Ajv2020 | undefined;
const cache = new Map<string, ValidateFunction>();

async function load(): Promise<Ajv2020> {
  if (ajv) return ajv;
  const spec = fixNullable(await Bun.file(SPEC_URL).json()) as Record<string, Json>;
  delete spec.$schema;
  const a = new Ajv2020({ strict: false, allErrors: true });
  addFormats(a);
  a.addFormat("unixtime", true);
  a.addSchema(spec, SPEC_ID);
  ajv = a;
  return a;
}

/** The compiled validator for `#/components/schemas/<name>` (compiled once per process). */
export async function schemaValidator(name: string): Promise<ValidateFunction> {
  const hit = cache.get(name);
  if (hit) return hit;
  const a = await load();
  const fn = a.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  if (!fn) throw new Error(`no schema ${name} in the OpenAI spec`);
  cache.set(name, fn);
  return fn;
}

/** Validates `value` against a named schema; returns Ajv's error list as text ("" when valid). */
export async function schemaErrors(name: string, value: unknown): Promise<string> {
  const fn = await schemaValidator(name);
  return fn(value) ? "" : JSON.stringify(fn.errors, null, 1);
}

/** Schema names for what the gateway emits. */
export const SCHEMAS = {
  completion: "CreateChatCompletionResponse",
  chunk: "CreateChatCompletionStreamResponse",
  error: "ErrorResponse",
  models: "ListModelsResponse",
} as const;
