/**
 * The HTTP application as a plain `fetch(req, server?)` plus a `routes` table for Bun.serve. Request ids,
 * CORS, API keys, rate limits, the concurrency cap, error → OpenAI JSON conversion, the overhead header,
 * metrics and the access log live here; handlers just throw.
 *
 * Order for API routes: request id → Origin check → API key (401) → [chat: RPM/TPM (429) → concurrency
 * slot (queue or 503)] → handler. Operator routes (/health, /livez, /readyz, /metrics) skip access control.
 */
import type { Server } from "bun";
import type { Config } from "../config/schema.ts";
import { HttpError } from "../errors.ts";
import { type Logger, silentLogger } from "../observability/logger.ts";
import { redactText } from "../observability/redact.ts";
import type { Provider } from "../providers/types.ts";
import { allowsModel, assertModelAllowed, exposureProblem, presentedKey } from "./access.ts";
import { handleChat } from "./chat.ts";
import { createConcurrencyLimiter } from "./concurrency.ts";
import type { AppState, RequestRecord } from "./context.ts";
import { originRefused } from "./cors.ts";
import { Metrics } from "./metrics.ts";
import { handleGetModel, handleListModels } from "./models.ts";
import { handleHealth, handleLive, handleMetrics, handleReady } from "./ops.ts";
import { createMemoryRateLimiter, rateLimitError, type RateLimiter } from "./rate-limit.ts";
import { changedRestartKeys } from "./reload.ts";
import { resolveRequestId } from "./request-id.ts";
import { methodNotAllowed, notFound } from "./respond.ts";
import { buildState, concurrencySettings, OVERHEAD_HEADER, overheadOf, type SharedState } from "./state.ts";

/** Response header with the time the gateway itself added (ms), like LiteLLM's x-litellm-overhead-duration-ms. */
export { OVERHEAD_HEADER } from "./state.ts";

export interface ServerAppDeps {
  config: Config;
  provider: Provider;
  logger?: Logger;
  /** Wall clock in ms (timestamps, rate-limit windows). */
  now?: () => number;
  /** Monotonic ms clock for latencies (default performance.now). */
  clock?: () => number;
  version?: string;
  /** Pass one in to wire counters (e.g. token refreshes) before the app exists. */
  metrics?: Metrics;
  /** Rate-limit state store (default: in-process). */
  rateLimiter?: RateLimiter;
}

type Handler = (req: Request & { params?: Record<string, string> }, server?: Server<unknown>) => Promise<Response> | Response;
type MethodTable = Partial<Record<string, Handler>>;
type Inner = (req: Request, rec: RequestRecord, state: AppState, server?: Server<unknown>) => Promise<Response> | Response;
type Kind = "chat" | "api" | "ops";

export interface ServerApp {
  fetch(req: Request, server?: Server<unknown>): Promise<Response>;
  /** Bun.serve `routes` (same handlers as `fetch`, using Bun's native router). */
  routes: Record<string, MethodTable>;
  /** The current config generation (replaced by `reload`). */
  readonly state: AppState;
  readonly metrics: Metrics;
  /**
   * Swaps in a new config atomically: API keys, limits, models, CORS, streaming rules, concurrency cap.
   * Requests already running keep the generation they started with. Throws (keeping the old config) when
   * the new one would leave a non-loopback bind without authentication.
   */
  reload(config: Config): void;
  /** Marks the app as draining (shutdown): /readyz answers 503 so load balancers stop sending traffic. */
  drain(): void;
}

/** Builds the app. Nothing here does I/O until a request arrives. */
export function createServerApp(deps: ServerAppDeps): ServerApp {
  const logger = deps.logger ?? silentLogger;
  const now = deps.now ?? Date.now;
  const metrics = deps.metrics ?? new Metrics(now(), { version: deps.version, provider: deps.provider.name });
  const shared: SharedState = {
    provider: deps.provider,
    logger,
    metrics,
    limiter: deps.rateLimiter ?? createMemoryRateLimiter(),
    concurrency: createConcurrencyLimiter(concurrencySettings(deps.config), (n) => (metrics.queued = n)),
    now,
    clock: deps.clock ?? (() => performance.now()),
  };
  const bindHost = deps.config.server.host;
  let current = buildState(deps.config, shared);
  let draining = false;
  const { clock } = shared;

  const wrap =
    (route: string, kind: Kind, handler: Inner): Handler =>
    async (req, server) => {
      const state = current;
      const rec: RequestRecord = { id: resolveRequestId(req.headers.get("x-request-id")), method: req.method, path: pathOf(req.url), route, start: clock() };
      const api = kind !== "ops";
      const origin = api ? req.headers.get("origin") : null;
      if (api) {
        metrics.inFlight++;
        rec.inFlight = true;
      }
      let counted = false;
      let res: Response;
      try {
        if (api) authenticate(state, req, rec, origin);
        if (kind === "chat") {
          metrics.total++;
          counted = true;
          const wait = admitChat(state, req, rec);
          if (wait) await wait;
        }
        res = await handler(req, rec, state, server);
      } catch (e) {
        rec.headersSet = false;
        const err = toHttpError(e, logger, rec.id);
        rec.status = err.status;
        rec.error = redactText(err.message);
        if (counted) metrics.failed++;
        res = errorResponse(err, rec.id);
      }
      if (!rec.headersSet) {
        rec.respondedAt = clock();
        const h = res.headers;
        h.set("x-request-id", rec.id);
        if (api) h.set(OVERHEAD_HEADER, (overheadOf(rec) ?? 0).toFixed(3));
      }
      if (api && origin !== null) state.cors.decorate(res.headers, origin);
      if (!rec.streaming) {
        rec.status ??= res.status;
        if (kind === "ops" && res.status < 400) rec.quiet = true;
        state.logAccess(rec);
      }
      return res;
    };

  /** Origin check, then the API key (401). */
  const authenticate = (state: AppState, req: Request, rec: RequestRecord, origin: string | null) => {
    if (origin !== null && !state.cors.allows(origin)) {
      metrics.authRejected.inc(["origin"]);
      throw originRefused(origin);
    }
    try {
      rec.principal = state.access.authenticate(req.headers);
    } catch (e) {
      metrics.authRejected.inc([presentedKey(req.headers) === undefined ? "missing" : "invalid"]);
      throw e;
    }
  };

  /** Per-key RPM/TPM, then a concurrency slot. Returns a promise only when something must be awaited. */
  const admitChat = (state: AppState, req: Request, rec: RequestRecord): Promise<void> | undefined => {
    const p = rec.principal;
    const slot = () => {
      const t0 = clock();
      const got = state.concurrency.acquire(req.signal);
      if (got === true) {
        rec.slot = true;
        return undefined;
      }
      return got.then(
        () => {
          rec.slot = true;
          rec.queueMs = clock() - t0;
        },
        (e: unknown) => {
          rec.queueMs = clock() - t0;
          metrics.rateLimited.inc(["concurrency"]);
          throw e;
        },
      );
    };
    if (!p || (p.requestsPerMinute === undefined && p.tokensPerMinute === undefined)) return slot();
    const decide = (d: Awaited<ReturnType<RateLimiter["acquire"]>>) => {
      if (!d.ok) {
        metrics.rateLimited.inc([d.reason]);
        throw rateLimitError(p.name, d);
      }
    };
    const d = state.limiter.acquire(p.name, p, now());
    if (d instanceof Promise) return d.then(decide).then(slot);
    decide(d);
    return slot();
  };

  const chat = wrap("/v1/chat/completions", "chat", (req, rec, state, server) => {
    // Claude can think for minutes before the first byte: never let Bun's idle timeout cut this request.
    server?.timeout(req, 0);
    return handleChat(state, req, rec);
  });
  const listModels = wrap("/v1/models", "api", (_req, rec, state) => {
    const p = rec.principal;
    if (!p?.models) return handleListModels(state);
    return handleListModels({ ...state, router: { ids: state.router.ids.filter((id) => allowsModel(p, id)), resolve: state.router.resolve } });
  });
  const getModel = wrap("/v1/models/:id", "api", (req, rec, state) => {
    const raw = pathOf(req.url).slice("/v1/models/".length);
    let id: string;
    try {
      id = decodeURIComponent(raw);
    } catch {
      id = raw; // malformed %-escape: look it up verbatim (→ 404)
    }
    assertModelAllowed(rec.principal, id);
    return handleGetModel(state, id);
  });
  const health = wrap("/health", "ops", (_req, _rec, state) => handleHealth(state, deps.version));
  const live = wrap("/livez", "ops", () => handleLive());
  const ready = wrap("/readyz", "ops", (_req, _rec, state) => handleReady(state, draining));
  const scrape = wrap("/metrics", "ops", (_req, _rec, state) => handleMetrics(state));

  const table: Record<string, MethodTable> = {
    "/v1/chat/completions": { POST: chat },
    "/chat/completions": { POST: chat },
    "/v1/models": { GET: listModels },
    "/models": { GET: listModels },
    "/health": { GET: health },
    "/livez": { GET: live },
    "/readyz": { GET: ready },
    "/metrics": { GET: scrape },
  };
  const apiPaths = new Set(["/v1/chat/completions", "/chat/completions", "/v1/models", "/models"]);

  const preflight = wrap("preflight", "ops", (req, _rec, state) => state.cors.preflight(req));
  const lookup = (path: string): MethodTable | undefined => table[path] ?? (path.startsWith("/v1/models/") ? { GET: getModel } : undefined);
  const fallbackApi = wrap("other", "api", (req) => routeError(req, lookup));
  const fallbackOps = wrap("other", "ops", (req) => routeError(req, lookup));
  const fallback: Handler = (req, server) => {
    const path = pathOf(req.url);
    // Unknown /v1/* paths are API paths too: with keys configured they answer 401 before 404.
    return (path.startsWith("/v1/") || apiPaths.has(path) ? fallbackApi : fallbackOps)(req, server);
  };

  const fetch = async (req: Request, server?: Server<unknown>): Promise<Response> => {
    if (req.method === "OPTIONS") return preflight(req, server);
    const h = lookup(pathOf(req.url))?.[req.method];
    return h ? h(req, server) : fallback(req, server);
  };

  const routes: Record<string, MethodTable> = {};
  for (const [path, methods] of Object.entries(table)) routes[path] = { ...methods, OPTIONS: preflight };
  routes["/v1/models/:id"] = { GET: getModel, OPTIONS: preflight };

  return {
    fetch,
    routes,
    get state() {
      return current;
    },
    metrics,
    reload(config) {
      const problem = exposureProblem(bindHost, config);
      if (problem) {
        metrics.reloads.inc(["failure"]);
        throw new Error(problem);
      }
      let next: AppState;
      try {
        next = buildState(config, shared);
      } catch (e) {
        metrics.reloads.inc(["failure"]);
        throw e;
      }
      const prev = current;
      shared.concurrency.configure(concurrencySettings(config));
      current = next;
      metrics.reloads.inc(["success"]);
      logger.info("configuration reloaded", {
        api_keys: config.auth.api_keys.length,
        models: next.router.ids.length,
        cors_origins: config.server.cors_origins.length,
        max_concurrency: config.server.max_concurrency,
      });
      const fixed = changedRestartKeys(prev.config, config);
      if (fixed.length) logger.warn("changed settings that take effect only after a restart", { keys: fixed });
      if (!next.access.enabled) logger.warn("no API keys configured: the gateway is unauthenticated", { host: bindHost });
    },
    drain() {
      draining = true;
    },
  };
}

/** 404 for unknown paths, 405 (with Allow) for known paths and a wrong method; HEAD runs GET. */
function routeError(req: Request, lookup: (path: string) => MethodTable | undefined): Promise<Response> | Response {
  const path = pathOf(req.url);
  const methods = lookup(path);
  if (!methods) throw notFound(path);
  if (req.method === "HEAD" && methods.GET) return methods.GET(req);
  throw methodNotAllowed(req.method, path, Object.keys(methods));
}

/** The path of a request URL without building a URL object (hot path). */
export function pathOf(url: string): string {
  const scheme = url.indexOf("://");
  const start = url.indexOf("/", scheme === -1 ? 0 : scheme + 3);
  if (start === -1) return "/";
  let end = url.length;
  const q = url.indexOf("?", start);
  if (q !== -1) end = q;
  const hash = url.indexOf("#", start);
  if (hash !== -1 && hash < end) end = hash;
  return url.slice(start, end);
}

/** An OpenAI error response carrying our request id (top level, so `error` keeps OpenAI's four keys). */
function errorResponse(err: HttpError, requestId: string): Response {
  return new Response(JSON.stringify({ ...err.toJSON(), request_id: requestId }), {
    status: err.status,
    headers: { "content-type": "application/json", ...err.details.headers },
  });
}

function toHttpError(e: unknown, logger: Logger, requestId: string): HttpError {
  if (e instanceof HttpError) return e;
  logger.error("unhandled error", { request_id: requestId, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  return new HttpError(500, "The gateway had an internal error while processing your request.", { type: "server_error" });
}
