import { describe, expect, it } from "bun:test";
import { parseDotenv } from "../../../src/config/dotenv.ts";

describe("parseDotenv", () => {
  it("handles comments, export, quotes, escapes and inline comments", () => {
    const r = parseDotenv(
      [
        "# comment",
        "",
        "A=1",
        "export B = two words ",
        'C="line\\nbreak \\"q\\""',
        "D='literal \\n # not a comment'",
        "E=value # comment",
        "F=url#fragment",
        "G=",
      ].join("\n"),
    );
    expect(r.vars).toEqual({ A: "1", B: "two words", C: 'line\nbreak "q"', D: "literal \\n # not a comment", E: "value", F: "url#fragment", G: "" });
    expect(r.errors).toEqual([]);
  });

  it("reads multi-line double-quoted values (inline JSON)", () => {
    const r = parseDotenv('JSON="{\n  \\"a\\": 1\n}"\nNEXT=x\r\n');
    expect(JSON.parse(r.vars.JSON!)).toEqual({ a: 1 });
    expect(r.vars.NEXT).toBe("x");
  });

  it("reports bad lines and unterminated quotes by line number", () => {
    const r = parseDotenv('oops\nOK=1\nBAD="never closed\n');
    expect(r.errors).toEqual([
      { line: 1, message: "expected KEY=value" },
      { line: 3, message: "unterminated double quote" },
    ]);
    expect(r.vars).toEqual({ OK: "1" });
  });
});
