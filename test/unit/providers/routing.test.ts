import { describe, expect, it } from "bun:test";
import { defineConfig } from "../../../src/config/schema.ts";
import { HttpError } from "../../../src/errors.ts";
import { createModelRouter, displayName, listModelIds, MOCK_DEFAULT_MODEL } from "../../../src/providers/routing.ts";

const base = {
  provider: "vertex" as const,
  project: "proj-a",
  region: "europe-west1",
  model: "claude-sonnet-4-5@20250929",
  models: [
    { name: "opus", model: "claude-opus-4-1@20250805", region: "global" },
    { name: "Haiku-EU", model: "claude-haiku-4-5@20251001", project: "proj-b", location: "europe-west4", max_tokens: 4096 },
  ],
};

describe("displayName", () => {
  it.each([
    ["claude-sonnet-4-5@20250929", "claude-sonnet-4-5"],
    ["claude-sonnet-4-6", "claude-sonnet-4-6"],
    ["m@default", "m"],
  ])("%s → %s", (id, want) => expect(displayName(id)).toBe(want));
});

describe("listModelIds", () => {
  it("lists the default display name first, then every entry name", () => {
    expect(listModelIds(defineConfig({ vertex: base }))).toEqual(["claude-sonnet-4-5", "opus", "Haiku-EU"]);
  });
  it("deduplicates case-insensitively", () => {
    const c = defineConfig({ vertex: { ...base, models: [{ name: "CLAUDE-SONNET-4-5", model: "x" }] } });
    expect(listModelIds(c)).toEqual(["claude-sonnet-4-5"]);
  });
  it("uses the demo model for the mock provider without a model", () => {
    expect(listModelIds(defineConfig({ vertex: { provider: "mock" } }))).toEqual([displayName(MOCK_DEFAULT_MODEL)]);
  });
});

describe("createModelRouter", () => {
  const router = createModelRouter(defineConfig({ vertex: base }));

  it.each(["claude-sonnet-4-5", "claude-sonnet-4-5@20250929", "CLAUDE-Sonnet-4-5"])("reaches the default model by %s", (name) => {
    const t = router.resolve(name);
    expect(t).toMatchObject({ model: "claude-sonnet-4-5@20250929", project: "proj-a", region: "europe-west1", location: "europe-west1", publisher: "anthropic" });
    expect(t.clientModel).toBe(name);
  });

  it("routes an entry by name, case-insensitively, inheriting the parent project", () => {
    const t = router.resolve("OPUS");
    expect(t).toEqual({
      clientModel: "OPUS",
      model: "claude-opus-4-1@20250805",
      project: "proj-a",
      region: "global",
      location: "global",
      publisher: "anthropic",
      thinking_style: undefined,
      max_tokens: undefined,
    });
  });

  it("applies entry overrides (project, location, max_tokens)", () => {
    expect(router.resolve("haiku-eu")).toMatchObject({ model: "claude-haiku-4-5@20251001", project: "proj-b", region: "europe-west1", location: "europe-west4", max_tokens: 4096 });
  });

  it("answers 404 model_not_found for unknown models", () => {
    let caught: unknown;
    try {
      router.resolve("gpt-4o");
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(HttpError);
    const e = caught as HttpError;
    expect(e.status).toBe(404);
    expect(e.toJSON().error).toMatchObject({ code: "model_not_found", param: "model", type: "invalid_request_error" });
    expect(e.message).toContain("gpt-4o");
  });

  it("falls back to the default when fallback_to_default is on, echoing the client's name", () => {
    const r = createModelRouter(defineConfig({ vertex: { ...base, fallback_to_default: true } }));
    expect(r.resolve("gpt-4o")).toMatchObject({ clientModel: "gpt-4o", model: "claude-sonnet-4-5@20250929" });
  });

  it("uses the first entry as default when vertex.model is unset", () => {
    const r = createModelRouter(defineConfig({ vertex: { ...base, model: undefined, fallback_to_default: true } }));
    expect(r.ids).toEqual(["opus", "Haiku-EU"]);
    expect(r.resolve("anything")).toMatchObject({ model: "claude-opus-4-1@20250805", region: "global" });
  });

  it("lets a named entry win over the default's alias", () => {
    const r = createModelRouter(defineConfig({ vertex: { ...base, models: [{ name: "claude-sonnet-4-5", model: "other@1" }] } }));
    expect(r.resolve("claude-sonnet-4-5").model).toBe("other@1");
    expect(r.resolve("claude-sonnet-4-5@20250929").model).toBe("claude-sonnet-4-5@20250929");
  });

  it("defaults location to the region", () => {
    const r = createModelRouter(defineConfig({ vertex: { ...base, location: undefined, models: [] } }));
    expect(r.resolve("claude-sonnet-4-5").location).toBe("europe-west1");
  });
});
