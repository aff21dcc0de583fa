/** The gcloud CLI's active project (read from its config files, no subprocess), as a default for `config init`. */
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** `[core] project` of gcloud's active configuration, or undefined. */
export function gcloudProject(env: Readonly<Record<string, string | undefined>>, home: string | undefined): string | undefined {
  const dir = env.CLOUDSDK_CONFIG ?? (home ? join(home, ".config", "gcloud") : undefined);
  if (!dir) return undefined;
  try {
    const active = env.CLOUDSDK_ACTIVE_CONFIG_NAME ?? (readOptional(join(dir, "active_config"))?.trim() || "default");
    const ini = readOptional(join(dir, "configurations", `config_${active}`));
    if (!ini) return undefined;
    let section = "";
    for (const line of ini.split(/\r?\n/)) {
      const s = /^\s*\[([^\]]+)\]/.exec(line);
      if (s) section = s[1]!.trim();
      const kv = /^\s*project\s*=\s*(\S+)/.exec(line);
      if (section === "core" && kv) return kv[1];
    }
  } catch {
    // gcloud not configured: no default
  }
  return undefined;
}

function readOptional(p: string): string | undefined {
  try {
    return readFileSync(p, "utf8");
  } catch {
    return undefined;
  }
}
