import { describe, expect, it } from "bun:test";
import { expandPath, systemConfigPath, userConfigCandidates } from "../../../src/config/paths.ts";

describe("userConfigCandidates", () => {
  it("linux: XDG first, then ~/.config", () => {
    expect(userConfigCandidates({ env: { XDG_CONFIG_HOME: "/x" }, home: "/h", platform: "linux" })).toEqual(["/x/modelmux/config.toml", "/h/.config/modelmux/config.toml"]);
  });
  it("ignores a relative XDG_CONFIG_HOME (per the XDG spec)", () => {
    expect(userConfigCandidates({ env: { XDG_CONFIG_HOME: "rel" }, home: "/h", platform: "linux" })).toEqual(["/h/.config/modelmux/config.toml"]);
  });
  it("macOS adds the original's Application Support locations last", () => {
    expect(userConfigCandidates({ env: {}, home: "/h", platform: "darwin" })).toEqual([
      "/h/.config/modelmux/config.toml",
      "/h/Library/Application Support/com.SkyCorp.modelmux/config.toml",
      "/h/Library/Application Support/modelmux/config.toml",
    ]);
  });
  it("no home, no candidates", () => expect(userConfigCandidates({ env: {}, platform: "linux" })).toEqual([]));
});

describe("systemConfigPath", () => {
  it("is /etc/modelmux/config.toml unless MODELMUX_SYSTEM_CONFIG says otherwise", () => {
    expect(systemConfigPath({ env: {}, platform: "linux" })).toBe("/etc/modelmux/config.toml");
    expect(systemConfigPath({ env: { MODELMUX_SYSTEM_CONFIG: "/opt/homebrew/etc/modelmux/config.toml" }, platform: "darwin" })).toBe("/opt/homebrew/etc/modelmux/config.toml");
  });
});

describe("expandPath", () => {
  const ctx = { env: { KEYS: "/srv/keys", EMPTY: "" }, home: "/h", base: "/cfg" };
  it.each([
    ["~", "/h"],
    ["~/a.json", "/h/a.json"],
    ["$KEYS/a.json", "/srv/keys/a.json"],
    ["${KEYS}/a.json", "/srv/keys/a.json"],
    ["rel/a.json", "/cfg/rel/a.json"],
    ["/abs/a.json", "/abs/a.json"],
    ["~other/a", "/cfg/~other/a"],
  ])("%s → %s", (p, want) => expect(expandPath(p, ctx)).toBe(want));
});
