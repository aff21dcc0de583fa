/**
 * Target (b): the floor for any Bun gateway. It reads the request body, forwards it with the same path
 * to the upstream, and pipes the answer's bytes back untouched — no parsing, no translation, no logging.
 *
 *   UPSTREAM_URL=http://127.0.0.1:PORT bun bench/passthrough-proxy.ts [--port 0]
 *
 * Prints `listening http://127.0.0.1:PORT` once ready.
 */
const upstream = (process.env.UPSTREAM_URL ?? "").replace(/\/$/, "");
if (!upstream) {
  console.error("set UPSTREAM_URL to the upstream origin");
  process.exit(2);
}
const i = process.argv.indexOf("--port");
const port = i >= 0 ? Number(process.argv[i + 1] ?? 0) : 0;

const server = Bun.serve({
  hostname: "127.0.0.1",
  port,
  idleTimeout: 0,
  async fetch(req) {
    const url = req.url;
    const pathStart = url.indexOf("/", url.indexOf("//") + 2);
    const headers: Record<string, string> = { "content-type": req.headers.get("content-type") ?? "application/json" };
    const auth = req.headers.get("authorization");
    if (auth) headers.authorization = auth;
    const res = await fetch(upstream + url.slice(pathStart), { method: req.method, headers, body: await req.arrayBuffer() });
    return new Response(res.body, { status: res.status, headers: { "content-type": res.headers.get("content-type") ?? "application/octet-stream" } });
  },
});

console.log(`listening ${server.url.href.replace(/\/$/, "")}`);

// Exit cleanly on SIGTERM (lets `bun --cpu-prof` write its profile).
process.on("SIGTERM", () => process.exit(0));
