/**
 * The fake Vertex upstream's deterministic default reply for a (valid) request body. Token counts are
 * ceil(chars / 4) of the prompt JSON and of the output, so they are stable across runs.
 */
import type { Message, ResponseContentBlock, StopReason } from "../../src/wire/anthropic.ts";

type Obj = Record<string, any>;

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));
const fakeId = (prefix: string, n: number) => `${prefix}_vrtx_01Fake${String(n).padStart(18, "0")}`;

/** Text of the last user message: its text blocks, else the text inside its tool_result blocks. */
export function lastUserText(body: Obj): string {
  const users = Array.isArray(body?.messages) ? body.messages.filter((m: Obj) => m?.role === "user") : [];
  const last = users[users.length - 1];
  if (!last) return "";
  if (typeof last.content === "string") return last.content;
  const blocks: Obj[] = Array.isArray(last.content) ? last.content : [];
  const texts = blocks.filter((b) => b?.type === "text").map((b) => String(b.text));
  if (texts.length) return texts.join("\n");
  return blocks
    .filter((b) => b?.type === "tool_result")
    .map((b) => (typeof b.content === "string" ? b.content : (b.content ?? []).filter((c: Obj) => c?.type === "text").map((c: Obj) => c.text).join("\n")))
    .join("\n");
}

/** A placeholder value for a JSON schema (objects get every property, recursively). */
export function sampleFor(schema: Obj | undefined, depth = 0): unknown {
  if (!schema || depth > 5) return null;
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0];
  const type = Array.isArray(schema.type) ? schema.type.find((t: string) => t !== "null") : schema.type;
  switch (type) {
    case "string":
      return "example";
    case "integer":
    case "number":
      return 1;
    case "boolean":
      return true;
    case "array":
      return [sampleFor(schema.items, depth + 1)];
    case "object":
    default: {
      const out: Obj = {};
      for (const [k, v] of Object.entries((schema.properties ?? {}) as Obj)) out[k] = sampleFor(v as Obj, depth + 1);
      return out;
    }
  }
}

/** The message the fake answers with when no reply is scripted. */
export function defaultMessage(body: Obj, urlModel: string, n: number): Message {
  const content: ResponseContentBlock[] = [];
  const userText = lastUserText(body);
  const thinking = body?.thinking?.type === "enabled" || body?.thinking?.type === "adaptive";
  if (thinking) content.push({ type: "thinking", thinking: `Considering: ${userText}`, signature: `EqQBCkYIBxgCKkBfake${n}` });

  const tools: Obj[] = Array.isArray(body?.tools) ? body.tools : [];
  const choice = body?.tool_choice?.type;
  let stop_reason: StopReason = "end_turn";
  let stop_sequence: string | null = null;
  let outputText = "";
  if (tools.length && (choice === "any" || choice === "tool")) {
    const tool = (choice === "tool" ? tools.find((t) => t.name === body.tool_choice.name) : undefined) ?? tools[0]!;
    content.push({ type: "tool_use", id: fakeId("toolu", n), name: tool.name, input: sampleFor(tool.input_schema) ?? {} });
    stop_reason = "tool_use";
    outputText = JSON.stringify(content[content.length - 1]);
  } else {
    let text = `Echo: ${userText}`;
    for (const s of (body?.stop_sequences ?? []) as string[]) {
      const at = text.indexOf(s);
      if (s && at !== -1) {
        text = text.slice(0, at);
        stop_reason = "stop_sequence";
        stop_sequence = s;
        break;
      }
    }
    const maxChars = Number(body?.max_tokens ?? Infinity) * 4;
    if (text.length > maxChars) {
      text = text.slice(0, maxChars);
      stop_reason = "max_tokens";
      stop_sequence = null;
    }
    if (text) content.push({ type: "text", text });
    outputText = text;
  }
  const prompt = JSON.stringify([body?.system ?? "", body?.messages ?? [], body?.tools ?? []]);
  return {
    id: fakeId("msg", n),
    type: "message",
    role: "assistant",
    model: urlModel.replaceAll("@", "-"),
    content,
    stop_reason,
    stop_sequence,
    usage: { input_tokens: tokens(prompt), cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: tokens(outputText) },
  };
}
