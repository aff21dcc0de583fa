/**
 * Operator endpoints, never behind API keys (probes and scrapers carry none): `/health` (the seed's JSON),
 * `/livez` (the process serves), `/readyz` (config valid — it loaded — and the upstream credentials can
 * mint a token; 503 while draining) and `/metrics` (Prometheus text).
 */
import { redactText } from "../observability/redact.ts";
import { PROMETHEUS_CONTENT_TYPE } from "../observability/prometheus.ts";
import type { AppState } from "./context.ts";
import { json } from "./respond.ts";

/** How long /readyz waits for the provider's readiness probe. */
const READY_TIMEOUT_MS = 5_000;

/** GET /health: the seed's shape plus version, provider and uptime. */
export function handleHealth(state: AppState, version: string | undefined): Response {
  return json({
    status: "ok",
    metrics: state.metrics.health(),
    version,
    provider: state.provider.name,
    uptime_seconds: Math.floor((state.now() - state.metrics.startedAt) / 1000),
  });
}

/** GET /livez: 200 whenever the process can answer. */
export function handleLive(): Response {
  return json({ status: "ok" });
}

/** GET /readyz: 200 when a token can be minted (provider.ready), 503 with the reason otherwise or while draining. */
export async function handleReady(state: AppState, draining: boolean): Promise<Response> {
  if (draining) return json({ status: "draining" }, 503);
  if (!state.provider.ready) return json({ status: "ready" });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      state.provider.ready(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`readiness check timed out after ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      }),
    ]);
    return json({ status: "ready" });
  } catch (e) {
    const reason = redactText(e instanceof Error ? e.message : String(e));
    state.logger.warn("not ready", { error: reason });
    return json({ status: "unavailable", reason }, 503);
  } finally {
    clearTimeout(timer);
  }
}

/** GET /metrics: the Prometheus text exposition. */
export function handleMetrics(state: AppState): Response {
  return new Response(state.metrics.prometheus(), { headers: { "content-type": PROMETHEUS_CONTENT_TYPE } });
}
