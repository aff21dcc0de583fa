import { expect400 } from "../../../helpers/errors.ts";
import { describe, expect, test } from "bun:test";
import { MISSING_RESULT_TEXT, toMessages } from "../../../../src/translate/to-anthropic/messages.ts";
import type { ChatMessage, ToolCall } from "../../../../src/wire/openai.ts";

const call = (id: string, args = "{}", name = "f"): ToolCall => ({ id, type: "function", function: { name, arguments: args } });
const asst = (...tool_calls: ToolCall[]): ChatMessage => ({ role: "assistant", content: null, tool_calls });
const tool = (tool_call_id: string, content = "ok"): ChatMessage => ({ role: "tool", tool_call_id, content });
const user = (content: string): ChatMessage => ({ role: "user", content });
const convert = (messages: ChatMessage[], keepThinking = false) => toMessages(messages, { keepThinking });


describe("tool call pairing", () => {
  test("an orphan tool result (no preceding call) → 400 naming messages[i].tool_call_id", () => {
    const err = expect400(() => convert([user("hi"), tool("nope")]), "messages[1].tool_call_id");
    expect(err.message).toContain("matches no tool call");
  });

  test("a result for an older assistant turn's call → 400 (it must directly follow its call)", () => {
    const msgs = [user("hi"), asst(call("c1")), tool("c1"), asst(call("c2")), tool("c1")];
    const err = expect400(() => convert(msgs), "messages[4].tool_call_id");
    expect(err.message).toContain("does not directly follow");
  });

  test("a second result for the same call → 400", () => {
    expect400(() => convert([user("hi"), asst(call("c1")), tool("c1"), tool("c1")]), "messages[3].tool_call_id");
  });

  test("a duplicate id within one assistant message → 400 naming the tool call id", () => {
    expect400(() => convert([user("hi"), asst(call("c1"), call("c1"))]), "messages[1].tool_calls[1].id");
  });

  test("every tool_use is followed by a user turn holding its result, results first", () => {
    const { messages } = convert([user("hi"), asst(call("a"), call("b")), user("extra"), tool("b")]);
    const next = messages[2];
    expect(next?.role).toBe("user");
    expect(next?.content.map((b) => b.type)).toEqual(["tool_result", "tool_result", "text"]);
    expect(next?.content[1]).toEqual({ type: "tool_result", tool_use_id: "a", content: MISSING_RESULT_TEXT, is_error: true });
  });

  test("calls split across consecutive assistant messages are one turn and can be answered together", () => {
    const { messages } = convert([user("hi"), asst(call("a")), asst(call("b")), tool("a"), tool("b")]);
    expect(messages).toHaveLength(3);
    expect(messages[1]?.content.map((b) => b.type)).toEqual(["tool_use", "tool_use"]);
    expect(messages[2]?.content.every((b) => b.type === "tool_result" && !b.is_error)).toBe(true);
  });

  test("ids are sanitised the same way on tool_use and tool_result", () => {
    const { messages } = convert([user("hi"), asst(call("call#1/ä")), tool("call#1/ä")]);
    const use = messages[1]?.content[0];
    const res = messages[2]?.content[0];
    expect(use).toMatchObject({ type: "tool_use", id: "call_1__" });
    expect(res).toMatchObject({ type: "tool_result", tool_use_id: "call_1__" });
  });

  test("ids that sanitise to the same string stay distinct", () => {
    const { messages } = convert([user("hi"), asst(call("a.b"), call("a:b")), tool("a:b"), tool("a.b")]);
    expect(messages[1]?.content.map((b) => (b.type === "tool_use" ? b.id : ""))).toEqual(["a_b", "a_b_2"]);
    expect(messages[2]?.content.map((b) => (b.type === "tool_result" ? b.tool_use_id : ""))).toEqual(["a_b_2", "a_b"]);
  });
});

describe("tool call arguments", () => {
  test("invalid JSON → 400 naming messages[i].tool_calls[j].function.arguments", () => {
    const err = expect400(() => convert([user("hi"), asst(call("a"), call("b", "{oops"))]), "messages[1].tool_calls[1].function.arguments");
    expect(err.message).toContain("not valid JSON");
  });

  test("JSON that is not an object → 400", () => {
    expect400(() => convert([user("hi"), asst(call("a", "[1,2]"))]), "messages[1].tool_calls[0].function.arguments");
  });

  test("empty or whitespace arguments → {}", () => {
    const { messages } = convert([user("hi"), asst(call("a", ""), call("b", "  "))]);
    expect(messages[1]?.content.map((b) => (b.type === "tool_use" ? b.input : null))).toEqual([{}, {}]);
  });
});

describe("thinking blocks", () => {
  const withThinking: ChatMessage = {
    role: "assistant",
    content: "answer",
    reasoning_content: "plain",
    thinking_blocks: [
      { type: "thinking", thinking: "t", signature: "s" },
      { type: "thinking", thinking: "no signature" },
      { type: "redacted_thinking", data: "r" },
    ],
  };

  test("signed and redacted blocks are echoed first when thinking is on; unsigned ones are dropped", () => {
    const { messages } = convert([user("hi"), withThinking], true);
    expect(messages[1]?.content).toEqual([
      { type: "thinking", thinking: "t", signature: "s" },
      { type: "redacted_thinking", data: "r" },
      { type: "text", text: "answer" },
    ]);
  });

  test("no thinking block is sent when thinking is off", () => {
    const { messages } = convert([user("hi"), withThinking], false);
    expect(messages[1]?.content).toEqual([{ type: "text", text: "answer" }]);
  });
});

describe("message shapes", () => {
  test("assistant image parts → 400 naming the part", () => {
    const bad = { role: "assistant", content: [{ type: "image_url", image_url: { url: "data:," } }] } as ChatMessage;
    expect400(() => convert([user("hi"), bad]), "messages[1].content[0].type");
  });

  test("a leftover role 'function' → 400 naming the role", () => {
    expect400(() => convert([{ role: "function", content: "x", name: "f" }]), "messages[0].role");
  });

  test("a message-level cache_control marks the message's last block", () => {
    const { system, messages } = convert([
      { role: "system", content: [{ type: "text", text: "a" }, { type: "text", text: "b" }], cache_control: { type: "ephemeral" } },
      { role: "user", content: "q", cache_control: { type: "ephemeral", ttl: "5m" } },
    ]);
    expect(system).toEqual([{ type: "text", text: "a" }, { type: "text", text: "b", cache_control: { type: "ephemeral" } }]);
    expect(messages[0]?.content).toEqual([{ type: "text", text: "q", cache_control: { type: "ephemeral", ttl: "5m" } }]);
  });

  test("a prefill that is only whitespace disappears", () => {
    const { messages } = convert([user("hi"), { role: "assistant", content: "   x" }, user("more"), { role: "assistant", content: " \n" }]);
    expect(messages.at(-1)?.role).toBe("user");
  });
});
