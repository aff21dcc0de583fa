import { expect, test } from "bun:test";
import { generateRequestId, isSaneRequestId, resolveRequestId } from "../../../src/server/request-id.ts";

test("sane client ids are kept", () => {
  for (const id of ["abc-123", "req_vrtx_011CX6sWnm678g4YPRps1ESQ", "a.b:c_d-e", "x".repeat(128)]) {
    expect(isSaneRequestId(id)).toBe(true);
    expect(resolveRequestId(id)).toBe(id);
  }
});

test("insane ids are replaced by a generated one", () => {
  for (const id of ["", "a b", "a\tb", "x".repeat(129), "é", "a\nb", '"quoted"', "<script>"]) {
    expect(isSaneRequestId(id)).toBe(false);
    expect(resolveRequestId(id)).toMatch(/^req_[0-9a-f]{32}$/);
  }
  expect(resolveRequestId(null)).toMatch(/^req_[0-9a-f]{32}$/);
});

test("generated ids are unique", () => {
  const ids = new Set(Array.from({ length: 1000 }, generateRequestId));
  expect(ids.size).toBe(1000);
});
