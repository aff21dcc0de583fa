import { expect, test } from "bun:test";
import { messageToEvents, mockReply } from "../../../../src/providers/mock/index.ts";
import type { MessagesRequest } from "../../../../src/wire/anthropic.ts";

const base: MessagesRequest = { max_tokens: 100, messages: [{ role: "user", content: [{ type: "text", text: "hi there" }] }] };

test("echoes the user text deterministically", () => {
  const a = mockReply(base, "claude-sonnet-4-5@20250929", 1);
  expect(a).toEqual(mockReply(base, "claude-sonnet-4-5@20250929", 1));
  expect(a.model).toBe("claude-sonnet-4-5-20250929");
  expect(a.stop_reason).toBe("end_turn");
  expect(JSON.stringify(a.content)).toContain("hi there");
  expect(a.usage.input_tokens).toBeGreaterThan(0);
});

test("calls the forced tool with schema-shaped input", () => {
  const m = mockReply(
    {
      ...base,
      tools: [
        { name: "a", input_schema: { type: "object" } },
        { name: "weather", input_schema: { type: "object", properties: { city: { type: "string" }, days: { type: "integer" } }, required: ["city", "days"] } },
      ],
      tool_choice: { type: "tool", name: "weather" },
    },
    "m",
    2,
  );
  expect(m.stop_reason).toBe("tool_use");
  expect(m.content[0]).toMatchObject({ type: "tool_use", name: "weather", input: { city: "example", days: 42 } });
});

test("answers tool results with text", () => {
  const m = mockReply(
    { ...base, messages: [...base.messages, { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "a", input: {} }] }, { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "sunny" }] }], tools: [{ name: "a", input_schema: { type: "object" } }] },
    "m",
    3,
  );
  expect(m.stop_reason).toBe("end_turn");
  expect(JSON.stringify(m.content)).toContain("sunny");
});

test("event sequence follows the Vertex order", () => {
  const evs = messageToEvents(mockReply({ ...base, thinking: { type: "enabled", budget_tokens: 1024 } }, "m", 4));
  const types = evs.map((e) => e.type);
  expect(types.slice(0, 2)).toEqual(["message_start", "ping"]);
  expect(types.slice(-2)).toEqual(["message_delta", "message_stop"]);
  expect(types.filter((t) => t === "content_block_start").length).toBe(2);
});
