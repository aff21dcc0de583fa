/**
 * Merging layers key by key: for every key the highest layer with a usable value wins (arrays replace,
 * never concatenate). The result keeps, per key, the winning source and the top-most entry even when
 * it is invalid (for `config show`).
 */
import { type Config, DEFAULT_CONFIG, defineConfig } from "./schema.ts";
import { KEYS } from "./keys.ts";
import type { Layer, LayerEntry } from "./layers.ts";

export interface Merged {
  config: Config;
  /** `section.key` → source label of the value in `config` (`default` or `unset` when no layer set it). */
  sources: Record<string, string>;
  /** `section.key` → the highest layer's entry, valid or not (absent when no layer set it). */
  top: Map<string, LayerEntry>;
}

/** The built-in defaults as a layer. */
export function defaultsLayer(): Layer {
  const entries = new Map<string, LayerEntry>();
  for (const spec of KEYS) {
    const v = getPath(DEFAULT_CONFIG as unknown as Record<string, unknown>, spec.key);
    if (v !== undefined) entries.set(spec.key, { value: structuredClone(v), source: "default" });
  }
  return { kind: "default", label: "default", entries, problems: [] };
}

/** Merges layers given lowest first. */
export function mergeLayers(layers: readonly Layer[]): Merged {
  const config = defineConfig();
  const sources: Record<string, string> = {};
  const top = new Map<string, LayerEntry>();
  for (const spec of KEYS) {
    let winner: LayerEntry | undefined;
    for (let i = layers.length - 1; i >= 0; i--) {
      const e = layers[i]!.entries.get(spec.key);
      if (!e) continue;
      if (!top.has(spec.key) && layers[i]!.kind !== "default") top.set(spec.key, e);
      if (!e.invalid) {
        winner = e;
        break;
      }
    }
    setPath(config as unknown as Record<string, unknown>, spec.key, winner?.value);
    sources[spec.key] = winner?.source ?? "unset";
  }
  return { config, sources, top };
}

/** Reads `a.b` from a nested object. */
export function getPath(obj: Record<string, unknown>, key: string): unknown {
  const [s, k] = key.split(".") as [string, string];
  return (obj[s] as Record<string, unknown> | undefined)?.[k];
}

function setPath(obj: Record<string, unknown>, key: string, value: unknown): void {
  const [s, k] = key.split(".") as [string, string];
  const section = obj[s] as Record<string, unknown>;
  if (value === undefined) delete section[k];
  else section[k] = value;
}
