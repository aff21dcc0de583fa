/**
 * Vertex AI endpoint for a Claude model (pure). Host rules follow the official vertex-sdk:
 *   global → aiplatform.googleapis.com, us / eu → aiplatform.{us,eu}.rep.googleapis.com,
 *   any other region R → R-aiplatform.googleapis.com.
 *
 * Choices (documented for the README):
 * - The path uses `location` (falling back to `region`). The host uses `region` (falling back to
 *   `location`), except that location global/us/eu always picks its special host, since those
 *   locations are only served there.
 * - `baseUrl` replaces scheme+host (and any path prefix it carries); a trailing `/v1` on it is
 *   tolerated, so both `http://h:1` and `http://h:1/v1` (the SDK's convention) work.
 * - Path segments are percent-encoded, except `@` (model ids like `claude-sonnet-4-5@20250929`).
 */
import type { UpstreamTarget } from "../types.ts";

const SPECIAL_HOSTS: Record<string, string> = {
  global: "https://aiplatform.googleapis.com",
  us: "https://aiplatform.us.rep.googleapis.com",
  eu: "https://aiplatform.eu.rep.googleapis.com",
};

/** The scheme+host Google uses for a region/location. */
export function vertexHost(regionOrLocation: string): string {
  const key = regionOrLocation.toLowerCase();
  return SPECIAL_HOSTS[key] ?? `https://${encodeURIComponent(key)}-aiplatform.googleapis.com`;
}

/** The full `:rawPredict` / `:streamRawPredict` URL for a target. Throws if project or location is missing. */
export function vertexUrl(t: UpstreamTarget, stream: boolean, baseUrl?: string): string {
  const location = t.location || t.region;
  const project = t.project;
  if (!project) throw new Error(`Vertex project is not configured for model "${t.clientModel}" (vertex.project)`);
  if (!location) throw new Error(`Vertex region/location is not configured for model "${t.clientModel}" (vertex.region)`);
  const hostKey = SPECIAL_HOSTS[location.toLowerCase()] ? location : t.region || location;
  const origin = baseUrl ? trimBase(baseUrl) : vertexHost(hostKey);
  const verb = stream ? "streamRawPredict" : "rawPredict";
  return (
    `${origin}/v1/projects/${seg(project)}/locations/${seg(location)}` +
    `/publishers/${seg(t.publisher || "anthropic")}/models/${seg(t.model)}:${verb}`
  );
}

function seg(s: string): string {
  return encodeURIComponent(s).replaceAll("%40", "@");
}

function trimBase(u: string): string {
  return u.trim().replace(/\/+$/, "").replace(/\/v1$/, "");
}
