/**
 * The built-in demo upstream's "model": a deterministic function from a Messages request to a Claude
 * message. No I/O, no clock, no randomness, so demos and tests are repeatable.
 */
import type { Message, MessagesRequest, RequestContentBlock, ResponseContentBlock, Tool } from "../../wire/anthropic.ts";

/** Builds the demo reply: a tool call when the request forces or offers tools, otherwise an echo. */
export function mockReply(body: MessagesRequest, model: string, seq: number): Message {
  const id = `msg_mock_${seq.toString(36).padStart(8, "0")}`;
  const last = body.messages[body.messages.length - 1];
  const lastBlocks: RequestContentBlock[] = last?.content ?? [];
  const answeringTools = lastBlocks.some((b) => b.type === "tool_result");
  const content: ResponseContentBlock[] = [];
  if (body.thinking && body.thinking.type !== "disabled") {
    content.push({ type: "thinking", thinking: "The user wants a demo answer; I will give one.", signature: "bW9jay1zaWduYXR1cmU=" });
  }
  const tool = answeringTools ? undefined : pickTool(body);
  let stop: Message["stop_reason"] = "end_turn";
  if (tool) {
    content.push({ type: "tool_use", id: `toolu_mock_${seq.toString(36)}`, name: tool.name, input: sampleInput(tool.input_schema) });
    stop = "tool_use";
  } else {
    const said = lastUserText(lastBlocks);
    const text = answeringTools
      ? `Thanks, I received the tool result: ${truncate(said, 200)}`
      : `Hello from the modelmux demo upstream (no Vertex AI credentials are configured). You said: "${truncate(said, 200)}"`;
    content.push({ type: "text", text });
  }
  const inputTokens = estimateTokens(JSON.stringify(body.messages)) + estimateTokens(JSON.stringify(body.system ?? ""));
  const outputTokens = estimateTokens(JSON.stringify(content));
  return {
    id,
    type: "message",
    role: "assistant",
    model: model.replace("@", "-"),
    content,
    stop_reason: stop,
    stop_sequence: null,
    usage: { input_tokens: inputTokens, output_tokens: outputTokens, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
  };
}

function pickTool(body: MessagesRequest): Tool | undefined {
  const tools = body.tools ?? [];
  const choice = body.tool_choice;
  if (!tools.length || choice?.type === "none") return undefined;
  if (choice?.type === "tool") return tools.find((t) => t.name === choice.name);
  return tools[0];
}

function lastUserText(blocks: RequestContentBlock[]): string {
  const parts: string[] = [];
  for (const b of blocks) {
    if (b.type === "text") parts.push(b.text);
    else if (b.type === "tool_result") parts.push(typeof b.content === "string" ? b.content : b.content.map((c) => (c.type === "text" ? c.text : `[${c.type}]`)).join(" "));
    else if (b.type === "image") parts.push("[image]");
    else if (b.type === "document") parts.push("[document]");
  }
  return parts.join(" ").trim();
}

/** A plausible value for a JSON schema (objects get their required properties filled in). */
function sampleInput(schema: Record<string, unknown>): unknown {
  switch (schema.type) {
    case "object": {
      const props = (schema.properties ?? {}) as Record<string, Record<string, unknown>>;
      const required = Array.isArray(schema.required) ? (schema.required as string[]) : Object.keys(props);
      const out: Record<string, unknown> = {};
      for (const k of required) out[k] = sampleInput(props[k] ?? {});
      return out;
    }
    case "array":
      return [sampleInput((schema.items ?? {}) as Record<string, unknown>)];
    case "number":
    case "integer":
      return 42;
    case "boolean":
      return true;
    default:
      return Array.isArray(schema.enum) && schema.enum.length ? schema.enum[0] : "example";
  }
}

function truncate(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

function estimateTokens(s: string): number {
  return Math.max(1, Math.ceil(s.length / 4));
}
