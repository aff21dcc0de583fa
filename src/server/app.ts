/**
 * The HTTP application as a plain `fetch(req, server?)` plus a `routes` table for Bun.serve. Routing,
 * request ids, error → OpenAI JSON conversion, metrics and the access log live here; handlers just throw.
 */
import type { Server } from "bun";
import type { Config } from "../config/schema.ts";
import { HttpError } from "../errors.ts";
import { type Logger, silentLogger } from "../observability/logger.ts";
import { createModelRouter } from "../providers/routing.ts";
import type { Provider } from "../providers/types.ts";
import { handleChat } from "./chat.ts";
import type { AppState, RequestRecord } from "./context.ts";
import { Metrics } from "./metrics.ts";
import { handleListModels, handleGetModel } from "./models.ts";
import { errorResponse, json, methodNotAllowed, notFound } from "./respond.ts";
import { createModeSelector } from "./stream-mode.ts";

export interface ServerAppDeps {
  config: Config;
  provider: Provider;
  logger?: Logger;
  now?: () => number;
  version?: string;
}

type Handler = (req: Request & { params?: Record<string, string> }, server?: Server<unknown>) => Promise<Response> | Response;
type MethodTable = Partial<Record<string, Handler>>;

export interface ServerApp {
  fetch(req: Request, server?: Server<unknown>): Promise<Response>;
  /** Bun.serve `routes` (same handlers as `fetch`, using Bun's native router). */
  routes: Record<string, MethodTable>;
  state: AppState;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._:-]{1,128}$/;

/** Builds the app. Nothing here does I/O until a request arrives. */
export function createServerApp(deps: ServerAppDeps): ServerApp {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const access = logger.withTag("access");
  const state: AppState = {
    config: deps.config,
    provider: deps.provider,
    logger,
    metrics: new Metrics(now()),
    router: createModelRouter(deps.config),
    modes: createModeSelector(deps.config.streaming),
    now,
    logAccess(rec) {
      access.info("request", {
        request_id: rec.id,
        method: rec.method,
        path: rec.path,
        model: rec.model,
        stream_mode: rec.mode,
        status: rec.status,
        upstream_status: rec.upstreamStatus,
        attempts: rec.attempts,
        latency_ms: Math.round((now() - rec.start) * 10) / 10,
        prompt_tokens: rec.promptTokens,
        completion_tokens: rec.completionTokens,
        cached_tokens: rec.cachedTokens,
        error: rec.error,
      });
    },
  };

  const wrap = (handler: (req: Request, rec: RequestRecord, server?: Server<unknown>) => Promise<Response> | Response, counted: boolean): Handler =>
    async (req, server) => {
      const url = new URL(req.url);
      const incoming = req.headers.get("x-request-id");
      const rec: RequestRecord = {
        id: incoming && REQUEST_ID_RE.test(incoming) ? incoming : `req_${crypto.randomUUID().replaceAll("-", "")}`,
        method: req.method,
        path: url.pathname,
        start: now(),
      };
      if (counted) state.metrics.total++;
      let res: Response;
      try {
        res = await handler(req, rec, server);
      } catch (e) {
        const err = toHttpError(e, logger, rec.id);
        rec.status = err.status;
        rec.error = err.message;
        if (counted) state.metrics.failed++;
        res = errorResponse(err);
      }
      res.headers.set("x-request-id", rec.id);
      if (!rec.streaming) {
        rec.status ??= res.status;
        if (counted || res.status >= 400) state.logAccess(rec);
      }
      return res;
    };

  const chat = wrap((req, rec, server) => {
    // Claude can think for minutes before the first byte: never let Bun's idle timeout cut this request.
    server?.timeout(req, 0);
    return handleChat(state, req, rec);
  }, true);
  const health = wrap(
    () =>
      json({
        status: "ok",
        metrics: state.metrics.health(),
        version: deps.version,
        provider: state.provider.name,
        uptime_seconds: Math.floor((now() - state.metrics.startedAt) / 1000),
      }),
    false,
  );
  const listModels = wrap(() => handleListModels(state), false);
  const getModel = wrap((req) => handleGetModel(state, decodeURIComponent(new URL(req.url).pathname.slice("/v1/models/".length))), false);

  const table: Record<string, MethodTable> = {
    "/v1/chat/completions": { POST: chat },
    "/chat/completions": { POST: chat },
    "/v1/models": { GET: listModels },
    "/models": { GET: listModels },
    "/health": { GET: health },
  };
  const fallback = wrap((req) => {
    const path = new URL(req.url).pathname;
    const methods = table[path] ?? (path.startsWith("/v1/models/") ? { GET: getModel } : undefined);
    if (!methods) throw notFound(path);
    if (req.method === "HEAD" && methods.GET) return methods.GET(req);
    throw methodNotAllowed(req.method, path, Object.keys(methods));
  }, false);

  const fetch = async (req: Request, server?: Server<unknown>): Promise<Response> => {
    const path = new URL(req.url).pathname;
    const methods = table[path] ?? (path.startsWith("/v1/models/") ? { GET: getModel } : undefined);
    const h = methods?.[req.method];
    return h ? h(req, server) : fallback(req, server);
  };

  const routes: Record<string, MethodTable> = {};
  for (const [path, methods] of Object.entries(table)) routes[path] = methods;
  routes["/v1/models/:id"] = { GET: getModel };
  return { fetch, routes, state };
}

function toHttpError(e: unknown, logger: Logger, requestId: string): HttpError {
  if (e instanceof HttpError) return e;
  logger.error("unhandled error", { request_id: requestId, error: e instanceof Error ? e.stack ?? e.message : String(e) });
  return new HttpError(500, "The gateway had an internal error while processing your request.", { type: "server_error" });
}
