/**
 * The built-in demo upstream ("mock" provider): simulates Claude in-process so `bun start` works on a fresh
 * clone. It goes through exactly the same translation code as Vertex.
 */
import { UpstreamError } from "../../errors.ts";
import type { StreamEvent } from "../../wire/anthropic.ts";
import type { CallOptions, Provider } from "../types.ts";
import { messageToEvents } from "./events.ts";
import { mockReply } from "./reply.ts";

export { messageToEvents } from "./events.ts";
export { mockReply } from "./reply.ts";

/** Creates the demo provider. `delayMs` spaces out streamed events (0 = as fast as possible). */
export function createMockProvider(opts: { delayMs?: number } = {}): Provider {
  let seq = 0;
  const delayMs = opts.delayMs ?? 0;
  return {
    name: "mock",
    async complete(body, o: CallOptions) {
      if (o.signal.aborted) throw new UpstreamError("network", 0, "request aborted");
      return { attempts: 1, upstreamStatus: 200, message: mockReply(body, o.target.model, ++seq) };
    },
    async stream(body, o: CallOptions) {
      const events = messageToEvents(mockReply(body, o.target.model, ++seq));
      return { attempts: 1, upstreamStatus: 200, events: iterate(events, delayMs, o.signal) };
    },
    async ready() {},
  };
}

async function* iterate(events: StreamEvent[], delayMs: number, signal: AbortSignal): AsyncGenerator<StreamEvent> {
  for (const ev of events) {
    if (signal.aborted) return;
    if (delayMs > 0) await Bun.sleep(delayMs);
    yield ev;
  }
}
