import { describe, expect, test } from "bun:test";
import { defineConfig } from "../../../src/config/schema.ts";
import { HttpError } from "../../../src/errors.ts";
import {
  allowsModel,
  assertModelAllowed,
  createAccessControl,
  exposureProblem,
  hashApiKey,
  isLoopbackHost,
  presentedKey,
} from "../../../src/server/access.ts";

const KEY_A = "sk-mm-alpha-0123456789abcdefghijklmnop";
const KEY_B = "sk-mm-bravo-0123456789abcdefghijklmnop";
const access = createAccessControl([
  { name: "alpha", sha256: hashApiKey(KEY_A) },
  { name: "bravo", sha256: hashApiKey(KEY_B).toUpperCase(), models: ["Claude-Sonnet-4-5"], requests_per_minute: 10, tokens_per_minute: 1000 },
]);
const headers = (h: Record<string, string>) => new Headers(h);

const rejects = (h: Record<string, string>) => {
  try {
    access.authenticate(headers(h));
  } catch (e) {
    expect(e).toBeInstanceOf(HttpError);
    const err = e as HttpError;
    expect(err.status).toBe(401);
    expect(err.toJSON().error.code).toBe("invalid_api_key");
    const sent = (h.authorization?.slice(7) ?? h["x-api-key"] ?? "").trim();
    if (sent) expect(err.message).not.toContain(sent);
    return err;
  }
  throw new Error("expected a 401");
};

describe("hashApiKey", () => {
  test("is hex SHA-256", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("authenticate", () => {
  test("accepts Bearer (any case) and x-api-key, returning the key's principal", () => {
    expect(access.authenticate(headers({ authorization: `Bearer ${KEY_A}` }))?.name).toBe("alpha");
    expect(access.authenticate(headers({ authorization: `bearer  ${KEY_B} ` }))?.name).toBe("bravo");
    expect(access.authenticate(headers({ "x-api-key": KEY_A }))?.name).toBe("alpha");
  });
  test("principal carries limits and a lower-cased model allow-list", () => {
    const p = access.authenticate(headers({ authorization: `Bearer ${KEY_B}` }))!;
    expect(p.requestsPerMinute).toBe(10);
    expect(p.tokensPerMinute).toBe(1000);
    expect([...p.models!]).toEqual(["claude-sonnet-4-5"]);
  });
  test("missing key → 401 invalid_api_key", () => {
    rejects({});
    rejects({ authorization: "Basic dXNlcjpwYXNz" });
    rejects({ authorization: "Bearer " });
  });
  test("a configured digest that differs from the key's in any one byte, or is cut short, never matches", () => {
    const hex = hashApiKey(KEY_A);
    for (const at of [0, 31, 62]) {
      const near = hex.slice(0, at) + (hex[at] === "0" ? "1" : "0") + hex.slice(at + 1);
      const one = createAccessControl([{ name: "near", sha256: near }]);
      expect(() => one.authenticate(headers({ authorization: `Bearer ${KEY_A}` }))).toThrow(HttpError);
    }
    const short = createAccessControl([{ name: "short", sha256: hex.slice(0, 62) }]);
    expect(() => short.authenticate(headers({ authorization: `Bearer ${KEY_A}` }))).toThrow(HttpError);
  });
  test("wrong key → 401 without echoing it", () => {
    rejects({ authorization: "Bearer sk-mm-wrong-0123456789abcdefghijklmnop" });
    rejects({ "x-api-key": KEY_A + "x" });
  });
  test("falls back to x-api-key when Authorization is not Bearer", () => {
    expect(access.authenticate(headers({ authorization: "Basic x", "x-api-key": KEY_A }))?.name).toBe("alpha");
    expect(presentedKey(headers({ authorization: `Bearer ${KEY_A}`, "x-api-key": KEY_B }))).toBe(KEY_A);
  });
  test("no keys configured → access control off", () => {
    const open = createAccessControl([]);
    expect(open.enabled).toBe(false);
    expect(open.authenticate(headers({}))).toBeUndefined();
  });
  test("a malformed digest in the config never matches anything", () => {
    const bad = createAccessControl([{ name: "bad", sha256: "not-hex" }]);
    expect(() => bad.authenticate(headers({ authorization: "Bearer not-hex" }))).toThrow(HttpError);
  });
});

describe("model allow-lists", () => {
  const p = { name: "x", models: new Set(["claude-sonnet-4-5"]) };
  test("case-insensitive; unrestricted keys allow everything", () => {
    expect(allowsModel(p, "CLAUDE-SONNET-4-5")).toBe(true);
    expect(allowsModel(p, "opus")).toBe(false);
    expect(allowsModel({ name: "y" }, "anything")).toBe(true);
    expect(allowsModel(undefined, "anything")).toBe(true);
  });
  test("a forbidden model looks like an unknown one (404 model_not_found)", () => {
    try {
      assertModelAllowed(p, "opus");
      throw new Error("expected 404");
    } catch (e) {
      expect((e as HttpError).status).toBe(404);
      expect((e as HttpError).toJSON().error).toMatchObject({ code: "model_not_found", param: "model" });
    }
  });
});

describe("bind safety", () => {
  test.each(["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST", "::ffff:127.0.0.1"])("%s is loopback", (h) =>
    expect(isLoopbackHost(h)).toBe(true),
  );
  test.each(["0.0.0.0", "::", "192.168.1.10", "10.0.0.1", "example.com", "128.0.0.1"])("%s is not loopback", (h) =>
    expect(isLoopbackHost(h)).toBe(false),
  );
  test("non-loopback without keys needs allow_unauthenticated", () => {
    expect(exposureProblem("0.0.0.0", defineConfig())).toContain("allow_unauthenticated");
    expect(exposureProblem("127.0.0.1", defineConfig())).toBeUndefined();
    expect(exposureProblem("0.0.0.0", defineConfig({ server: { allow_unauthenticated: true } }))).toBeUndefined();
    expect(exposureProblem("0.0.0.0", defineConfig({ auth: { api_keys: [{ name: "a", sha256: hashApiKey("k") }] } }))).toBeUndefined();
  });
});
