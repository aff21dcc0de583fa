/**
 * Replaces the http(s) images of a chat request by data: URLs (Vertex rejects URL sources), fetching them
 * with src/net/fetch-image.ts under its safety rules. That module, and the node:http, node:https, node:dns
 * and node:net modules it needs, are loaded on the first request that has a remote image: a gateway that
 * never sees one does not pay their memory (the compiled binary is built with `--splitting` for this; with
 * node:crypto also kept out of start-up, its idle RSS went from 50.4 to 46.8 MB).
 */
import { badRequest } from "../errors.ts";
import type { ChatCompletionRequest, ContentPart } from "../wire/openai.ts";

/** Images of one request fetched at the same time. */
export const MAX_CONCURRENT_FETCHES = 8;

export interface InlineImageOptions {
  max_bytes: number;
  timeout_ms: number;
  allow_private: boolean;
  signal?: AbortSignal;
}

/**
 * Replaces every http(s) image_url in user and tool messages by a data: URL. Returns `req` itself, not a
 * promise, when there is none (the common case costs the caller no await).
 */
export function inlineRemoteImages(req: ChatCompletionRequest, opts: InlineImageOptions): ChatCompletionRequest | Promise<ChatCompletionRequest> {
  const firstParam = new Map<string, string>();
  req.messages.forEach((m, i) => {
    if ((m.role !== "user" && m.role !== "tool") || !Array.isArray(m.content)) return;
    m.content.forEach((part, j) => {
      const url = remoteUrl(part);
      if (url !== undefined && !firstParam.has(url)) firstParam.set(url, `messages[${i}].content[${j}].image_url.url`);
    });
  });
  if (firstParam.size === 0) return req;
  return inlineAll(req, firstParam, opts);
}

async function inlineAll(req: ChatCompletionRequest, firstParam: Map<string, string>, opts: InlineImageOptions): Promise<ChatCompletionRequest> {
  const { fetchImageAsDataUrl, ImageFetchError } = await import("./fetch-image.ts");
  const stop = new AbortController();
  const onAbort = () => stop.abort(opts.signal?.reason);
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  const inlined = new Map<string, string>();
  const queue = [...firstParam.keys()];
  const worker = async (): Promise<void> => {
    for (let url = queue.shift(); url !== undefined; url = queue.shift()) {
      try {
        inlined.set(url, await fetchImageAsDataUrl(url, { ...opts, signal: stop.signal }));
      } catch (e) {
        stop.abort(e);
        if (opts.signal?.aborted) throw opts.signal.reason;
        const reason = e instanceof ImageFetchError ? e.message : "download failed";
        throw badRequest(`image could not be downloaded: ${reason}`, firstParam.get(url) ?? null, "invalid_image_url");
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(MAX_CONCURRENT_FETCHES, queue.length) }, worker));
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
  }
  const messages = req.messages.map((m) => {
    if (!Array.isArray(m.content) || !m.content.some((p) => remoteUrl(p) !== undefined)) return m;
    const content = m.content.map((p): ContentPart => {
      const url = remoteUrl(p);
      return url === undefined || p.type !== "image_url" ? p : { ...p, image_url: { ...p.image_url, url: inlined.get(url) ?? url } };
    });
    return { ...m, content };
  });
  return { ...req, messages };
}

function remoteUrl(part: ContentPart): string | undefined {
  return part.type === "image_url" && /^https?:\/\//i.test(part.image_url.url) ? part.image_url.url : undefined;
}
