/**
 * The floors of a Bun gateway's stream path, for bench/floors.ts: one minimal proxy, four behaviours
 * (FLOOR env var), none with any gateway feature (no auth, limits, retries, metrics, timers):
 * - pipe:      `new Response(upstream.body)` — Bun pipes the bytes natively (like the pass-through);
 * - touch:     JavaScript reads every upstream chunk and writes it through a direct stream, unchanged;
 * - buffered:  `await upstream.text()`, one translation pass, one string body (not streaming);
 * - translate: streaming: reader, an `indexOf` scan of each chunk, one OpenAI frame per text delta
 *              (content cut from the raw JSON), one write + flush per read.
 * Non-streaming (`--mode json` in floors.ts), each adding one piece of the work any translating gateway does:
 * - json:       `await upstream.json()` and `Response.json(...)` (the answer parsed and serialized);
 * - json-parse: + the client's body parsed and serialized again for the upstream;
 * - json-abort: + a client disconnect or a deadline aborting the upstream call (an AbortController linked to
 *               the request's signal, a deadline timer, the signal passed to fetch, both undone at the end).
 *
 *   UPSTREAM_URL=http://127.0.0.1:PORT FLOOR=translate bun bench/floor-proxy.ts
 */
export {};

const upstream = process.env.UPSTREAM_URL ?? "";
const floor = process.env.FLOOR ?? "pipe";
const SSE = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache" };

/** Minimal translation: every `"text":"…"` of a text delta becomes one chat.completion.chunk frame. */
function translate(s: string): string {
  let out = "";
  for (let i = 0; ; ) {
    const d = s.indexOf("data: ", i);
    if (d < 0) return out;
    const e = s.indexOf("\n", d);
    if (e < 0) return out;
    i = e + 1;
    const t = s.indexOf('"text_delta","text":"', d);
    if (t < 0 || t > e) continue;
    const open = t + 20;
    const close = s.indexOf('"}', open + 1);
    out += `data: {"id":"chatcmpl-1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":${s.slice(open, close + 1)}},"logprobs":null,"finish_reason":null}],"usage":null}\n\n`;
  }
}

interface Direct {
  write(s: string | Uint8Array): void;
  flush(): void;
  close(): void;
}

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 0,
  async fetch(req) {
    const url = req.url;
    const path = url.slice(url.indexOf("/", url.indexOf("//") + 2));
    const headers = { "content-type": "application/json", authorization: "Bearer bench" };
    if (floor.startsWith("json")) return jsonFloor(req, upstream + path, headers);
    const res = await fetch(upstream + path, { method: "POST", headers, body: await req.arrayBuffer() });
    if (floor === "pipe") return new Response(res.body, { headers: SSE });
    if (floor === "buffered") return new Response(translate(await res.text()), { headers: SSE });
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const direct = {
      type: "direct",
      async pull(c: Direct) {
        for (;;) {
          const r = await reader.read();
          if (r.done) break;
          c.write(floor === "touch" ? r.value : translate(decoder.decode(r.value, { stream: true })));
          c.flush();
        }
        c.close();
      },
    };
    return new Response(new ReadableStream(direct as unknown as ConstructorParameters<typeof ReadableStream>[0]), { headers: SSE });
  },
});
async function jsonFloor(req: Request, target: string, headers: Record<string, string>): Promise<Response> {
  const body = floor === "json" ? await req.arrayBuffer() : JSON.stringify(await req.json());
  if (floor !== "json-abort") return Response.json(await (await fetch(target, { method: "POST", headers, body })).json());
  const ctrl = new AbortController();
  const onAbort = () => ctrl.abort();
  req.signal.addEventListener("abort", onAbort, { once: true });
  const timer = setTimeout(onAbort, 600_000);
  try {
    return Response.json(await (await fetch(target, { method: "POST", headers, body, signal: ctrl.signal })).json());
  } finally {
    clearTimeout(timer);
    req.signal.removeEventListener("abort", onAbort);
  }
}

console.log(`listening ${server.url.href.replace(/\/$/, "")}`);
process.on("SIGTERM", () => process.exit(0));
