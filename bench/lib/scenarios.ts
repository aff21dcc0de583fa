/**
 * The benchmark's workloads: the OpenAI request each client sends, the equivalent Vertex (Anthropic)
 * request sent straight to the upstream, and the canned upstream answer the fake serves for it.
 *
 * The fake picks its answer from the URL verb (`:rawPredict` → JSON, `:streamRawPredict` → SSE) and a
 * marker in the prompt (`[bench:d1000]`, `[bench:tool]`), which the gateway forwards untouched, so every
 * target gets byte-identical upstream answers.
 */

export type ModeName = "json" | "stream20" | "stream1000" | "tool";

export const MODES: readonly ModeName[] = ["json", "stream20", "stream1000", "tool"];

export const MODE_LABEL: Record<ModeName, string> = {
  json: "non-streaming",
  stream20: "stream, 20 deltas",
  stream1000: "stream, 1000 deltas",
  tool: "stream, tool call",
};

/** The Vertex model id the gateway is configured with (and the client-facing name it answers to). */
export const VERTEX_MODEL = "claude-sonnet-4-5@20250929";
export const CLIENT_MODEL = "claude-sonnet-4-5";
export const PROJECT = "bench-project";
export const REGION = "us-east5";

const SYSTEM =
  "You are a concise assistant embedded in a developer tool. Answer in plain English, prefer short " +
  "paragraphs, and when you show code, use fenced blocks with the language name. Never invent APIs; " +
  "if you are unsure, say so and suggest how to check. The user works on a TypeScript service on Bun.";

const HISTORY = [
  { role: "user", content: "What does a reverse proxy add to a request's latency, roughly?" },
  {
    role: "assistant",
    content:
      "On loopback a lean proxy adds tens of microseconds: one extra accept/read/write cycle on each side " +
      "plus whatever parsing and copying it does. Over a network the extra hop dominates.",
  },
];

const TOOLS = [
  {
    type: "function",
    function: {
      name: "get_weather",
      description: "Current weather for a city.",
      parameters: {
        type: "object",
        properties: {
          location: { type: "string", description: "City and country, e.g. Florence, Italy" },
          unit: { type: "string", enum: ["celsius", "fahrenheit"] },
        },
        required: ["location"],
      },
    },
  },
  {
    type: "function",
    function: {
      name: "search_docs",
      description: "Full-text search over the project documentation.",
      parameters: {
        type: "object",
        properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 20 } },
        required: ["query"],
      },
    },
  },
];

function prompt(mode: ModeName): string {
  const marker = mode === "stream1000" ? " [bench:d1000]" : mode === "tool" ? " [bench:tool]" : "";
  return `And what does an OpenAI-to-Claude translating gateway add on top of that?${marker}`;
}

/** The OpenAI Chat Completions body a client sends to a gateway for this mode. */
export function openaiBody(mode: ModeName): string {
  const stream = mode !== "json";
  return JSON.stringify({
    model: CLIENT_MODEL,
    messages: [{ role: "system", content: SYSTEM }, ...HISTORY, { role: "user", content: prompt(mode) }],
    max_tokens: 1024,
    temperature: 0.2,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(mode === "tool" ? { tools: TOOLS, tool_choice: "auto" } : {}),
  });
}

/** The equivalent Vertex `rawPredict` body (what the gateway would send), for the direct and pass-through targets. */
export function vertexBody(mode: ModeName): string {
  return JSON.stringify({
    anthropic_version: "vertex-2023-10-16",
    system: SYSTEM,
    messages: [...HISTORY, { role: "user", content: prompt(mode) }].map((m) => ({
      role: m.role,
      content: [{ type: "text", text: m.content }],
    })),
    max_tokens: 1024,
    temperature: 0.2,
    ...(mode === "json" ? {} : { stream: true }),
    ...(mode === "tool"
      ? {
          tools: TOOLS.map((t) => ({ name: t.function.name, description: t.function.description, input_schema: t.function.parameters })),
          tool_choice: { type: "auto" },
        }
      : {}),
  });
}

/** The Vertex URL path for a mode (relative to the fake's origin). */
export function vertexPath(mode: ModeName): string {
  const verb = mode === "json" ? "rawPredict" : "streamRawPredict";
  return `/v1/projects/${PROJECT}/locations/${REGION}/publishers/anthropic/models/${VERTEX_MODEL}:${verb}`;
}

// ---------------------------------------------------------------------------------------------
// Canned upstream answers (Vertex-faithful: event names, `{"type": "ping"}` spacing, trailing spaces).

const WORDS = (
  "A translating gateway parses the OpenAI request, rewrites it as an Anthropic Messages body, calls " +
  "Vertex, and maps every event of the answer back into Chat Completions chunks. Done well, that is a " +
  "few microseconds of JSON work per request and well under one per streamed event, small next to the " +
  "network hop and nothing next to the model's own time to first token. The costs that do show up come " +
  "from repeated parsing, needless copies, allocations per chunk and logging on the hot path."
).split(" ");

function deltas(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((i === 0 ? "" : " ") + WORDS[i % WORDS.length]);
  return out;
}

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

function messageStart(id: string): string {
  return event(
    "message_start",
    JSON.stringify({
      type: "message_start",
      message: {
        model: "claude-sonnet-4-5-20250929",
        id,
        type: "message",
        role: "assistant",
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: { input_tokens: 394, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 5 },
      },
    }) + "          ",
  ) + event("ping", '{"type": "ping"}');
}

function textBlock(index: number, parts: string[]): string {
  let s = event("content_block_start", `{"type":"content_block_start","index":${index},"content_block":{"type":"text","text":""}}     `);
  for (const p of parts) {
    s += event("content_block_delta", `${JSON.stringify({ type: "content_block_delta", index, delta: { type: "text_delta", text: p } })}   `);
  }
  return s + event("content_block_stop", `{"type":"content_block_stop","index":${index}          }`);
}

function messageEnd(stop: string, outputTokens: number): string {
  return (
    event(
      "message_delta",
      `{"type":"message_delta","delta":{"stop_reason":"${stop}","stop_sequence":null},"usage":{"input_tokens":394,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,"output_tokens":${outputTokens}}}  `,
    ) + event("message_stop", '{"type":"message_stop"}')
  );
}

function toolBlock(index: number): string {
  const args = JSON.stringify({ location: "Florence, Italy", unit: "celsius" });
  const pieces = ["", ...(args.match(/.{1,6}/gs) ?? [])];
  let s = event(
    "content_block_start",
    `{"type":"content_block_start","index":${index},"content_block":{"type":"tool_use","id":"toolu_vrtx_01JhPy9eXqgjLWmUpoCiEkCs","name":"get_weather","input":{}}}  `,
  );
  for (const p of pieces) {
    s += event("content_block_delta", `${JSON.stringify({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: p } })} `);
  }
  return s + event("content_block_stop", `{"type":"content_block_stop","index":${index}}`);
}

/** The `:rawPredict` answer (one text block of ~80 words). */
export function upstreamJson(): string {
  return JSON.stringify({
    model: "claude-sonnet-4-5-20250929",
    id: "msg_vrtx_01L7SUBiWzE3rGECmhLHSZtU",
    type: "message",
    role: "assistant",
    content: [{ type: "text", text: WORDS.join(" ") }],
    stop_reason: "end_turn",
    stop_sequence: null,
    usage: { input_tokens: 394, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 96 },
  });
}

/** The `:streamRawPredict` answer with `n` text deltas. */
export function upstreamText(n: number): string {
  return messageStart("msg_vrtx_015NhGGaKxyd2YQNDWYkNqXk") + textBlock(0, deltas(n)) + messageEnd("end_turn", n + 5);
}

/** A streamed tool call: a short text block, then a tool_use block whose arguments arrive in pieces. */
export function upstreamTool(): string {
  return messageStart("msg_vrtx_01ToolStream000000000000") + textBlock(0, deltas(4)) + toolBlock(1) + messageEnd("tool_use", 76);
}
