import { expect400 } from "../../../helpers/errors.ts";
import { describe, expect, test } from "bun:test";
import { isBlank, normalizeBase64, parseDataUrl, sniffMediaType, toMediaBlocks } from "../../../../src/translate/to-anthropic/content.ts";
import type { ContentPart } from "../../../../src/wire/openai.ts";

const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const JPG = "/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAA==";
const GIF = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const WEBP = "UklGRiQAAABXRUJQVlA4IBgAAAAwAQCdASoBAAEAAwA0JaQAA3AA/vuUAAA=";
const PDF = "JVBERi0xLjQKJcOkw7zDtsOfCg==";
const BMP = "Qk06AAAAAAAAADYAAAAoAAAAAQAAAAEAAAABABgAAAAAAAQAAAA=";

const img = (url: string): ContentPart => ({ type: "image_url", image_url: { url } });
const file = (f: { filename?: string; file_data?: string; file_id?: string }): ContentPart => ({ type: "file", file: f });


describe("sniffMediaType", () => {
  test.each([
    ["png", PNG, "image/png"], ["jpeg", JPG, "image/jpeg"], ["gif", GIF, "image/gif"], ["webp", WEBP, "image/webp"],
    ["pdf", PDF, "application/pdf"], ["bmp", BMP, undefined], ["text", "aGVsbG8gd29ybGQ=", undefined], ["empty", "", undefined],
  ])("%s bytes → %p", (_label, data, type) => {
    expect(sniffMediaType(data)).toBe(type);
  });
});

describe("data URLs and base64", () => {
  test("parses media type, base64 flag and extra parameters", () => {
    expect(parseDataUrl(`data:image/PNG;charset=binary;base64,${PNG}`, "p")).toEqual({ mediaType: "image/png", base64: true, data: PNG });
    expect(parseDataUrl("data:text/plain,hello%20world", "p")).toEqual({ mediaType: "text/plain", base64: false, data: "hello world" });
    expect(parseDataUrl("https://x/y.png", "p")).toBeNull();
  });

  test("base64 is normalised: whitespace, url-safe alphabet, missing padding", () => {
    expect(normalizeBase64("aGVs\nbG8", "p")).toBe("aGVsbG8=");
    expect(normalizeBase64("-_-_", "p")).toBe("+/+/");
  });

  test("invalid base64 → 400", () => {
    expect400(() => normalizeBase64("not base64!", "p"), "p");
    expect400(() => normalizeBase64("abcde", "p"), "p");
  });
});

describe("image parts", () => {
  const P = "messages[0].content";

  test("the sniffed type wins over a wrong declared type", () => {
    const [block] = toMediaBlocks([img(`data:image/png;base64,${JPG}`)], P);
    expect(block).toEqual({ type: "image", source: { type: "base64", media_type: "image/jpeg", data: JPG } });
  });

  test("a declared supported type is kept when the bytes cannot be sniffed", () => {
    const [block] = toMediaBlocks([img("data:image/webp;base64,AAAAAAAA")], P);
    expect(block).toMatchObject({ source: { media_type: "image/webp" } });
  });

  test.each([
    ["unsupported type (bmp)", `data:image/bmp;base64,${BMP}`, "unsupported image type image/bmp"],
    ["svg, not base64", "data:image/svg+xml,<svg/>", "base64"],
    ["http URL left at translation time", "https://example.com/cat.png", "must be downloaded"],
    ["other scheme", "gs://bucket/cat.png", "data: URL"],
    ["broken base64", "data:image/png;base64,@@@@", "base64"],
  ])("%s → 400 naming the url", (_name, url, message) => {
    const err = expect400(() => toMediaBlocks([{ type: "text", text: "x" }, img(url)], P), `${P}[1].image_url.url`);
    expect(err.message).toContain(message);
  });

  test("input_audio → 400", () => {
    const part: ContentPart = { type: "input_audio", input_audio: { data: "AAAA", format: "wav" } };
    expect400(() => toMediaBlocks([part], P), `${P}[0].type`);
  });
});

describe("file parts", () => {
  const P = "messages[3].content";

  test("file_id → 400 (no Files API on Vertex)", () => {
    const err = expect400(() => toMediaBlocks([file({ file_id: "file-abc" })], P), `${P}[0].file.file_id`);
    expect(err.message).toContain("file_data");
  });

  test("raw base64 PDF without a filename is recognised by its bytes", () => {
    expect(toMediaBlocks([file({ file_data: PDF })], P)).toEqual([
      { type: "document", source: { type: "base64", media_type: "application/pdf", data: PDF } },
    ]);
  });

  test("a markdown data URL becomes a plain-text document", () => {
    const data = Buffer.from("# Title\nbody").toString("base64");
    expect(toMediaBlocks([file({ filename: "a.md", file_data: `data:text/markdown;base64,${data}` })], P)).toEqual([
      { type: "document", source: { type: "text", media_type: "text/plain", data: "# Title\nbody" }, title: "a.md" },
    ]);
  });

  test.each([
    ["unsupported type", { filename: "a.zip", file_data: "data:application/zip;base64,UEsDBA==" }, "unsupported file type application/zip"],
    ["raw base64 with unknown type", { filename: "blob.bin", file_data: "AAAAAAAA" }, "unsupported file type"],
    ["raw data that is not base64", { filename: "x.pdf", file_data: "%PDF-1.4 raw" }, "base64"],
    ["empty text file", { file_data: "data:text/plain;base64,ICAg" }, "empty"],
  ])("%s → 400 naming file_data", (_name, f, message) => {
    const err = expect400(() => toMediaBlocks([file(f)], P), `${P}[0].file.file_data`);
    expect(err.message).toContain(message);
  });

  test("cache_control on a file part is kept", () => {
    const part: ContentPart = { type: "file", file: { file_data: PDF }, cache_control: { type: "ephemeral", ttl: "1h" } };
    expect(toMediaBlocks([part], P)[0]).toMatchObject({ type: "document", cache_control: { type: "ephemeral", ttl: "1h" } });
  });
});

describe("isBlank", () => {
  test("is exactly trim() === \"\"", () => {
    const texts = ["", " ", "\n\t\r", "\u00a0", "\u3000 ", "\ufeff", "\u2028", "a", " a", "a ", "é", "\u00a0x", "~", "!", "\u007f"];
    for (const t of texts) expect([t, isBlank(t)]).toEqual([t, t.trim() === ""]);
  });
});
