/** Reading request bodies safely: a size cap (413) and clear 400s for bodies that are not JSON. */
import { HttpError } from "../errors.ts";

function tooLarge(max: number): HttpError {
  return new HttpError(413, `Request body is larger than the ${max}-byte limit ([server] max_body_bytes).`, {
    type: "invalid_request_error",
    code: "request_too_large",
  });
}

/**
 * Reads and parses a JSON body. Any Content-Type is accepted (many clients omit it); the size cap holds
 * whether or not Content-Length is sent.
 */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  const declared = req.headers.get("content-length");
  if (declared !== null) {
    // HTTP framing bounds the body to the declared length. Hot path: Bun parses the bytes directly (no
    // intermediate JS string); a blank body is a parse error then, reported as empty.
    const n = Number(declared);
    if (n > maxBytes) throw tooLarge(maxBytes);
    if (n === 0) throw emptyBody();
    try {
      return await req.json();
    } catch (e) {
      throw notJson(e);
    }
  }
  const text = await readCapped(req, maxBytes);
  if (text.trim() === "") throw emptyBody();
  try {
    return JSON.parse(text);
  } catch (e) {
    throw notJson(e);
  }
}

function emptyBody(): HttpError {
  return new HttpError(400, "The request body is empty; send a JSON object.", { type: "invalid_request_error" });
}

function notJson(e: unknown): HttpError {
  return new HttpError(
    400,
    `We could not parse the JSON body of your request (${(e as Error).message}). The OpenAI API expects a JSON payload.`,
    { type: "invalid_request_error" },
  );
}

async function readCapped(req: Request, maxBytes: number): Promise<string> {
  if (!req.body) return "";
  const decoder = new TextDecoder();
  let size = 0;
  let out = "";
  for await (const chunk of req.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > maxBytes) throw tooLarge(maxBytes);
    out += decoder.decode(chunk, { stream: true });
  }
  return out + decoder.decode();
}
