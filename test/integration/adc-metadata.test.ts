/**
 * The whole gateway with no credentials configured: Application Default Credentials find the (fake)
 * GCE metadata server through GCE_METADATA_HOST, and Vertex receives its token. Also checks that the
 * token is cached across requests and that a 401 from Vertex refreshes it.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { startFakeMetadata, useMetadataEnv, type FakeMetadata } from "../helpers/fake-metadata.ts";
import { startFakeVertex, type FakeVertex } from "../helpers/fake-vertex.ts";
import { startGateway, vertexConfig, type TestGateway } from "../helpers/gateway.ts";

let md: FakeMetadata;
let fake: FakeVertex;
let gw: TestGateway;
let restoreEnv: () => void;
beforeAll(async () => {
  md = await startFakeMetadata();
  restoreEnv = useMetadataEnv(md);
  fake = await startFakeVertex();
  gw = await startGateway({ config: vertexConfig(fake.url, { auth: { access_token: undefined } }) });
});
afterAll(async () => {
  await gw.stop();
  await fake.close();
  await md.close();
  restoreEnv();
});

test("ADC via the metadata server: one token for many requests", async () => {
  for (let i = 0; i < 3; i++) {
    const r = await gw.client.chat.completions.create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: `hi ${i}` }] });
    expect(r.choices[0]!.message.content).toContain(`hi ${i}`);
  }
  expect(md.tokenRequests).toBe(1);
  const bearer = fake.requests.map((r) => r.headers.authorization);
  expect(new Set(bearer).size).toBe(1);
  expect(bearer[0]).toMatch(/^Bearer tok-/);
});

test("a 401 from Vertex drops the token and retries once with a fresh one", async () => {
  const before = md.tokenRequests;
  fake.clear();
  fake.reply({ status: 401, json: { error: { code: 401, message: "Request had invalid authentication credentials.", status: "UNAUTHENTICATED" } } });
  const r = await gw.client.chat.completions.create({ model: "claude-sonnet-4-5", messages: [{ role: "user", content: "again" }] });
  expect(r.choices[0]!.message.content).toContain("again");
  expect(md.tokenRequests).toBe(before + 1);
  const [first, second] = fake.requests.map((x) => x.headers.authorization);
  expect(second).not.toBe(first);
});
