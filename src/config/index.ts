/**
 * Config loading (public entry of config/). For now: defaults < environment. The layered loader
 * (files, .env, flags, sources) grows here without changing callers.
 */
import { type Config, DEFAULT_CONFIG, defineConfig } from "./schema.ts";

export type { Config } from "./schema.ts";
export { DEFAULT_CONFIG, defineConfig } from "./schema.ts";

export interface LoadOptions {
  env?: Record<string, string | undefined>;
}

export class ConfigError extends Error {
  constructor(readonly problems: Array<{ key: string; source: string; message: string }>) {
    super(problems.map((p) => `${p.key} (${p.source}): ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Loads the effective config. Throws ConfigError listing every problem. */
export function loadConfig(opts: LoadOptions = {}): Config {
  const env = opts.env ?? process.env;
  const c = defineConfig();
  const s = (k: string) => (env[k] === undefined || env[k] === "" ? undefined : env[k]);
  c.vertex.project = s("MODELMUX_VERTEX_PROJECT") ?? s("VERTEX_PROJECT");
  c.vertex.region = s("MODELMUX_VERTEX_REGION") ?? s("VERTEX_REGION");
  c.vertex.location = s("MODELMUX_VERTEX_LOCATION") ?? s("VERTEX_LOCATION");
  c.vertex.publisher = s("MODELMUX_VERTEX_PUBLISHER") ?? s("VERTEX_PUBLISHER") ?? DEFAULT_CONFIG.vertex.publisher;
  c.vertex.model = s("MODELMUX_VERTEX_MODEL") ?? s("VERTEX_MODEL_ID");
  c.vertex.base_url = s("MODELMUX_VERTEX_BASE_URL");
  c.auth.access_token = s("MODELMUX_AUTH_ACCESS_TOKEN");
  c.auth.service_account_file = s("MODELMUX_AUTH_SERVICE_ACCOUNT_FILE");
  c.auth.service_account_json = s("MODELMUX_AUTH_SERVICE_ACCOUNT_JSON");
  const port = s("MODELMUX_SERVER_PORT") ?? s("PORT");
  if (port !== undefined) c.server.port = Number(port);
  c.server.host = s("MODELMUX_SERVER_HOST") ?? c.server.host;
  const provider = s("MODELMUX_VERTEX_PROVIDER") ?? s("LLM_PROVIDER");
  if (provider) c.vertex.provider = provider as Config["vertex"]["provider"];
  else if (!c.vertex.project && !c.vertex.region && !c.vertex.model) c.vertex.provider = "mock";
  validate(c);
  return c;
}

function validate(c: Config): void {
  const problems: ConfigError["problems"] = [];
  if (!Number.isInteger(c.server.port) || c.server.port < 0 || c.server.port > 65535) {
    problems.push({ key: "server.port", source: "env", message: "must be an integer 0–65535" });
  }
  if (c.vertex.provider === "vertex") {
    for (const k of ["project", "region", "model"] as const) {
      if (!c.vertex[k]) problems.push({ key: `vertex.${k}`, source: "default", message: "is required for the vertex provider" });
    }
  } else if (c.vertex.provider !== "mock") {
    problems.push({ key: "vertex.provider", source: "env", message: `unknown provider "${c.vertex.provider}" (vertex, mock)` });
  }
  if (problems.length) throw new ConfigError(problems);
}
