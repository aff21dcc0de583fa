import { describe, expect, it } from "bun:test";
import { envName, KEYS, SECTIONS } from "../../../src/config/keys.ts";
import { DEFAULT_CONFIG } from "../../../src/config/schema.ts";

describe("the key table", () => {
  it("covers every key of the schema's defaults (a new schema key must be added to keys.ts)", () => {
    const schemaKeys = Object.entries(DEFAULT_CONFIG).flatMap(([s, body]) => Object.keys(body as object).map((k) => `${s}.${k}`));
    const tableKeys = new Set(KEYS.map((k) => k.key));
    expect(schemaKeys.filter((k) => !tableKeys.has(k))).toEqual([]);
  });

  it("only uses known sections and unique keys", () => {
    expect(KEYS.every((k) => (SECTIONS as readonly string[]).includes(k.key.split(".")[0]!))).toBe(true);
    expect(new Set(KEYS.map((k) => k.key)).size).toBe(KEYS.length);
  });

  it("derives MODELMUX_<SECTION>_<KEY> names", () => {
    expect(envName("server.port")).toBe("MODELMUX_SERVER_PORT");
    expect(envName("streaming.buffer_size")).toBe("MODELMUX_STREAMING_BUFFER_SIZE");
    expect(envName("vertex.base_url")).toBe("MODELMUX_VERTEX_BASE_URL");
  });

  it("keeps the compatibility names of the original", () => {
    const aliases = KEYS.flatMap((k) => (k.envAliases ?? []).map((a) => `${a}→${k.key}`));
    for (const a of ["VERTEX_PROJECT→vertex.project", "VERTEX_REGION→vertex.region", "VERTEX_LOCATION→vertex.location", "VERTEX_PUBLISHER→vertex.publisher", "VERTEX_MODEL_ID→vertex.model", "LLM_PROVIDER→vertex.provider", "PORT→server.port", "LOG_LEVEL→server.log_level"]) {
      expect(aliases).toContain(a);
    }
  });
});
