/** GET /v1/models and GET /v1/models/{id} in the exact OpenAI shape. */
import { HttpError } from "../errors.ts";
import type { Model } from "../wire/openai.ts";
import type { AppState } from "./context.ts";
import { json } from "./respond.ts";

/** `created` is the model's release date when its Vertex id carries one (`@20250929`), else server start. */
function modelObject(state: AppState, id: string): Model {
  let created = Math.floor(state.metrics.startedAt / 1000);
  try {
    const m = /@(\d{4})(\d{2})(\d{2})$/.exec(state.router.resolve(id).model);
    if (m) created = Math.floor(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 1000);
  } catch {
    // Listed ids always resolve; keep the fallback timestamp if one somehow does not.
  }
  return { id, object: "model", created, owned_by: state.config.vertex.publisher };
}

/** GET /v1/models */
export function handleListModels(state: AppState): Response {
  return json({ object: "list", data: state.router.ids.map((id) => modelObject(state, id)) });
}

/** GET /v1/models/{id}: listed ids and the default model's full Vertex id; unknown → 404 model_not_found. */
export function handleGetModel(state: AppState, id: string): Response {
  const def = state.config.vertex.model;
  const known = state.router.ids.find((m) => m.toLowerCase() === id.toLowerCase()) ?? (def && def.toLowerCase() === id.toLowerCase() ? def : undefined);
  if (!known) {
    throw new HttpError(404, `The model \`${id}\` does not exist or you do not have access to it.`, {
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
    });
  }
  return json(modelObject(state, known));
}
