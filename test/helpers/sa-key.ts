/**
 * A throwaway Google service-account key generated at test time (never commit a key).
 *
 *   const { json, text, publicKey } = makeServiceAccountKey({ quotaProjectId: "billing-proj" });
 *   // json: the parsed key object; text: JSON.stringify(json); publicKey: PEM to verify self-signed JWTs
 *
 * Keys are cached per process (RSA generation costs ~50 ms); pass `fresh: true` for a new one.
 */
import { createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";

export interface ServiceAccountKey {
  json: Record<string, string>;
  text: string;
  publicKey: string;
  email: string;
}

let cachedPair: { privateKey: string; publicKey: string } | undefined;

/** Generates (or reuses) an RSA key pair and wraps it in a service-account JSON. */
export function makeServiceAccountKey(
  opts: { projectId?: string; quotaProjectId?: string; email?: string; fresh?: boolean } = {},
): ServiceAccountKey {
  if (!cachedPair || opts.fresh) {
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    cachedPair = {
      privateKey: privateKey.export({ type: "pkcs8", format: "pem" }).toString(),
      publicKey: createPublicKey(privateKey).export({ type: "spki", format: "pem" }).toString(),
    };
  }
  const projectId = opts.projectId ?? "test-project";
  const email = opts.email ?? `modelmux-test@${projectId}.iam.gserviceaccount.com`;
  const json: Record<string, string> = {
    type: "service_account",
    project_id: projectId,
    private_key_id: randomBytes(20).toString("hex"),
    private_key: cachedPair.privateKey,
    client_email: email,
    client_id: "100000000000000000001",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
    auth_provider_x509_cert_url: "https://www.googleapis.com/oauth2/v1/certs",
    client_x509_cert_url: `https://www.googleapis.com/robot/v1/metadata/x509/${encodeURIComponent(email)}`,
    universe_domain: "googleapis.com",
  };
  if (opts.quotaProjectId) json.quota_project_id = opts.quotaProjectId;
  return { json, text: JSON.stringify(json), publicKey: cachedPair.publicKey, email };
}
