/** Turns a complete Claude message into the SSE event sequence Vertex would stream for it (pure). */
import type { Message, StreamEvent } from "../../wire/anthropic.ts";

/** Splits text into word-sized deltas and tool input JSON into a few fragments, like the real upstream. */
export function messageToEvents(msg: Message): StreamEvent[] {
  const events: StreamEvent[] = [
    { type: "message_start", message: { ...msg, content: [], stop_reason: null, stop_sequence: null, usage: { ...msg.usage, output_tokens: 1 } } },
    { type: "ping" },
  ];
  msg.content.forEach((block, index) => {
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      for (const piece of splitWords(String(block.text))) events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: piece } });
    } else if (block.type === "tool_use") {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      const json = JSON.stringify(block.input);
      const step = Math.max(1, Math.ceil(json.length / 3));
      events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: "" } });
      for (let i = 0; i < json.length; i += step) {
        events.push({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json: json.slice(i, i + step) } });
      }
    } else if (block.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "", signature: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "thinking_delta", thinking: String(block.thinking) } });
      events.push({ type: "content_block_delta", index, delta: { type: "signature_delta", signature: String(block.signature) } });
    } else {
      events.push({ type: "content_block_start", index, content_block: block });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({ type: "message_delta", delta: { stop_reason: msg.stop_reason, stop_sequence: msg.stop_sequence }, usage: { output_tokens: msg.usage.output_tokens } });
  events.push({ type: "message_stop" });
  return events;
}

function splitWords(text: string): string[] {
  const out = text.match(/\S+\s*|\s+/g) ?? [];
  return out.length ? out : [text];
}
