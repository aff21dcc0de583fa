import { describe, expect, it } from "bun:test";
import { editDistance, suggest } from "../../../src/config/suggest.ts";

describe("suggest", () => {
  it("finds close typos and prefixes", () => {
    expect(suggest("prot", ["port", "host"])).toBe("port");
    expect(suggest("sever", ["server", "auth", "vertex"])).toBe("server");
    expect(suggest("buffer", ["buffer_size", "mode"])).toBe("buffer_size");
    expect(suggest("LOG_LEVL", ["log_level"])).toBe("log_level");
  });
  it("stays quiet when nothing is close", () => {
    expect(suggest("zzzzzz", ["port", "host"])).toBeUndefined();
    expect(suggest("x", [])).toBeUndefined();
  });
  it("computes Levenshtein distance", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
  });
});
