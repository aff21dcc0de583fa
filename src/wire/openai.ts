/**
 * OpenAI Chat Completions wire types (the client-facing side). Plain interfaces; the only runtime
 * validation happens in parse-request.ts at the inbound edge.
 */

export type Role = "system" | "developer" | "user" | "assistant" | "tool" | "function";

/** Non-standard (LiteLLM / Anthropic-style) prompt-caching marker, passed through to Anthropic blocks. */
export interface CacheControlParam {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

export interface TextPart {
  type: "text";
  text: string;
  cache_control?: CacheControlParam;
}
export interface ImageUrlPart {
  type: "image_url";
  image_url: { url: string; detail?: "auto" | "low" | "high" };
  cache_control?: CacheControlParam;
}
export interface FilePart {
  type: "file";
  file: { filename?: string; file_data?: string; file_id?: string };
  cache_control?: CacheControlParam;
}
export interface InputAudioPart {
  type: "input_audio";
  input_audio: { data: string; format: string };
}
export interface RefusalPart {
  type: "refusal";
  refusal: string;
}
export type ContentPart = TextPart | ImageUrlPart | FilePart | InputAudioPart | RefusalPart;

export interface ToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

/**
 * A thinking block carried on an assistant message so multi-turn tool use with extended thinking can
 * round-trip (we emit these as `reasoning_details`-free `thinking_blocks`, LiteLLM-compatible).
 */
export interface ThinkingBlockOut {
  type: "thinking" | "redacted_thinking";
  thinking?: string;
  signature?: string;
  data?: string;
}

export interface ChatMessage {
  role: Role;
  content?: string | ContentPart[] | null;
  name?: string;
  tool_calls?: ToolCall[];
  tool_call_id?: string;
  /** Non-standard but widely used (DeepSeek, LiteLLM, vLLM): reasoning text of a previous turn. */
  reasoning_content?: string | null;
  /** Non-standard (LiteLLM): thinking blocks with signatures, echoed back verbatim. */
  thinking_blocks?: ThinkingBlockOut[];
  /** Non-standard (LiteLLM): cache marker for the whole message, applied to its last content block. */
  cache_control?: CacheControlParam;
}

export interface FunctionTool {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean | null };
  /** Non-standard (LiteLLM): cache marker for the tool definitions up to this one. */
  cache_control?: CacheControlParam;
}

export type ToolChoice =
  | "none"
  | "auto"
  | "required"
  | { type: "function"; function: { name: string } };

export type ReasoningEffort = "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | "max";

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | {
      type: "json_schema";
      json_schema: { name: string; description?: string; schema?: Record<string, unknown>; strict?: boolean | null };
    };

/** A validated request (see parse-request.ts). Unknown harmless fields are dropped by the parser. */
export interface ChatCompletionRequest {
  model: string;
  messages: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean } | null;
  max_tokens?: number | null;
  max_completion_tokens?: number | null;
  temperature?: number | null;
  top_p?: number | null;
  /** Non-standard but common (Anthropic-native knob). */
  top_k?: number | null;
  stop?: string | string[] | null;
  tools?: FunctionTool[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  reasoning_effort?: ReasoningEffort | null;
  user?: string;
  safety_identifier?: string;
  n?: number | null;
}

export interface ResponseToolCall {
  id: string;
  type: "function";
  function: { name: string; arguments: string };
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number; cache_write_tokens?: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ChatCompletion {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: {
      role: "assistant";
      content: string | null;
      refusal: string | null;
      tool_calls?: ResponseToolCall[];
      reasoning_content?: string;
      thinking_blocks?: ThinkingBlockOut[];
    };
    logprobs: null;
    finish_reason: FinishReason;
  }>;
  usage: CompletionUsage;
  system_fingerprint?: string | null;
}

export interface ToolCallDelta {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
}

export interface ChunkDelta {
  role?: "assistant";
  content?: string | null;
  refusal?: string | null;
  tool_calls?: ToolCallDelta[];
  reasoning_content?: string;
  thinking_blocks?: ThinkingBlockOut[];
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{ index: number; delta: ChunkDelta; logprobs: null; finish_reason: FinishReason | null }>;
  usage: CompletionUsage | null;
}

export interface Model {
  id: string;
  object: "model";
  created: number;
  owned_by: string;
}

export interface ModelList {
  object: "list";
  data: Model[];
}
