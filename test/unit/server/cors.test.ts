import { describe, expect, test } from "bun:test";
import { createCorsPolicy } from "../../../src/server/cors.ts";

const preflight = (origin: string | null, reqHeaders = "authorization, content-type") =>
  new Request("http://gw/v1/chat/completions", {
    method: "OPTIONS",
    headers: {
      ...(origin === null ? {} : { origin }),
      "access-control-request-method": "POST",
      "access-control-request-headers": reqHeaders,
    },
  });

describe("CORS off (default)", () => {
  const cors = createCorsPolicy([]);
  test("requests without Origin pass; any browser origin is refused", () => {
    expect(cors.enabled).toBe(false);
    expect(cors.allows(null)).toBe(true);
    expect(cors.allows("https://evil.example")).toBe(false);
  });
  test("preflight → 403 without CORS headers", async () => {
    const res = cors.preflight(preflight("https://evil.example"));
    expect(res.status).toBe(403);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(((await res.json()) as any).error.code).toBe("origin_not_allowed");
  });
  test("decorate adds nothing", () => {
    const h = new Headers();
    cors.decorate(h, "https://evil.example");
    expect([...h.keys()]).toEqual([]);
  });
});

describe("allow-list", () => {
  const cors = createCorsPolicy(["https://Chat.Example.com/", "http://localhost:5173"]);
  test("matches exact origins, case-insensitively, ignoring a trailing slash in config", () => {
    expect(cors.allows("https://chat.example.com")).toBe(true);
    expect(cors.allows("http://localhost:5173")).toBe(true);
    expect(cors.allows("http://localhost:5174")).toBe(false);
    expect(cors.allows("https://chat.example.com.evil.io")).toBe(false);
    expect(cors.allows("null")).toBe(false);
  });
  test("preflight from an allowed origin → 204 echoing origin and requested headers", () => {
    const res = cors.preflight(preflight("https://chat.example.com", "authorization, x-stainless-os"));
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(res.headers.get("access-control-allow-methods")).toContain("POST");
    expect(res.headers.get("access-control-allow-headers")).toBe("authorization, x-stainless-os");
    expect(res.headers.get("vary")).toContain("origin");
  });
  test("preflight from another origin → 403", () => {
    expect(cors.preflight(preflight("https://other.example")).status).toBe(403);
  });
  test("actual responses expose our headers to the allowed origin", () => {
    const h = new Headers();
    cors.decorate(h, "https://chat.example.com");
    expect(h.get("access-control-allow-origin")).toBe("https://chat.example.com");
    expect(h.get("access-control-expose-headers")).toContain("x-request-id");
    expect(h.get("vary")).toBe("origin");
  });
  test("OPTIONS without Origin is not a preflight: 204 with Allow", () => {
    const res = cors.preflight(preflight(null));
    expect(res.status).toBe(204);
    expect(res.headers.get("allow")).toContain("POST");
  });
});

test('"*" allows any origin and answers with *', () => {
  const cors = createCorsPolicy(["*"]);
  expect(cors.allows("https://anything.example")).toBe(true);
  expect(cors.preflight(preflight("https://anything.example")).headers.get("access-control-allow-origin")).toBe("*");
});
