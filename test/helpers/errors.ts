/** Assertions for the HttpErrors that bad input must produce. */
import { expect } from "bun:test";
import { HttpError } from "../../src/errors.ts";

function check(caught: unknown, status: number, param: string | null): HttpError {
  expect(caught).toBeInstanceOf(HttpError);
  const err = caught as HttpError;
  expect(err.status).toBe(status);
  expect(err.details.param ?? null).toBe(param);
  return err;
}

/** Runs `fn`, expects it to throw a 400 HttpError naming `param`, and returns the error. */
export function expect400(fn: () => unknown, param: string | null): HttpError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  return check(caught, 400, param);
}

/** The same for a promise. */
export async function expect400Async(p: Promise<unknown>, param: string | null): Promise<HttpError> {
  let caught: unknown;
  try {
    await p;
  } catch (e) {
    caught = e;
  }
  return check(caught, 400, param);
}
