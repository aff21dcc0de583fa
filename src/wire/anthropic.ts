/** Anthropic Messages wire types (the upstream side, as Vertex AI speaks it). */

export interface CacheControl {
  type: "ephemeral";
  ttl?: "5m" | "1h";
}

export interface TextBlock {
  type: "text";
  text: string;
  cache_control?: CacheControl;
}
export interface Base64Source {
  type: "base64";
  media_type: string;
  data: string;
}
export interface ImageBlock {
  type: "image";
  source: Base64Source;
  cache_control?: CacheControl;
}
export interface DocumentBlock {
  type: "document";
  source: Base64Source | { type: "text"; media_type: "text/plain"; data: string };
  title?: string;
  cache_control?: CacheControl;
}
export interface ToolUseBlock {
  type: "tool_use";
  id: string;
  name: string;
  input: unknown;
  cache_control?: CacheControl;
}
export interface ToolResultBlock {
  type: "tool_result";
  tool_use_id: string;
  content: string | Array<TextBlock | ImageBlock | DocumentBlock>;
  is_error?: boolean;
  cache_control?: CacheControl;
}
export interface ThinkingBlock {
  type: "thinking";
  thinking: string;
  signature: string;
}
export interface RedactedThinkingBlock {
  type: "redacted_thinking";
  data: string;
}

export type RequestContentBlock =
  | TextBlock
  | ImageBlock
  | DocumentBlock
  | ToolUseBlock
  | ToolResultBlock
  | ThinkingBlock
  | RedactedThinkingBlock;

export interface MessageParam {
  role: "user" | "assistant";
  content: RequestContentBlock[];
}

export interface Tool {
  name: string;
  description?: string;
  input_schema: Record<string, unknown>;
  cache_control?: CacheControl;
}

export type ToolChoice =
  | { type: "auto"; disable_parallel_tool_use?: boolean }
  | { type: "any"; disable_parallel_tool_use?: boolean }
  | { type: "tool"; name: string; disable_parallel_tool_use?: boolean }
  | { type: "none" };

export type ThinkingConfig =
  | { type: "enabled"; budget_tokens: number }
  | { type: "adaptive" }
  | { type: "disabled" };

/** The Messages request as we build it; the Vertex provider adds `anthropic_version` and never sends `model`. */
export interface MessagesRequest {
  max_tokens: number;
  messages: MessageParam[];
  system?: TextBlock[];
  stop_sequences?: string[];
  temperature?: number;
  top_p?: number;
  top_k?: number;
  metadata?: { user_id: string };
  stream?: boolean;
  tools?: Tool[];
  tool_choice?: ToolChoice;
  thinking?: ThinkingConfig;
  output_config?: { effort?: string; format?: { type: "json_schema"; schema: Record<string, unknown> } };
}

export type StopReason =
  | "end_turn"
  | "max_tokens"
  | "stop_sequence"
  | "tool_use"
  | "pause_turn"
  | "refusal"
  | "model_context_window_exceeded";

export interface Usage {
  input_tokens: number;
  output_tokens: number;
  cache_creation_input_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  output_tokens_details?: { thinking_tokens?: number } | null;
}

/** Response content blocks; unknown block types must be tolerated (ignored), never crash. */
export type ResponseContentBlock =
  | TextBlock
  | ToolUseBlock
  | ThinkingBlock
  | RedactedThinkingBlock
  | { type: string; [k: string]: unknown };

export interface Message {
  id: string;
  type: "message";
  role: "assistant";
  model: string;
  content: ResponseContentBlock[];
  stop_reason: StopReason | null;
  stop_sequence: string | null;
  usage: Usage;
}

export interface ErrorObject {
  type: string;
  message: string;
  details?: unknown;
}

export type ContentDelta =
  | {
      type: "text_delta";
      text: string;
      /**
       * Internal to modelmux, never on the wire: when a provider decoded the event without JSON.parse, the
       * upstream's JSON string literal (quotes included) whose value is exactly `text`, so the stream can
       * write it to the client as is.
       */
      json?: string;
    }
  | {
      type: "input_json_delta";
      partial_json: string;
      /** Internal, as for text_delta: the upstream's JSON string literal of `partial_json`. */
      json?: string;
    }
  | {
      type: "thinking_delta";
      thinking: string;
      /** Internal, as for text_delta: the upstream's JSON string literal of `thinking`. */
      json?: string;
    }
  | { type: "signature_delta"; signature: string }
  | { type: "citations_delta"; citation: unknown };

export type StreamEvent =
  | { type: "message_start"; message: Message }
  | { type: "content_block_start"; index: number; content_block: ResponseContentBlock }
  | { type: "content_block_delta"; index: number; delta: ContentDelta }
  | { type: "content_block_stop"; index: number }
  | {
      type: "message_delta";
      delta: { stop_reason: StopReason | null; stop_sequence?: string | null };
      usage: Partial<Usage>;
    }
  | { type: "message_stop" }
  | { type: "ping" }
  | { type: "error"; error: ErrorObject };
