import { expect400Async } from "../../helpers/errors.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { fetchImageAsDataUrl, ImageFetchError, isPrivateAddress } from "../../../src/net/fetch-image.ts";
import { inlineRemoteImages, type InlineImageOptions } from "../../../src/net/inline-images.ts";
import type { ChatCompletionRequest, ChatMessage } from "../../../src/wire/openai.ts";

const PNG = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==", "base64");
const GIF = Buffer.from("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7", "base64");
const BMP = Buffer.from("Qk06AAAAAAAAADYAAAAoAAAAAQAAAAEAAAABABgAAAAAAAQAAAA=", "base64");
const PNG_URL = `data:image/png;base64,${PNG.toString("base64")}`;

let server: ReturnType<typeof Bun.serve>;
let base = "";
const hits = new Map<string, number>();
let barrierArrivals = 0;
let releaseBarrier: () => void = () => {};
let barrier = Promise.resolve();
let maxInFlight = 0;
let inFlight = 0;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      hits.set(path, (hits.get(path) ?? 0) + 1);
      const redirect = (to: string, status = 302) => new Response(null, { status, headers: { location: to } });
      switch (path) {
        case "/cat.png": return new Response(PNG, { headers: { "content-type": "image/png" } });
        case "/octet": return new Response(GIF, { headers: { "content-type": "application/octet-stream" } });
        case "/mislabelled": return new Response(PNG, { headers: { "content-type": "text/plain" } });
        case "/page.html": return new Response("<html>hi</html>", { headers: { "content-type": "text/html" } });
        case "/pic.bmp": return new Response(BMP, { headers: { "content-type": "image/bmp" } });
        case "/big.png": return new Response(Buffer.concat([PNG, Buffer.alloc(5000)]), { headers: { "content-type": "image/png" } });
        case "/big-stream": {
          const body = new ReadableStream({
            async pull(c) {
              c.enqueue(new Uint8Array(4096));
              await Bun.sleep(1);
            },
          });
          return new Response(body, { headers: { "content-type": "image/png" } });
        }
        case "/slow": await Bun.sleep(1500); return new Response(PNG, { headers: { "content-type": "image/png" } });
        case "/missing": return new Response("nope", { status: 404 });
        case "/hop1": return redirect("/hop2", 301);
        case "/hop2": return redirect(`${base}/hop3`, 307);
        case "/hop3": return redirect("cat.png", 308);
        case "/loop": return redirect("/loop");
        case "/no-location": return new Response(null, { status: 302 });
        case "/to-private": return redirect("http://10.0.0.1/secret.png");
        case "/to-file": return redirect("file:///etc/passwd");
        case "/barrier": {
          inFlight++;
          maxInFlight = Math.max(maxInFlight, inFlight);
          if (++barrierArrivals >= 3) releaseBarrier();
          await Promise.race([barrier, Bun.sleep(3000)]);
          inFlight--;
          return new Response(PNG, { headers: { "content-type": "image/png" } });
        }
        default: return new Response("not found", { status: 404 });
      }
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => server.stop(true));
beforeEach(() => hits.clear());

const OPEN: InlineImageOptions = { max_bytes: 1_000_000, timeout_ms: 5000, allow_private: true };
const img = (url: string) => ({ type: "image_url" as const, image_url: { url } });
const request = (...messages: ChatMessage[]): ChatCompletionRequest => ({ model: "m", messages });
const userWith = (...urls: string[]): ChatMessage => ({ role: "user", content: [{ type: "text", text: "look" }, ...urls.map(img)] });

async function expect400(p: unknown, param: string, message: string | RegExp): Promise<void> {
  expect((await expect400Async(Promise.resolve(p), param)).message).toMatch(message);
}

describe("inlineRemoteImages", () => {
  test("returns the request itself when there is nothing to download", async () => {
    const req = request(userWith(PNG_URL), { role: "assistant", content: "ok" }, { role: "user", content: "plain" });
    expect(await inlineRemoteImages(req, { ...OPEN, allow_private: false })).toBe(req);
  });

  test("replaces http(s) images in user and tool messages by data: URLs, without touching the input", async () => {
    const req = request(
      userWith(`${base}/cat.png`, PNG_URL),
      { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] },
      { role: "tool", tool_call_id: "c", content: [img(`${base}/octet`)] },
    );
    const before = structuredClone(req);
    const out = await inlineRemoteImages(req, OPEN);
    expect(req).toEqual(before);
    expect(out.messages[0]?.content).toEqual([{ type: "text", text: "look" }, img(PNG_URL), img(PNG_URL)]);
    expect(out.messages[1]).toBe(req.messages[1]!);
    expect(out.messages[2]?.content).toEqual([img(`data:image/gif;base64,${GIF.toString("base64")}`)]);
  });

  test("keeps the detail field and fetches a URL used twice only once", async () => {
    const req = request({ role: "user", content: [{ type: "image_url", image_url: { url: `${base}/cat.png`, detail: "low" } }, img(`${base}/cat.png`)] });
    const out = await inlineRemoteImages(req, OPEN);
    expect(out.messages[0]?.content).toEqual([{ type: "image_url", image_url: { url: PNG_URL, detail: "low" } }, img(PNG_URL)]);
    expect(hits.get("/cat.png")).toBe(1);
  });

  test("fetches the images of one request concurrently", async () => {
    barrierArrivals = 0;
    maxInFlight = 0;
    barrier = new Promise<void>((r) => (releaseBarrier = r));
    // Distinct URLs (query differs) that all wait until three requests are in flight at once.
    const out = await inlineRemoteImages(request(userWith(`${base}/barrier?a`, `${base}/barrier?b`, `${base}/barrier?c`)), OPEN);
    expect(maxInFlight).toBe(3);
    expect((out.messages[0]?.content as unknown[]).slice(1)).toEqual([img(PNG_URL), img(PNG_URL), img(PNG_URL)]);
  });

  test("accepts a sniffable image served with a wrong content-type", async () => {
    const out = await inlineRemoteImages(request(userWith(`${base}/mislabelled`)), OPEN);
    expect((out.messages[0]?.content as unknown[])[1]).toEqual(img(PNG_URL));
  });

  test("follows up to 3 redirects (absolute and relative Location)", async () => {
    const out = await inlineRemoteImages(request(userWith(`${base}/hop1`)), OPEN);
    expect((out.messages[0]?.content as unknown[])[1]).toEqual(img(PNG_URL));
  });

  const P = "messages[0].content[1].image_url.url";
  test.each([
    ["a 404", "/missing", /HTTP 404/],
    ["an HTML page", "/page.html", /not an image \(content-type text\/html\)/],
    ["an unsupported image format", "/pic.bmp", /unsupported image format \(image\/bmp\)/],
    ["too many redirects", "/loop", /more than 3 redirects/],
    ["a redirect without Location", "/no-location", /without a Location/],
    ["a redirect to a non-http scheme", "/to-file", /only http and https/],
    ["a body over the size cap (content-length)", "/big.png", /larger than 1000 bytes/],
    ["a streamed body over the size cap", "/big-stream", /larger than 1000 bytes/],
  ])("%s → 400 naming the image url", async (_name, path, message) => {
    await expect400(inlineRemoteImages(request(userWith(`${base}${path}`)), { ...OPEN, max_bytes: 1000 }), P, message);
  });

  test("a slow server → 400 timeout", async () => {
    await expect400(inlineRemoteImages(request(userWith(`${base}/slow`)), { ...OPEN, timeout_ms: 100 }), P, /timed out after 100 ms/);
  });

  test("names the failing part when several images are fetched", async () => {
    const req = request({ role: "user", content: "first" }, userWith(`${base}/cat.png`, `${base}/missing`));
    await expect400(inlineRemoteImages(req, OPEN), "messages[1].content[2].image_url.url", /HTTP 404/);
  });

  test("a client abort rejects with the abort reason, not a 400", async () => {
    const ac = new AbortController();
    const reason = new Error("client went away");
    const p = inlineRemoteImages(request(userWith(`${base}/slow`)), { ...OPEN, signal: ac.signal });
    setTimeout(() => ac.abort(reason), 20);
    await expect(p).rejects.toBe(reason);
  });
});

describe("private address protection (allow_private: false)", () => {
  const CLOSED: InlineImageOptions = { ...OPEN, allow_private: false };
  const P = "messages[0].content[1].image_url.url";

  test.each([
    ["loopback literal", () => `${base}/cat.png`],
    ["private 10.x literal", () => "http://10.1.2.3/x.png"],
    ["private 192.168.x literal", () => "https://192.168.1.1/x.png"],
    ["link-local metadata address", () => "http://169.254.169.254/latest/meta-data"],
    ["IPv6 loopback", () => `http://[::1]:${server.port}/cat.png`],
    ["IPv4-mapped IPv6 loopback", () => `http://[::ffff:127.0.0.1]:${server.port}/cat.png`],
    ["hex-encoded loopback", () => `http://0x7f000001:${server.port}/cat.png`],
  ])("refuses a %s without connecting", async (_name, url) => {
    await expect400(inlineRemoteImages(request(userWith(url())), CLOSED), P, /not a public address/);
    expect(hits.get("/cat.png")).toBeUndefined();
  });

  test("refuses a host name that resolves to loopback", async () => {
    await expect400(inlineRemoteImages(request(userWith(`http://localhost:${server.port}/cat.png`)), CLOSED), P, /localhost resolves to .*not a public address/);
    expect(hits.get("/cat.png")).toBeUndefined();
  });

  test("re-checks every redirect hop: a public-looking first hop cannot bounce to a private address", async () => {
    // Policy for this test: 127.0.0.1 (our server) counts as public, 10.0.0.0/8 does not.
    const policy = (ip: string) => ip.startsWith("10.");
    const p = fetchImageAsDataUrl(`${base}/to-private`, { ...OPEN, allow_private: false, isBlockedAddress: policy });
    await expect(p).rejects.toThrow(ImageFetchError);
    await expect(fetchImageAsDataUrl(`${base}/to-private`, { ...OPEN, isBlockedAddress: policy })).rejects.toThrow(/10\.0\.0\.1 is not allowed/);
  });

  test("only http and https are fetched", async () => {
    await expect(fetchImageAsDataUrl("ftp://example.com/x.png", OPEN)).rejects.toThrow(/only http and https/);
  });
});

describe("isPrivateAddress", () => {
  test.each([
    "0.0.0.0", "10.0.0.1", "100.64.0.1", "100.127.255.255", "127.0.0.1", "127.255.0.9", "169.254.169.254", "172.16.0.1",
    "172.31.255.255", "192.0.0.8", "192.0.2.1", "192.168.0.1", "198.18.0.1", "198.51.100.7", "203.0.113.9", "224.0.0.1",
    "239.255.255.250", "240.0.0.1", "255.255.255.255",
    "::", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1", "::ffff:10.0.0.1", "::127.0.0.1", "fe80::1", "fe80::1%eth0", "fc00::1",
    "fd12:3456::1", "ff02::1", "fec0::1", "2001:db8::1", "100::1", "64:ff9b::10.0.0.1", "64:ff9b:1::1", "2002:c0a8:101::1",
    "2001::1", "not-an-ip",
  ])("%s is refused", (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  test.each([
    "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0", "192.169.0.1", "203.0.114.1",
    "2606:4700:4700::1111", "2a00:1450:4007::200e", "::ffff:8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1",
  ])("%s is public", (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });
});
