import { describe, expect, it } from "bun:test";
import { coerceValue } from "../../../src/config/coerce.ts";
import { KEY_INDEX } from "../../../src/config/keys.ts";

const spec = (k: string) => KEY_INDEX.get(k)!;
const text = (k: string, v: string) => coerceValue(spec(k), v, true);

describe("coerceValue from text (env, .env, flags)", () => {
  it.each(["true", "TRUE", "yes", "1", "on", "enabled"])("bool %s → true", (v) => expect(text("server.enable_retries", v)).toEqual({ ok: true, value: true }));
  it.each(["false", "no", "0", "Off", "disabled"])("bool %s → false", (v) => expect(text("server.enable_retries", v)).toEqual({ ok: true, value: false }));
  it("rejects other booleans", () => expect(text("server.enable_retries", "maybe").ok).toBe(false));

  it("parses integers, with _ separators, inside the range", () => {
    expect(text("server.port", " 8080 ")).toEqual({ ok: true, value: 8080 });
    expect(text("server.max_body_bytes", "1_000_000")).toEqual({ ok: true, value: 1_000_000 });
    expect(text("server.port", "65536")).toEqual({ ok: false, message: "must be a whole number between 0 and 65535, got 65536" });
    expect(text("server.port", "80.5").ok).toBe(false);
    expect(text("streaming.buffer_size", "0")).toEqual({ ok: false, message: "must be a whole number ≥ 1, got 0" });
  });

  it("accepts enums case-insensitively and with aliases", () => {
    expect(text("streaming.mode", "non-streaming")).toEqual({ ok: true, value: "never" });
    expect(text("streaming.mode", "BUFFERED")).toEqual({ ok: true, value: "buffered" });
    expect(text("streaming.mode", "bufferd")).toEqual({ ok: false, message: 'must be one of auto, never, standard, buffered, always, got "bufferd" (did you mean "buffered"?)' });
  });

  it("reads lists as JSON or comma-separated", () => {
    expect(text("server.cors_origins", "a, b,,c")).toEqual({ ok: true, value: ["a", "b", "c"] });
    expect(text("server.cors_origins", '["a,b"]')).toEqual({ ok: true, value: ["a,b"] });
    expect(text("server.cors_origins", "[oops").ok).toBe(false);
  });

  it("reads tables as JSON and checks their fields", () => {
    expect(text("vertex.models", '[{"name":"a","model":"m","max_tokens":5}]')).toEqual({ ok: true, value: [{ name: "a", model: "m", max_tokens: 5 }] });
    expect(text("vertex.models", '{"name":"a"}')).toEqual({ ok: false, message: "must be an array of tables, got a table" });
    expect(text("vertex.models", '[{"name":"a","model":"m","max_tokens":0}]').ok).toBe(false);
  });

  it("validates URLs and strips trailing slashes", () => {
    expect(text("vertex.base_url", "https://x.example/")).toEqual({ ok: true, value: "https://x.example" });
    expect(text("vertex.base_url", "ftp://x").ok).toBe(false);
    expect(text("vertex.base_url", "not a url").ok).toBe(false);
  });
});

describe("coerceValue from TOML", () => {
  it("does not parse strings into numbers or booleans", () => {
    expect(coerceValue(spec("server.port"), "3000", false).ok).toBe(false);
    expect(coerceValue(spec("server.enable_retries"), "yes", false).ok).toBe(false);
    expect(coerceValue(spec("server.port"), 3000, false)).toEqual({ ok: true, value: 3000 });
  });
});
