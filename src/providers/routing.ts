/**
 * Model routing: which client-facing model names exist and where each one goes. Pure functions of the
 * config. The default model answers to its display name (Vertex id without `@date`) and its full id;
 * `[[vertex.models]]` entries answer to their `name`. Matching is case-insensitive. With no
 * `vertex.model`, the first `[[vertex.models]]` entry is the default (for `fallback_to_default`).
 */
import type { Config, ModelEntry } from "../config/schema.ts";
import { HttpError } from "../errors.ts";
import type { UpstreamTarget } from "./types.ts";

/** The model the built-in mock provider pretends to be when none is configured. */
export const MOCK_DEFAULT_MODEL = "claude-sonnet-4-5@20250929";

/** `claude-sonnet-4-5@20250929` → `claude-sonnet-4-5`. */
export function displayName(vertexModel: string): string {
  const at = vertexModel.indexOf("@");
  return at === -1 ? vertexModel : vertexModel.slice(0, at);
}

function defaultModel(config: Config): string | undefined {
  return config.vertex.model ?? (config.vertex.provider === "mock" ? MOCK_DEFAULT_MODEL : undefined);
}

/** Client-facing model ids, default first, then each `[[vertex.models]]` name (deduplicated). */
export function listModelIds(config: Config): string[] {
  const ids: string[] = [];
  const seen = new Set<string>();
  const add = (id: string) => {
    const key = id.toLowerCase();
    if (!seen.has(key)) {
      seen.add(key);
      ids.push(id);
    }
  };
  const def = defaultModel(config);
  if (def) add(displayName(def));
  for (const m of config.vertex.models) add(m.name);
  return ids;
}

export interface ModelRouter {
  /** Resolves a client model name; throws 404 `model_not_found` unless fallback_to_default is on. */
  resolve(requested: string): UpstreamTarget;
  ids: string[];
}

/** Builds the lookup table once per config (hot path: one Map lookup per request). */
export function createModelRouter(config: Config): ModelRouter {
  const v = config.vertex;
  const table = new Map<string, Omit<UpstreamTarget, "clientModel">>();
  const base = {
    project: v.project,
    region: v.region,
    location: v.location ?? v.region,
    publisher: v.publisher,
    thinking_style: v.thinking_style,
    max_tokens: v.max_tokens,
  };
  const def = defaultModel(config);
  const first = v.models[0];
  const defaultTarget = def ? { ...base, model: def } : first ? entryTarget(first, base) : undefined;
  // Named entries first so they win over the default's aliases only when names collide explicitly.
  for (const m of v.models) table.set(m.name.toLowerCase(), entryTarget(m, base));
  if (defaultTarget && def) {
    for (const alias of [displayName(def), def]) {
      if (!table.has(alias.toLowerCase())) table.set(alias.toLowerCase(), defaultTarget);
    }
  }
  return {
    ids: listModelIds(config),
    resolve(requested: string): UpstreamTarget {
      const hit = table.get(requested.toLowerCase()) ?? (v.fallback_to_default ? defaultTarget : undefined);
      if (!hit) {
        throw new HttpError(404, `The model \`${requested}\` does not exist or you do not have access to it.`, {
          type: "invalid_request_error",
          param: "model",
          code: "model_not_found",
        });
      }
      return { ...hit, clientModel: requested };
    },
  };
}

function entryTarget(m: ModelEntry, base: Omit<UpstreamTarget, "clientModel" | "model">): Omit<UpstreamTarget, "clientModel"> {
  const region = m.region ?? base.region;
  return {
    model: m.model,
    project: m.project ?? base.project,
    region,
    location: m.location ?? (m.region ? m.region : base.location) ?? region,
    publisher: m.publisher ?? base.publisher,
    thinking_style: m.thinking_style ?? base.thinking_style,
    max_tokens: m.max_tokens ?? base.max_tokens,
  };
}
