/**
 * The gateway in-process with a stub upstream, for bench/request.bench.ts and bench/inprocess-ab.ts: the
 * app (createServerApp) of the checkout at `root`, whose provider answers at once: the canned message, or
 * the SSE bytes `upstream()` gives, as one network read through that checkout's real Vertex event
 * iterator (so the stream fast paths the server takes are the ones measured). No sockets.
 */
import { resolve } from "node:path";
import { upstreamJson, VERTEX_MODEL } from "./scenarios.ts";

export interface StubApp {
  /** POSTs a chat body and reads the answer to its end; throws unless it is a 200. */
  roundTrip(body: string): Promise<void>;
}

/** Loads the app of the checkout at `root` (its own modules, so two checkouts can run side by side). */
export async function loadStubApp(root: string, upstream: () => Uint8Array): Promise<StubApp> {
  const src = resolve(root, "src");
  const { createServerApp } = await import(`${src}/server/app.ts`);
  const { defineConfig } = await import(`${src}/config/schema.ts`);
  const { vertexEvents } = await import(`${src}/providers/vertex/stream.ts`);
  const { createDeadline } = await import(`${src}/net/deadline.ts`);
  const config = defineConfig({
    server: { log_level: "warn" },
    auth: { access_token: "bench" },
    vertex: { provider: "vertex", project: "p", region: "us-east5", model: VERTEX_MODEL },
  });
  const message = JSON.parse(upstreamJson());
  const provider = {
    name: "vertex",
    complete: async () => ({ attempts: 1, upstreamStatus: 200, message }),
    stream: async (_body: unknown, opts: { signal?: AbortSignal }) => {
      const bytes = upstream();
      const body = new ReadableStream<Uint8Array>({ pull: (c) => (c.enqueue(bytes), c.close()) });
      return { attempts: 1, upstreamStatus: 200, events: vertexEvents(body, { deadline: createDeadline(0, opts.signal), inactivityMs: 300_000 }) };
    },
  };
  const app = createServerApp({ config, provider, version: "bench" }) as { fetch(req: Request): Promise<Response> };
  return {
    async roundTrip(body) {
      const req = new Request("http://127.0.0.1/v1/chat/completions", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), authorization: "Bearer bench" },
        body,
      });
      const res = await app.fetch(req);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      // A stream that failed is still a 200: it must end with [DONE], not with an error frame.
      if (res.headers.get("content-type")?.startsWith("text/event-stream") && !endsWith(bytes, DONE)) {
        throw new Error(`the stream did not end with [DONE]: …${new TextDecoder().decode(bytes.subarray(-300))}`);
      }
    },
  };
}

const DONE = new TextEncoder().encode("data: [DONE]\n\n");

function endsWith(bytes: Uint8Array, tail: Uint8Array): boolean {
  if (bytes.length < tail.length) return false;
  const at = bytes.length - tail.length;
  for (let i = 0; i < tail.length; i++) if (bytes[at + i] !== tail[i]) return false;
  return true;
}
