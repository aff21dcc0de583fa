/**
 * The google-auth-library-backed TokenSource, offline: service-account keys via a self-signed JWT and
 * via a gaxios transporter redirected to a loopback token endpoint; ADC via a fake metadata server.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "bun:test";
import { createVerify } from "node:crypto";
import { gaxios } from "google-auth-library";
import { createGoogleTokenSource } from "../../../src/auth/google.ts";
import { UpstreamError } from "../../../src/errors.ts";
import { type FakeMetadata, startFakeMetadata, useMetadataEnv } from "../../helpers/fake-metadata.ts";
import { makeServiceAccountKey } from "../../helpers/sa-key.ts";

let md: FakeMetadata;
let restoreEnv: (() => void) | undefined;
beforeAll(async () => {
  md = await startFakeMetadata({ projectId: "md-project" });
});
afterAll(() => md.close());
afterEach(() => {
  restoreEnv?.();
  restoreEnv = undefined;
  md.tokenRequests = 0;
  md.oauthTokenRequests = 0;
  md.expiresIn = 3599;
  md.failWith = undefined;
});

/** A gaxios transporter that sends Google's token endpoint to the fake (protocol.md §G.3c). */
function loopbackTransporter(): gaxios.Gaxios {
  const t = new gaxios.Gaxios();
  t.interceptors.request.add({
    resolved: async (o) => {
      if (String(o.url).startsWith("https://oauth2.googleapis.com/token")) o.url = new URL(`${md.url}/token`);
      return o;
    },
  });
  return t;
}

function decodeJwt(token: string) {
  const [h, p, s] = token.split(".");
  const dec = (x: string) => JSON.parse(Buffer.from(x, "base64url").toString("utf8"));
  return { header: dec(h!), claims: dec(p!), signed: `${h}.${p}`, signature: Buffer.from(s!, "base64url") };
}

describe("service-account key, self-signed JWT (no network)", () => {
  it("mints a scoped RS256 JWT signed by the key, with the quota project header", async () => {
    const key = makeServiceAccountKey({ quotaProjectId: "billing-proj" });
    const ts = createGoogleTokenSource({ credentials: { json: key.json, origin: "test key" }, selfSignedJwt: true });
    const token = await ts.getToken();
    const jwt = decodeJwt(token);
    expect(jwt.header).toMatchObject({ alg: "RS256", kid: key.json.private_key_id });
    expect(jwt.claims).toMatchObject({ iss: key.email, sub: key.email, scope: "https://www.googleapis.com/auth/cloud-platform" });
    expect(jwt.claims.exp - jwt.claims.iat).toBe(3600);
    expect(createVerify("RSA-SHA256").update(jwt.signed).verify(key.publicKey, jwt.signature)).toBe(true);
    expect(ts.extraHeaders?.()).toEqual({ "x-goog-user-project": "billing-proj" });
    expect(await ts.getToken()).toBe(token); // cached until exp - 5 min
    expect(ts.describe()).toBe(`service account ${key.email} (test key)`);
    expect(md.oauthTokenRequests + md.tokenRequests).toBe(0);
  });
});

describe("service-account key, OAuth2 token endpoint", () => {
  const sa = (extra: { refreshAheadMs?: number } = {}) =>
    createGoogleTokenSource({
      credentials: { json: makeServiceAccountKey().json, origin: "test key" },
      transporter: loopbackTransporter(),
      ...extra,
    });

  it("exchanges the key once and caches: 3 calls → 1 fetch", async () => {
    const ts = sa();
    expect([await ts.getToken(), await ts.getToken(), await ts.getToken()]).toEqual(["sa-tok-1", "sa-tok-1", "sa-tok-1"]);
    expect(md.oauthTokenRequests).toBe(1);
    expect(ts.extraHeaders?.()).toEqual({});
  });

  it("refreshes ahead of expiry (expires_in 299 < 5 min → refetch)", async () => {
    md.expiresIn = 299;
    const ts = sa();
    expect([await ts.getToken(), await ts.getToken(), await ts.getToken()]).toEqual(["sa-tok-1", "sa-tok-2", "sa-tok-3"]);
    expect(md.oauthTokenRequests).toBe(3);
  });

  it("concurrent getToken → one fetch", async () => {
    const ts = sa();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => ts.getToken()));
    expect(new Set(tokens)).toEqual(new Set(["sa-tok-1"]));
    expect(md.oauthTokenRequests).toBe(1);
  });

  it("invalidate forces a real refetch from Google", async () => {
    const ts = sa();
    const t1 = await ts.getToken();
    ts.invalidate(t1);
    expect(await ts.getToken()).toBe("sa-tok-2");
    expect(md.oauthTokenRequests).toBe(2);
  });

  it("a rejected grant becomes an actionable credentials error", async () => {
    md.failWith = 400;
    const err = await sa().getToken().catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.kind).toBe("credentials");
    expect(err.body).toMatch(/service account .* \(test key\)/);
    expect(err.body).toMatch(/invalid_grant/);
  });
});

describe("Application Default Credentials", () => {
  it("uses the metadata server: caches, shares one fetch, invalidates", async () => {
    restoreEnv = useMetadataEnv(md, "md-project");
    const ts = createGoogleTokenSource();
    expect(ts.describe()).toBe("Application Default Credentials");
    const concurrent = await Promise.all([ts.getToken(), ts.getToken(), ts.getToken()]);
    expect(concurrent).toEqual(["tok-1", "tok-1", "tok-1"]);
    expect(await ts.getToken()).toBe("tok-1");
    expect(md.tokenRequests).toBe(1);
    expect(ts.describe()).toBe("Application Default Credentials: metadata server");
    ts.invalidate("tok-1");
    expect(await ts.getToken()).toBe("tok-2");
    expect(md.tokenRequests).toBe(2);
    expect(md.requests.every((r) => r.path === "/token" || r.flavor === "Google")).toBe(true);
  });

  it("refetches short-lived metadata tokens (expires_in 299)", async () => {
    restoreEnv = useMetadataEnv(md, "md-project");
    md.expiresIn = 299;
    const ts = createGoogleTokenSource();
    expect([await ts.getToken(), await ts.getToken(), await ts.getToken()]).toEqual(["tok-1", "tok-2", "tok-3"]);
    expect(md.tokenRequests).toBe(3);
  });

  it("sends GOOGLE_CLOUD_QUOTA_PROJECT as x-goog-user-project", async () => {
    restoreEnv = useMetadataEnv(md, "md-project");
    process.env.GOOGLE_CLOUD_QUOTA_PROJECT = "billing-proj"; // restored by useMetadataEnv's restore
    const ts = createGoogleTokenSource();
    await ts.getToken();
    expect(ts.extraHeaders?.()).toEqual({ "x-goog-user-project": "billing-proj" });
  });

  it("explains what to do when no credentials exist", async () => {
    restoreEnv = useMetadataEnv(undefined);
    const err = await createGoogleTokenSource().getToken().catch((e) => e);
    expect(err).toBeInstanceOf(UpstreamError);
    expect(err.kind).toBe("credentials");
    expect(err.body).toMatch(/No Google credentials found/);
    expect(err.body).toMatch(/gcloud auth application-default login/);
  });
});
