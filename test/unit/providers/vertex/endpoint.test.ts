import { describe, expect, it } from "bun:test";
import { vertexHost, vertexUrl } from "../../../../src/providers/vertex/endpoint.ts";
import type { UpstreamTarget } from "../../../../src/providers/types.ts";

const t = (over: Partial<UpstreamTarget> = {}): UpstreamTarget => ({
  clientModel: "claude-sonnet-4-5",
  model: "claude-sonnet-4-5@20250929",
  project: "my-proj",
  region: "us-east5",
  location: "us-east5",
  publisher: "anthropic",
  ...over,
});
const P = "/publishers/anthropic/models/claude-sonnet-4-5@20250929";

describe("vertexUrl", () => {
  it.each([
    ["global", `https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global${P}:rawPredict`],
    ["us", `https://aiplatform.us.rep.googleapis.com/v1/projects/my-proj/locations/us${P}:rawPredict`],
    ["eu", `https://aiplatform.eu.rep.googleapis.com/v1/projects/my-proj/locations/eu${P}:rawPredict`],
    ["us-east5", `https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5${P}:rawPredict`],
    ["europe-west1", `https://europe-west1-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west1${P}:rawPredict`],
  ])("region %s", (region, url) => {
    expect(vertexUrl(t({ region, location: region }), false)).toBe(url);
  });

  it("uses :streamRawPredict when streaming", () => {
    expect(vertexUrl(t(), true)).toBe(`https://us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5${P}:streamRawPredict`);
  });

  it("never produces global-aiplatform, whatever the case", () => {
    const u = vertexUrl(t({ region: "GLOBAL", location: "global" }), false);
    expect(u.startsWith("https://aiplatform.googleapis.com/")).toBe(true);
    expect(u).not.toContain("global-aiplatform");
  });

  it("takes the host from region and the path from location", () => {
    expect(vertexUrl(t({ region: "europe-west1", location: "europe-west4" }), false)).toBe(
      `https://europe-west1-aiplatform.googleapis.com/v1/projects/my-proj/locations/europe-west4${P}:rawPredict`,
    );
  });

  it("lets location global/us/eu pick its own host even with another region", () => {
    expect(vertexUrl(t({ region: "us-east5", location: "global" }), false)).toStartWith("https://aiplatform.googleapis.com/v1/projects/my-proj/locations/global/");
  });

  it("falls back to region when location is absent (and vice versa)", () => {
    expect(vertexUrl(t({ location: undefined }), false)).toContain("us-east5-aiplatform.googleapis.com/v1/projects/my-proj/locations/us-east5/");
    expect(vertexUrl(t({ region: undefined, location: "global" }), false)).toStartWith("https://aiplatform.googleapis.com/");
  });

  it.each([
    ["http://127.0.0.1:8123", "http://127.0.0.1:8123/v1/projects/"],
    ["http://127.0.0.1:8123/", "http://127.0.0.1:8123/v1/projects/"],
    ["http://127.0.0.1:8123/v1", "http://127.0.0.1:8123/v1/projects/"],
    ["https://proxy.example.com/vertex/", "https://proxy.example.com/vertex/v1/projects/"],
  ])("base_url %s replaces scheme and host", (base, prefix) => {
    const u = vertexUrl(t(), true, base);
    expect(u).toStartWith(prefix);
    expect(u).toEndWith(`/locations/us-east5${P}:streamRawPredict`);
  });

  it("percent-encodes path segments but keeps @", () => {
    const u = vertexUrl(t({ project: "a/b c", location: "us-east5", model: "weird model;x@2025/01" }), false);
    expect(u).toBe(
      "https://us-east5-aiplatform.googleapis.com/v1/projects/a%2Fb%20c/locations/us-east5/publishers/anthropic/models/weird%20model%3Bx@2025%2F01:rawPredict",
    );
  });

  it("uses the configured publisher", () => {
    expect(vertexUrl(t({ publisher: "acme" }), false)).toContain("/publishers/acme/models/");
  });

  it("explains a missing project or location", () => {
    expect(() => vertexUrl(t({ project: undefined }), false)).toThrow(/vertex\.project/);
    expect(() => vertexUrl(t({ region: undefined, location: undefined }), false)).toThrow(/vertex\.region/);
  });
});

describe("vertexHost", () => {
  it("maps regions", () => {
    expect(vertexHost("us-central1")).toBe("https://us-central1-aiplatform.googleapis.com");
    expect(vertexHost("Global")).toBe("https://aiplatform.googleapis.com");
  });
});
