/**
 * OpenAI content parts → Anthropic content blocks (pure). Only inline data reaches Claude: Vertex rejects
 * URL and file-id sources, so http(s) images must have been inlined by the server (net/inline-images.ts)
 * before translation, and `file_id` is refused. Empty or whitespace-only text is never sent (Anthropic
 * rejects it). Media types are sniffed from the bytes; the real type wins over a wrong declared one.
 */
import { sniffMediaType as sniffBytes } from "../../wire/media.ts";
import { badRequest } from "../../errors.ts";
import type { CacheControl, DocumentBlock, ImageBlock, RequestContentBlock, TextBlock } from "../../wire/anthropic.ts";
import type { CacheControlParam, ContentPart, FilePart } from "../../wire/openai.ts";

/** The image types Claude accepts. */
export const IMAGE_MEDIA_TYPES = ["image/jpeg", "image/png", "image/gif", "image/webp"] as const;
export type MediaBlock = TextBlock | ImageBlock | DocumentBlock;

/** A text block, or nothing when the text is empty or whitespace-only. */
export function textBlocks(text: string, cc?: CacheControlParam): TextBlock[] {
  if (isBlank(text)) return [];
  return [cc ? { type: "text", text, cache_control: cacheControl(cc) } : { type: "text", text }];
}

/** True for "" and whitespace-only text (as `trim() === ""`; a text starting with a visible ASCII character is decided at once). */
export function isBlank(text: string): boolean {
  const c = text.charCodeAt(0);
  if (c > 32 && c < 127) return false;
  return text.trim() === "";
}

/** User (or tool) content → text / image / document blocks. `p` is the param path of the content. */
export function toMediaBlocks(content: string | ContentPart[] | null | undefined, p: string): MediaBlock[] {
  if (content == null) return [];
  if (typeof content === "string") return textBlocks(content);
  const out: MediaBlock[] = [];
  content.forEach((part, j) => out.push(...partToBlocks(part, `${p}[${j}]`)));
  return out;
}

function partToBlocks(part: ContentPart, p: string): MediaBlock[] {
  switch (part.type) {
    case "text":
      return textBlocks(part.text, part.cache_control);
    case "refusal":
      return textBlocks(part.refusal);
    case "image_url":
      return [withCache(imageFromUrl(part.image_url.url, `${p}.image_url.url`), part.cache_control)];
    case "file":
      return [withCache(fileBlock(part.file, `${p}.file`), part.cache_control)];
    case "input_audio":
      throw badRequest("audio input is not supported by Claude; remove the input_audio part", `${p}.type`);
  }
}

/** Copies a client cache marker onto an Anthropic block (ttl kept). */
export function cacheControl(cc: CacheControlParam): CacheControl {
  return cc.ttl ? { type: "ephemeral", ttl: cc.ttl } : { type: "ephemeral" };
}

function withCache<T extends RequestContentBlock>(block: T, cc: CacheControlParam | undefined): T {
  return cc ? { ...block, cache_control: cacheControl(cc) } : block;
}

function imageFromUrl(url: string, p: string): ImageBlock {
  if (/^https?:/i.test(url))
    throw badRequest("http(s) image URLs must be downloaded before translation; send the image as a base64 data: URL", p);
  const d = parseDataUrl(url, p);
  if (!d) throw badRequest("image URL must be a base64 data: URL (data:image/png;base64,…)", p);
  if (!d.base64) throw badRequest("image data: URL must be base64-encoded", p);
  return { type: "image", source: { type: "base64", media_type: imageMediaType(d.mediaType, d.data, p), data: d.data } };
}

function imageMediaType(declared: string, data: string, p: string): string {
  const sniffed = sniffMediaType(data);
  if (sniffed && sniffed.startsWith("image/")) return sniffed;
  const norm = declared === "image/jpg" ? "image/jpeg" : declared;
  if ((IMAGE_MEDIA_TYPES as readonly string[]).includes(norm)) return norm;
  throw badRequest(`unsupported image type ${declared || "(unknown)"}; Claude accepts ${IMAGE_MEDIA_TYPES.join(", ")}`, p);
}

/** A `file` part: PDF → base64 document, text/* → text document, image → image block. */
function fileBlock(file: FilePart["file"], p: string): MediaBlock {
  if (file.file_data === undefined)
    throw badRequest("file_id references are not supported (Vertex AI has no Files API); send the file inline as file_data", `${p}.file_id`);
  const dp = `${p}.file_data`;
  const parsed = file.file_data.startsWith("data:")
    ? parseDataUrl(file.file_data, dp)
    : { mediaType: mediaTypeFromName(file.filename), base64: true, data: normalizeBase64(file.file_data, dp) };
  if (!parsed) throw badRequest("file_data must be a data: URL or base64 data", dp);
  const title = file.filename ? { title: file.filename } : {};
  const sniffed = parsed.base64 ? sniffMediaType(parsed.data) : undefined;
  if (sniffed === "application/pdf" || (!sniffed && parsed.mediaType === "application/pdf" && parsed.base64))
    return { type: "document", source: { type: "base64", media_type: "application/pdf", data: parsed.data }, ...title };
  if (sniffed?.startsWith("image/") || parsed.mediaType.startsWith("image/")) {
    if (!parsed.base64) throw badRequest("image file_data must be base64-encoded", dp);
    const media_type = imageMediaType(parsed.mediaType, parsed.data, dp);
    return { type: "image", source: { type: "base64", media_type, data: parsed.data } };
  }
  if (parsed.mediaType.startsWith("text/")) {
    const text = parsed.base64 ? Buffer.from(parsed.data, "base64").toString("utf8") : parsed.data;
    if (text.trim() === "") throw badRequest("file_data is empty", dp);
    return { type: "document", source: { type: "text", media_type: "text/plain", data: text }, ...title };
  }
  throw badRequest(
    `unsupported file type ${parsed.mediaType || "(unknown)"}; Claude accepts PDF, plain text and jpeg/png/gif/webp images`,
    dp,
  );
}

function mediaTypeFromName(name: string | undefined): string {
  const ext = name?.toLowerCase().match(/\.([a-z0-9]+)$/)?.[1];
  const byExt: Record<string, string> = {
    pdf: "application/pdf", txt: "text/plain", md: "text/markdown", csv: "text/csv",
    png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  };
  return (ext && byExt[ext]) || "";
}

interface DataUrl {
  mediaType: string;
  base64: boolean;
  /** Normalised base64 (when base64) or the decoded text. */
  data: string;
}

/** Parses `data:[<type>][;params][;base64],<data>`; null when `url` is not a data URL. */
export function parseDataUrl(url: string, p: string): DataUrl | null {
  const m = /^data:([^,]*),/i.exec(url);
  if (!m) return null;
  const meta = (m[1] ?? "").split(";").map((s) => s.trim());
  const mediaType = (meta[0] ?? "").toLowerCase();
  const base64 = meta.slice(1).some((s) => s.toLowerCase() === "base64");
  const rest = url.slice(m[0].length);
  if (base64) return { mediaType, base64, data: normalizeBase64(rest, p) };
  try {
    return { mediaType, base64, data: decodeURIComponent(rest) };
  } catch {
    throw badRequest("data: URL is not correctly percent-encoded", p);
  }
}

/** Strips whitespace, accepts the URL-safe alphabet and missing padding; 400 on anything else. */
export function normalizeBase64(s: string, p: string): string {
  let b = s.replace(/\s+/g, "");
  if (/[-_]/.test(b)) b = b.replace(/-/g, "+").replace(/_/g, "/");
  if (b === "" || !/^[A-Za-z0-9+/]+={0,2}$/.test(b)) throw badRequest("data is not valid base64", p);
  const pad = b.length % 4;
  if (pad === 1) throw badRequest("data is not valid base64", p);
  return pad === 0 ? b : b + "=".repeat(4 - pad);
}

/** Detects jpeg/png/gif/webp/pdf from the first bytes of base64 data. */
export function sniffMediaType(base64: string): string | undefined {
  return sniffBytes(Buffer.from(base64.slice(0, 16), "base64"));
}
