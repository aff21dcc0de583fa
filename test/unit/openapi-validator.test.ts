import { expect, test } from "bun:test";
import { schemaErrors } from "../helpers/openapi.ts";
/** The cut-down schemas still reject what the full spec rejects (missing refusal, raw Anthropic reasons, partial errors). */
test("the OpenAPI validator rejects non-conforming objects", async () => {
  const ok = { id: "x", object: "chat.completion", created: 1, model: "m", choices: [{ index: 0, message: { role: "assistant", content: "hi", refusal: null }, logprobs: null, finish_reason: "stop" }] };
  expect(await schemaErrors("CreateChatCompletionResponse", ok)).toBe("");
  const bad = structuredClone(ok) as any; delete bad.choices[0].message.refusal;
  expect(await schemaErrors("CreateChatCompletionResponse", bad)).not.toBe("");
  const bad2 = structuredClone(ok) as any; bad2.choices[0].finish_reason = "end_turn";
  expect(await schemaErrors("CreateChatCompletionResponse", bad2)).not.toBe("");
  expect(await schemaErrors("ErrorResponse", { error: { message: "m", type: "t" } })).not.toBe("");
});
