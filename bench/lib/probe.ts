/**
 * Unloaded probes over one raw keep-alive TCP connection (no HTTP client library in the way): for each
 * request, the time to the first response byte, to the first SSE `data:` line, and to the end of the
 * response. Handles both Content-Length and chunked answers.
 */
import type { Socket } from "bun";

export interface ProbeTiming {
  status: number;
  /** µs from the write of the request to the first response byte (status line). */
  firstByteUs: number;
  /** µs to the first `data:` in the body (equals totalUs when there is none). */
  firstDataUs: number;
  /** µs to the last byte of the response. */
  totalUs: number;
}

interface Pending {
  t0: number;
  buf: Buffer;
  firstByte?: number;
  firstData?: number;
  resolve: (t: ProbeTiming) => void;
  reject: (e: Error) => void;
}

const CRLF2 = Buffer.from("\r\n\r\n");
const DATA = Buffer.from("data:");

/** A connection that sends prepared raw HTTP/1.1 requests one at a time. */
export interface ProbeConn {
  send(raw: Uint8Array): Promise<ProbeTiming>;
  close(): void;
}

/** Builds the bytes of a keep-alive POST request. */
export function rawPost(url: string, body: string, headers: Record<string, string> = {}): Uint8Array {
  const u = new URL(url);
  const b = Buffer.from(body);
  const lines = [
    `POST ${u.pathname}${u.search} HTTP/1.1`,
    `Host: ${u.host}`,
    "Content-Type: application/json",
    `Content-Length: ${b.length}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    "",
    "",
  ];
  return Buffer.concat([Buffer.from(lines.join("\r\n")), b]);
}

/** Opens a connection to `url`'s host:port. */
export async function openProbe(url: string): Promise<ProbeConn> {
  const u = new URL(url);
  let pending: Pending | undefined;
  const now = () => performance.now();
  const socket: Socket<undefined> = await Bun.connect({
    hostname: u.hostname,
    port: Number(u.port),
    socket: {
      data(_s, chunk) {
        const p = pending;
        if (!p) return;
        const t = now();
        p.firstByte ??= t;
        p.buf = p.buf.length ? Buffer.concat([p.buf, chunk]) : Buffer.from(chunk);
        const head = p.buf.indexOf(CRLF2);
        if (head < 0) return;
        if (p.firstData === undefined && p.buf.indexOf(DATA, head) >= 0) p.firstData = t;
        const status = Number(p.buf.subarray(9, 12).toString());
        if (complete(p.buf, head)) {
          pending = undefined;
          p.resolve({
            status,
            firstByteUs: (p.firstByte - p.t0) * 1000,
            firstDataUs: ((p.firstData ?? t) - p.t0) * 1000,
            totalUs: (t - p.t0) * 1000,
          });
        }
      },
      close() {
        pending?.reject(new Error("connection closed"));
        pending = undefined;
      },
      error(_s, e) {
        pending?.reject(e);
        pending = undefined;
      },
    },
  });
  return {
    send(raw) {
      return new Promise<ProbeTiming>((resolve, reject) => {
        pending = { t0: now(), buf: Buffer.alloc(0), resolve, reject };
        socket.write(raw);
      });
    },
    close() {
      socket.end();
    },
  };
}

/** Whether the buffer holds one whole HTTP response (headers end at `head`). */
function complete(buf: Buffer, head: number): boolean {
  const headers = buf.subarray(0, head).toString("latin1").toLowerCase();
  const bodyStart = head + 4;
  const cl = /\r\ncontent-length:\s*(\d+)/.exec(headers);
  if (cl) return buf.length - bodyStart >= Number(cl[1]);
  if (!/\r\ntransfer-encoding:\s*chunked/.test(headers)) return true;
  // Walk the chunks: size line, data, CRLF … until the zero-size chunk and its trailing CRLF.
  let i = bodyStart;
  for (;;) {
    const eol = buf.indexOf("\r\n", i);
    if (eol < 0) return false;
    const size = parseInt(buf.subarray(i, eol).toString("latin1"), 16);
    if (size === 0) return buf.length >= eol + 4; // no trailers: "0\r\n\r\n"
    i = eol + 2 + size + 2;
    if (i > buf.length) return false;
  }
}
