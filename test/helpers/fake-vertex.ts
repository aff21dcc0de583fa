/**
 * A fake Vertex AI Claude upstream on 127.0.0.1 (random port), faithful to protocol.md §H.
 *
 *   const fake = await startFakeVertex();                 // opts: { acceptTokens?, strict?, eventDelayMs?, models? }
 *   config.vertex.base_url = fake.url;                    // "http://127.0.0.1:PORT"
 *   fake.reply(quotaExceeded(), { message: { content: [{ type: "text", text: "hi" }] } });  // scripted, in order
 *   fake.requests[0].body / .model / .stream / .headers   // what arrived (body parsed JSON)
 *   fake.tokens                                           // bearer tokens seen, in order
 *   fake.abortedStreams / fake.openStreams                 // streams the client abandoned / still open
 *   await fake.close();
 *
 * Routes: POST /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:(rawPredict|streamRawPredict),
 * and …/models/count-tokens:rawPredict ({"input_tokens":N}). Anything else → Google 404 NOT_FOUND.
 * Checks, in order (none consumes a scripted reply):
 *   1. bearer: missing, or rejected by `acceptTokens` (default: any non-empty token) → Google 401 UNAUTHENTICATED;
 *   2. body: fake-vertex-validate.ts (no `model`, anthropic_version, max_tokens, user-first alternating turns,
 *      tool_use/tool_result pairing, non-empty text, no URL sources, image types, tool names) → Anthropic 400.
 *      `strict: true` also rejects unknown top-level fields and content-block types.
 * Google-shaped errors on :streamRawPredict use the pretty-printed one-element array form, like Vertex.
 *
 * Replies (FakeReply), consumed in order; an empty queue → the default reply:
 *   { status, json?, text?, headers?, delayMs? }   any raw response (after delayMs)
 *   { message: Partial<Message>, delayMs? }        200 message over the default one (SSE on :streamRawPredict)
 *   { sse: (string|bytes)[], delayMs? }            raw SSE pieces written one by one, delayMs apart, then end
 *   { sse, reset: true }                           pieces, then the connection is killed (client sees ECONNRESET)
 *   { sse, stall: true }                           pieces, then silence until the client goes away
 *   { sse, paced: true }                           pieces written only as fast as the client reads them (each
 *                                                  waits until the socket took the last; fake.piecesSent counts)
 * Default reply: text "Echo: <last user text>" (or a tool_use of the first/named tool when tools are given
 * with tool_choice any/tool; a thinking block first when thinking is on), ids msg_vrtx_…/toolu_vrtx_…,
 * model = URL model with '@' → '-', usage with both cache fields 0, stop_sequences/max_tokens honoured.
 * Streams follow D.1 with Vertex quirks: ping right after message_start, a vertex_event, trailing-space
 * padding, tool JSON in several partial_json pieces, `text/event-stream; charset=utf-8`, eventDelayMs apart.
 */
import type { Message } from "../../src/wire/anthropic.ts";
import { defaultMessage } from "./fake-vertex-default.ts";
import { type FakeReply, googleErrorReply, invalidRequest, messageToSSE, unauthenticated } from "./fake-vertex-messages.ts";
import { validateBody } from "./fake-vertex-validate.ts";

export * from "./fake-vertex-messages.ts";
export { defaultMessage } from "./fake-vertex-default.ts";

export interface RecordedRequest {
  method: string;
  path: string;
  /** The model id from the URL, percent-decoded (e.g. `claude-sonnet-4-5@20250929`). */
  model: string;
  /** True for :streamRawPredict. */
  stream: boolean;
  headers: Record<string, string>;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body: any;
  /** The client's TCP port: equal ports on consecutive requests = a reused keep-alive connection. */
  remotePort?: number;
}

export interface FakeVertex {
  url: string;
  requests: RecordedRequest[];
  reply(...r: FakeReply[]): void;
  /** Streaming responses whose client went away before the fake finished writing. */
  abortedStreams: number;
  openStreams: number;
  /** Pieces of `paced` streams written so far (a writer blocked by a client that does not read stops counting). */
  piecesSent: number;
  /** Non-streaming requests whose client went away while the fake was delaying its answer. */
  abortedRequests: number;
  /** Bearer tokens seen, in order (rejected ones too). */
  tokens: string[];
  acceptTokens?: (t: string) => boolean;
  /** Forget requests, tokens and any unconsumed replies. */
  clear(): void;
  close(): Promise<void>;
}

export interface FakeVertexOptions {
  acceptTokens?: (t: string) => boolean;
  strict?: boolean;
  /** Delay between SSE events of generated streams (default 2 ms). */
  eventDelayMs?: number;
  /** Known model ids; others → Google 404 (default: any model). */
  models?: string[];
}

const PATH = /^\/v1\/projects\/([^/]+)\/locations\/([^/]+)\/publishers\/([^/]+)\/models\/([^/:]+):(rawPredict|streamRawPredict)$/;
const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** Starts the fake on 127.0.0.1 with a random port. */
export async function startFakeVertex(opts: FakeVertexOptions = {}): Promise<FakeVertex> {
  const queue: FakeReply[] = [];
  let counter = 0;
  const fake: FakeVertex = {
    url: "",
    requests: [],
    tokens: [],
    abortedStreams: 0,
    openStreams: 0,
    piecesSent: 0,
    abortedRequests: 0,
    acceptTokens: opts.acceptTokens,
    reply: (...r) => void queue.push(...r),
    clear() {
      fake.requests.length = 0;
      fake.tokens.length = 0;
      fake.piecesSent = 0;
      queue.length = 0;
    },
    close: async () => {},
  };
  const eventDelay = opts.eventDelayMs ?? 2;

  /** Counts a stream as open until `done` (once; aborted → abortedStreams), which the client's abort calls too. */
  const openStream = (signal: AbortSignal) => {
    let finished = false;
    const done = (aborted: boolean) => {
      if (finished) return;
      finished = true;
      fake.openStreams--;
      if (aborted) fake.abortedStreams++;
    };
    fake.openStreams++;
    signal.addEventListener("abort", () => done(true), { once: true });
    return {
      done,
      get finished() {
        return finished;
      },
    };
  };

  const sseResponse = (pieces: (string | Uint8Array)[], mode: { delayMs: number; reset?: boolean; stall?: boolean }, signal: AbortSignal) => {
    const enc = new TextEncoder();
    const st = openStream(signal);
    const { done } = st;
    const body = new ReadableStream<Uint8Array>({
      async start(ctrl) {
        try {
          for (let i = 0; i < pieces.length; i++) {
            if (i > 0 && mode.delayMs > 0) await Bun.sleep(mode.delayMs);
            if (st.finished) return;
            const piece = pieces[i]!;
            ctrl.enqueue(typeof piece === "string" ? enc.encode(piece) : piece);
          }
          if (mode.stall) return; // hang until the client aborts (cancel/abort → done(true))
          if (mode.reset) {
            await Bun.sleep(1);
            done(false);
            ctrl.error(undefined); // Bun drops the socket without the final chunk, silently
            return;
          }
          done(false);
          ctrl.close();
        } catch {
          done(true);
        }
      },
      cancel() {
        done(true);
      },
    });
    return new Response(body, { status: 200, headers: SSE_HEADERS });
  };

  /** A direct stream that writes one piece at a time and waits for the socket (flush(true)) before the next. */
  const pacedResponse = (pieces: (string | Uint8Array)[], signal: AbortSignal) => {
    const st = openStream(signal);
    const { done } = st;
    const source = {
      type: "direct",
      async pull(c: { write(s: string | Uint8Array): unknown; flush(wait: boolean): unknown; close(): void }) {
        for (const piece of pieces) {
          if (st.finished) return;
          c.write(piece);
          await c.flush(true);
          fake.piecesSent++;
        }
        done(false);
        c.close();
      },
      cancel: () => done(true),
    };
    return new Response(new ReadableStream(source as unknown as ConstructorParameters<typeof ReadableStream>[0]), { status: 200, headers: SSE_HEADERS });
  };

  const send = async (r: FakeReply, rec: RecordedRequest, urlModel: string, signal: AbortSignal): Promise<Response> => {
    if ("sse" in r && "paced" in r && r.paced) return pacedResponse(r.sse, signal);
    if ("sse" in r) return sseResponse(r.sse, { delayMs: r.delayMs ?? eventDelay, reset: "reset" in r && r.reset, stall: "stall" in r && r.stall }, signal);
    if (r.delayMs) {
      const onAbort = () => fake.abortedRequests++;
      signal.addEventListener("abort", onAbort, { once: true });
      await Bun.sleep(r.delayMs);
      signal.removeEventListener("abort", onAbort);
    }
    if ("message" in r) {
      const msg: Message = { ...defaultMessage(rec.body, urlModel, ++counter), ...r.message } as Message;
      if (rec.stream) return sseResponse(messageToSSE(msg), { delayMs: eventDelay }, signal);
      return Response.json(msg, { headers: { "content-type": "application/json", ...r.headers } });
    }
    const headers: Record<string, string> = { ...r.headers };
    const lower = Object.keys(headers).map((k) => k.toLowerCase());
    let payload: string;
    if (r.json !== undefined) payload = JSON.stringify(r.json);
    else payload = r.text ?? "";
    if (!lower.includes("content-type")) headers["content-type"] = r.json !== undefined || looksJson(payload) ? "application/json; charset=UTF-8" : "text/html; charset=UTF-8";
    return new Response(payload, { status: r.status, headers });
  };

  const server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(req, srv) {
      const u = new URL(req.url);
      const m = PATH.exec(u.pathname);
      const text = await req.text();
      let body: any = text;
      try {
        body = JSON.parse(text);
      } catch {
        // keep the raw text
      }
      const headers: Record<string, string> = {};
      req.headers.forEach((v, k) => (headers[k] = v));
      const urlModel = m ? decodeURIComponent(m[4]!) : "";
      const rec: RecordedRequest = { method: req.method, path: u.pathname, model: urlModel, stream: m?.[5] === "streamRawPredict", headers, body, remotePort: srv.requestIP(req)?.port };
      fake.requests.push(rec);
      const array = rec.stream;

      const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.get("authorization") ?? "")?.[1]?.trim();
      if (bearer) fake.tokens.push(bearer);
      if (!bearer || (fake.acceptTokens && !fake.acceptTokens(bearer))) return send(unauthenticated({ array }), rec, urlModel, req.signal);

      const resource = m ? `projects/${m[1]}/locations/${m[2]}/publishers/${m[3]}/models/${urlModel}` : u.pathname;
      const notFound = () => send(googleErrorReply(404, "NOT_FOUND", `Publisher Model \`${resource}\` not found.`, { array }), rec, urlModel, req.signal);
      if (req.method !== "POST" || !m || m[3] !== "anthropic") return notFound();
      if (urlModel === "count-tokens" && !rec.stream) {
        return Response.json({ input_tokens: defaultMessage({ ...body, max_tokens: 1 }, "x", 0).usage.input_tokens });
      }
      if (opts.models && !opts.models.includes(urlModel)) return notFound();

      const problem = validateBody(body, { strict: opts.strict });
      if (problem) return send(invalidRequest(problem), rec, urlModel, req.signal);
      const next = queue.shift() ?? { message: {} };
      return send(next, rec, urlModel, req.signal);
    },
  });
  fake.url = `http://127.0.0.1:${server.port}`;
  fake.close = async () => {
    await server.stop(true);
  };
  return fake;
}

function looksJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}
