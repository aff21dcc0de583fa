/**
 * Checks of Google credential material named in the config: the inline JSON parses and has what
 * google-auth-library needs; the key file exists, is a readable regular file and is not readable by
 * group/others. Never echoes key content.
 */
import { accessSync, constants, readFileSync, statSync } from "node:fs";

export interface CredentialIssue {
  level: "error" | "warning";
  message: string;
  fix?: string;
}

/** Credential types google-auth-library accepts besides service-account keys (ADC files). */
const OTHER_TYPES = new Set(["authorized_user", "external_account", "external_account_authorized_user", "impersonated_service_account"]);

/** Validates service-account (or other ADC) JSON text. */
export function checkServiceAccountJson(text: string, what = "service_account_json"): CredentialIssue[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return [{ level: "error", message: `${what} is not valid JSON (${(e as Error).message.split("\n")[0]})`, fix: "paste the whole key file downloaded from the Google Cloud console (IAM → Service accounts → Keys)" }];
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return [{ level: "error", message: `${what} must be a JSON object`, fix: "use the key file downloaded from the Google Cloud console" }];
  const o = parsed as Record<string, unknown>;
  const type = o.type;
  if (typeof type === "string" && OTHER_TYPES.has(type)) return [];
  if (type !== undefined && type !== "service_account") {
    return [{ level: "error", message: `${what} has type "${String(type)}"; expected "service_account"`, fix: "use a service-account key file" }];
  }
  const issues: CredentialIssue[] = [];
  const missing = ["client_email", "private_key"].filter((k) => typeof o[k] !== "string" || o[k] === "");
  if (missing.length) {
    issues.push({ level: "error", message: `${what} lacks ${missing.join(" and ")}`, fix: "download a fresh JSON key for the service account (the file is complete as downloaded)" });
  } else if (!String(o.private_key).includes("-----BEGIN PRIVATE KEY-----")) {
    issues.push({ level: "error", message: `${what}: private_key is not a PEM private key`, fix: "keep the key exactly as downloaded (newlines as \\n inside the JSON string)" });
  } else if (!/@.*gserviceaccount\.com$/.test(String(o.client_email))) {
    issues.push({ level: "warning", message: `${what}: client_email "${String(o.client_email)}" is not a *.gserviceaccount.com address` });
  }
  return issues;
}

/** Validates a key file path (already expanded). */
export function checkServiceAccountFile(path: string, platform: NodeJS.Platform): CredentialIssue[] {
  let st;
  try {
    st = statSync(path);
  } catch {
    return [{
      level: "error",
      message: `file ${path} does not exist`,
      fix: `create a key: gcloud iam service-accounts keys create ${path} --iam-account=NAME@PROJECT.iam.gserviceaccount.com && chmod 600 ${path}`,
    }];
  }
  if (!st.isFile()) return [{ level: "error", message: `${path} is not a regular file`, fix: "point service_account_file at the JSON key file" }];
  try {
    accessSync(path, constants.R_OK);
  } catch {
    return [{ level: "error", message: `${path} is not readable by this user`, fix: `chown it to the user running modelmux, then chmod 600 ${path}` }];
  }
  const issues: CredentialIssue[] = [];
  if (platform !== "win32" && exposedToOthers(st)) {
    issues.push({ level: "warning", message: `${path} is readable or writable by group/others (mode ${(st.mode & 0o777).toString(8)})`, fix: `chmod 600 ${path}` });
  }
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    return [...issues, { level: "error", message: `${path} cannot be read (${(e as Error).message})` }];
  }
  return [...issues, ...checkServiceAccountJson(text, path)];
}

/**
 * True when a secret-holding file is open to other users: any world bit, or group bits for a group that
 * is not the one modelmux runs as. The .deb layout (`0640 root:modelmux`, service running as group
 * modelmux) is therefore fine, and so is `0600`.
 */
export function exposedToOthers(st: { mode: number; gid: number }): boolean {
  if ((st.mode & 0o007) !== 0) return true;
  return (st.mode & 0o070) !== 0 && st.gid !== process.getgid?.();
}
