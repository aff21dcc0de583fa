/**
 * POST /v1/chat/completions: parse → resolve model → choose stream mode → inline remote images →
 * translate → call the provider → translate back (JSON or SSE).
 */
import { UpstreamError } from "../errors.ts";
import { inlineRemoteImages } from "../net/inline-images.ts";
import type { CallOptions, UpstreamTarget } from "../providers/types.ts";
import { defaultThinkingStyle } from "../providers/thinking.ts";
import { toMessagesRequest } from "../translate/to-anthropic/request.ts";
import { toHttpError, isQuotaError } from "../translate/errors.ts";
import { toChatCompletion } from "../translate/to-openai/response.ts";
import { parseChatRequest } from "../wire/parse-request.ts";
import { assertModelAllowed } from "./access.ts";
import { readJsonBody } from "./body.ts";
import type { AppState, RequestRecord } from "./context.ts";
import { streamResponse } from "./sse-response.ts";
import { finalHeaders } from "./state.ts";
import { upstreamFailed, upstreamRetried, upstreamSucceeded } from "./upstream-hooks.ts";

/** Handles one chat completion request; throws HttpError for anything the client should see as an error. */
export async function handleChat(state: AppState, req: Request, rec: RequestRecord): Promise<Response> {
  const { config } = state;
  const raw = await readJsonBody(req, config.server.max_body_bytes);
  let parsed = parseChatRequest(raw, { max_messages: config.server.max_messages });
  rec.model = parsed.model;
  assertModelAllowed(rec.principal, parsed.model); // [ops] per-key model allow-list: 404 like an unknown model
  const target = state.router.resolve(parsed.model);
  const mode = state.modes.select({
    requested: parsed.stream === true,
    accept: req.headers.get("accept"),
    userAgent: req.headers.get("user-agent"),
  });
  rec.mode = mode;
  const inlined = inlineRemoteImages(parsed, {
    max_bytes: config.limits.image_max_bytes,
    timeout_ms: config.limits.image_timeout_ms,
    allow_private: config.limits.allow_private_image_urls,
    signal: req.signal,
  });
  if (inlined instanceof Promise) parsed = await inlined;
  const { body, jsonTool } = toMessagesRequest(parsed, {
    defaultMaxTokens: target.max_tokens ?? config.limits.default_max_tokens,
    thinkingStyle: target.thinking_style ?? defaultThinkingStyle(target.model),
  });
  const opts = callOptions(state, target, req.signal, rec);
  const created = Math.floor(state.now() / 1000);
  const headers = (): Record<string, string> =>
    finalHeaders(rec, state.clock(), { "x-modelmux-stream-mode": mode, "x-modelmux-provider": state.provider.name });

  if (mode !== "json") {
    const includeUsage = parsed.stream === true && parsed.stream_options?.include_usage === true;
    const upstream = await callUpstream(state, () => state.provider.stream({ ...body, stream: true }, opts), rec);
    return streamResponse(state, upstream.events, rec, {
      ctx: { model: target.clientModel, created, jsonTool, includeUsage },
      buffered: mode === "buffered",
      headers: headers(),
    });
  }
  const result = await callUpstream(state, () => state.provider.complete(body, opts), rec);
  const completion = toChatCompletion(result.message, { model: target.clientModel, created, jsonTool });
  rec.promptTokens = completion.usage.prompt_tokens;
  rec.completionTokens = completion.usage.completion_tokens;
  rec.cachedTokens = completion.usage.prompt_tokens_details?.cached_tokens;
  state.metrics.success++;
  return Response.json(completion, { status: 200, headers: headers() });
}

function callOptions(state: AppState, target: UpstreamTarget, signal: AbortSignal, rec: RequestRecord): CallOptions {
  return {
    target,
    signal,
    requestId: rec.id,
    onRetry(reason, attempt, delayMs) {
      state.metrics.retries++;
      upstreamRetried(state, rec, reason); // [ops] failed attempts by type
      if (reason === 429) state.metrics.quotaErrors++;
      state.logger.debug("upstream retry", { request_id: rec.id, reason, attempt, delay_ms: delayMs });
    },
  };
}

/** Runs the upstream call, recording attempts/status and mapping raw upstream failures to HttpErrors. */
async function callUpstream<T extends { attempts: number; upstreamStatus: number; upstreamRequestId?: string }>(
  state: AppState,
  call: () => Promise<T>,
  rec: RequestRecord,
): Promise<T> {
  const started = state.clock(); // [ops] upstream wait: TTFB histogram and the overhead header
  try {
    const r = await call();
    upstreamSucceeded(state, rec, r, started); // [ops] attempts, upstream request id
    rec.attempts = r.attempts;
    rec.upstreamStatus = r.upstreamStatus;
    if (r.upstreamRequestId) state.logger.debug("upstream response", { request_id: rec.id, upstream_request_id: r.upstreamRequestId });
    return r;
  } catch (e) {
    upstreamFailed(state, rec, e, started); // [ops] attempts, error type, upstream request id
    if (e instanceof UpstreamError) {
      rec.upstreamStatus = e.status || undefined;
      if (isQuotaError(e.status, e.body)) state.metrics.quotaErrors++;
      throw toHttpError(e);
    }
    throw e; // HttpErrors (and bugs, which become 500s) pass through as they are
  }
}
