import { describe, expect, test } from "bun:test";
import { DEFAULT_STREAMING_RULES, type StreamingMode } from "../../../src/config/schema.ts";
import { createModeSelector } from "../../../src/server/stream-mode.ts";

const sel = (mode: StreamingMode) => createModeSelector({ mode, rules: DEFAULT_STREAMING_RULES });
const UA = {
  sdk: "OpenAI/JS 7.57.0",
  curl: "curl/8.5.0",
  goose: "goose/1.0",
  requests: "python-requests/2.31",
  chrome: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36",
  firefox: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0",
  vscode: "VSCode/1.90.0",
  jetbrains: "JetBrains-AI-Assistant IntelliJ IDEA/2024.1",
  knowledge: "knowledge-bot/2.0",
  postman: "PostmanRuntime/7.36.0",
  thunder: "Thunder Client (https://www.thunderclient.com)",
};

describe("auto mode", () => {
  const s = sel("auto");
  test.each([
    ["sdk", UA.sdk, null, "standard"],
    ["curl", UA.curl, null, "json"],
    ["goose", UA.goose, null, "json"],
    ["python-requests", UA.requests, "*/*", "json"],
    ["postman", UA.postman, null, "json"],
    ["thunder client", UA.thunder, null, "json"],
    ["chrome", UA.chrome, null, "buffered"],
    ["firefox", UA.firefox, null, "buffered"],
    ["vscode", UA.vscode, null, "buffered"],
    ["jetbrains", UA.jetbrains, null, "buffered"],
    ["'edge' inside 'knowledge' does not match", UA.knowledge, null, "standard"],
    ["curl that accepts SSE gets SSE", UA.curl, "text/event-stream", "standard"],
    ["browser EventSource stays buffered", UA.chrome, "text/event-stream", "buffered"],
    ["no user agent", null, null, "standard"],
  ] as const)("%s", (_name, ua, accept, expected) => {
    expect(s.select({ requested: true, accept, userAgent: ua })).toBe(expected);
  });
  test("never turns a non-streaming request into a stream", () => {
    for (const ua of Object.values(UA)) expect(s.select({ requested: false, accept: "text/event-stream", userAgent: ua })).toBe("json");
  });
});

describe("fixed modes", () => {
  test("never is always JSON", () => expect(sel("never").select({ requested: true, accept: "text/event-stream", userAgent: UA.sdk })).toBe("json"));
  test("always streams even unasked", () => expect(sel("always").select({ requested: false, accept: null, userAgent: UA.curl })).toBe("standard"));
  test("standard honours the request", () => {
    expect(sel("standard").select({ requested: true, accept: null, userAgent: UA.curl })).toBe("standard");
    expect(sel("standard").select({ requested: false, accept: null, userAgent: UA.sdk })).toBe("json");
  });
  test("buffered honours the request", () => {
    expect(sel("buffered").select({ requested: true, accept: null, userAgent: UA.sdk })).toBe("buffered");
    expect(sel("buffered").select({ requested: false, accept: null, userAgent: UA.sdk })).toBe("json");
  });
});

test("custom rules are matched in order as whole tokens", () => {
  const s = createModeSelector({ mode: "auto", rules: [{ pattern: "my-agent", mode: "buffered" }, { pattern: "agent", mode: "never" }] });
  expect(s.select({ requested: true, accept: null, userAgent: "my-agent/1.0" })).toBe("buffered");
  expect(s.select({ requested: true, accept: null, userAgent: "other agent/1.0" })).toBe("json");
  expect(s.select({ requested: true, accept: null, userAgent: "useragent/1.0" })).toBe("standard");
});
