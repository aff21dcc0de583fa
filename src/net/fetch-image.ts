/**
 * Downloads one http(s) image as a data: URL, for inline-images.ts (which loads this module, and the node
 * networking modules it needs, on the first request with a remote image). Safety: only http/https; every
 * hop (at most MAX_REDIRECTS redirects) is re-checked; host names are resolved through a custom `lookup`
 * that refuses the connection when ANY resolved address is non-public (private, loopback, link-local,
 * unique-local, CGNAT, multicast, unspecified, documentation, IPv4-mapped/NAT64/6to4 forms of those), so
 * the address checked is the address connected to (no DNS-rebinding gap); literal IPs are checked before
 * connecting. One deadline covers redirects and body; the body is capped while it streams; the bytes must
 * be jpeg/png/gif/webp (sniffed; the declared content-type is not trusted). Failures are ImageFetchErrors
 * with a client-presentable reason (inline-images.ts answers them with a 400 naming
 * `messages[i].content[j].image_url.url`).
 */
import { sniffMediaType } from "../wire/media.ts";
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { InlineImageOptions } from "./inline-images.ts";

export const MAX_REDIRECTS = 3;
const USER_AGENT = "modelmux-image-fetch/1";
const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export interface FetchImageOptions extends InlineImageOptions {
  /** Overrides the address policy (tests); default: refuse isPrivateAddress unless allow_private. */
  isBlockedAddress?: (ip: string) => boolean;
}

/** A download failure with a client-presentable reason. */
export class ImageFetchError extends Error {
  override name = "ImageFetchError";
}

/** Fetches one image URL under the safety rules and returns it as a base64 data: URL. */
export async function fetchImageAsDataUrl(url: string, opts: FetchImageOptions): Promise<string> {
  const blocked = opts.isBlockedAddress ?? (opts.allow_private ? () => false : isPrivateAddress);
  const deadline = new AbortController();
  const timer = setTimeout(() => deadline.abort(), opts.timeout_ms);
  const signal = opts.signal ? AbortSignal.any([opts.signal, deadline.signal]) : deadline.signal;
  try {
    let current = url;
    for (let hop = 0; ; hop++) {
      const res = await get(checkUrl(current, blocked), blocked, signal);
      const status = res.statusCode ?? 0;
      if (REDIRECTS.has(status)) {
        res.resume();
        const location = res.headers.location;
        if (!location) throw new ImageFetchError(`redirect (HTTP ${status}) without a Location header`);
        if (hop >= MAX_REDIRECTS) throw new ImageFetchError(`more than ${MAX_REDIRECTS} redirects`);
        current = new URL(location, current).href;
        continue;
      }
      if (status !== 200) {
        res.resume();
        throw new ImageFetchError(`the server answered HTTP ${status}`);
      }
      return toDataUrl(await readCapped(res, opts.max_bytes), res.headers["content-type"]);
    }
  } catch (e) {
    if (opts.signal?.aborted) throw opts.signal.reason;
    if (deadline.signal.aborted) throw new ImageFetchError(`timed out after ${opts.timeout_ms} ms`);
    if (e instanceof ImageFetchError) throw e;
    throw new ImageFetchError(networkReason(e));
  } finally {
    clearTimeout(timer);
  }
}

function checkUrl(raw: string, blocked: (ip: string) => boolean): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new ImageFetchError("not a valid URL");
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new ImageFetchError("only http and https URLs can be fetched");
  const host = bareHost(u);
  if (isIP(host) && blocked(host)) throw new ImageFetchError(`address ${host} is not allowed (not a public address)`);
  return u;
}

function bareHost(u: URL): string {
  return u.hostname.startsWith("[") ? u.hostname.slice(1, -1) : u.hostname;
}

function get(u: URL, blocked: (ip: string) => boolean, signal: AbortSignal): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const mod = u.protocol === "https:" ? https : http;
    const req = mod.request(
      {
        hostname: bareHost(u),
        port: u.port || undefined,
        path: `${u.pathname}${u.search}`,
        method: "GET",
        headers: { accept: "image/*", "user-agent": USER_AGENT },
        lookup: guardedLookup(blocked),
        signal,
      },
      resolve,
    );
    req.on("error", reject);
    req.end();
  });
}

type LookupCallback = (err: Error | null, address: string | LookupAddress[], family?: number) => void;

/** dns.lookup that fails when any address of the host is blocked, so the checked address is the one used. */
function guardedLookup(blocked: (ip: string) => boolean) {
  return (hostname: string, options: { all?: boolean }, callback: LookupCallback): void => {
    dnsLookup(hostname, { all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const bad = addresses.find((a) => blocked(a.address));
      if (bad) return callback(new ImageFetchError(`${hostname} resolves to ${bad.address}, which is not a public address`), []);
      const first = addresses[0];
      if (!first) return callback(new ImageFetchError(`${hostname} has no address`), []);
      if (options?.all) callback(null, addresses);
      else callback(null, first.address, first.family);
    });
  };
}

async function readCapped(res: IncomingMessage, max: number): Promise<Buffer> {
  const declared = Number(res.headers["content-length"]);
  if (Number.isFinite(declared) && declared > max) {
    res.destroy();
    throw new ImageFetchError(`the image is larger than ${max} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) {
      res.destroy();
      throw new ImageFetchError(`the image is larger than ${max} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toDataUrl(body: Buffer, contentType: string | undefined): string {
  const type = sniffImageType(body);
  if (!type) {
    const ct = contentType?.split(";")[0]?.trim() || "none";
    throw new ImageFetchError(
      ct.startsWith("image/")
        ? `unsupported image format (${ct}); Claude accepts jpeg, png, gif and webp`
        : `the response is not an image (content-type ${ct})`,
    );
  }
  return `data:${type};base64,${body.toString("base64")}`;
}

/** jpeg/png/gif/webp from magic bytes (anything else, including PDF, is not an image). */
export function sniffImageType(b: Uint8Array): string | undefined {
  const t = sniffMediaType(b);
  return t?.startsWith("image/") ? t : undefined;
}

function networkReason(e: unknown): string {
  const code = (e as { code?: unknown })?.code;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "the host name could not be resolved";
  if (code === "ECONNREFUSED") return "the connection was refused";
  if (code === "ECONNRESET") return "the connection was reset";
  return e instanceof Error && e.message ? e.message : "network error";
}

// --- address policy ---

const V4_BLOCKED: Array<[string, number]> = [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16],
  ["172.16.0.0", 12], ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16],
  ["198.18.0.0", 15], ["198.51.100.0", 24], ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
];
const V6_BLOCKED: Array<[string, number]> = [
  ["::", 96], // unspecified, loopback, deprecated IPv4-compatible
  ["64:ff9b:1::", 48], // local-use NAT64
  ["100::", 64], // discard
  ["2001::", 23], // IETF protocol assignments (Teredo, ORCHID, …)
  ["2001:db8::", 32], // documentation
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated)
  ["ff00::", 8], // multicast
];

/** True for any address that is not publicly routable (IPv4 or IPv6, including embedded IPv4 forms). */
export function isPrivateAddress(ip: string): boolean {
  const kind = isIP(ip.split("%")[0] ?? "");
  if (kind === 4) return v4Blocked(v4ToInt(ip));
  if (kind !== 6) return true; // not an address at all: refuse
  const n = v6ToBigInt(ip.split("%")[0] ?? "");
  const embedded = Number(n & 0xffffffffn);
  if (n >> 32n === 0xffffn) return v4Blocked(embedded); // ::ffff:a.b.c.d (IPv4-mapped)
  if (n >> 32n === 0x0064ff9b0000000000000000n) return v4Blocked(embedded); // 64:ff9b::a.b.c.d (NAT64)
  if (n >> 112n === 0x2002n) return v4Blocked(Number((n >> 80n) & 0xffffffffn)); // 6to4
  return V6_BLOCKED.some(([base, bits]) => n >> BigInt(128 - bits) === v6ToBigInt(base) >> BigInt(128 - bits));
}

function v4ToInt(ip: string): number {
  return ip.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
}

function v4Blocked(n: number): boolean {
  return V4_BLOCKED.some(([base, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(v4ToInt(base) / 2 ** (32 - bits)));
}

function v6ToBigInt(ip: string): bigint {
  let s = ip;
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (dotted?.[1]) {
    const v4 = v4ToInt(dotted[1]);
    s = `${s.slice(0, -dotted[1].length)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const [head = "", tail] = s.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array<string>(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g || "0", 16)), 0n);
}
