import { expect, test } from "bun:test";
import { exposedToOthers } from "../../../src/config/credentials.ts";

const gid = process.getgid!();
test("0600 is private", () => expect(exposedToOthers({ mode: 0o100600, gid: 12345 })).toBe(false));
test("world bits are exposure", () => expect(exposedToOthers({ mode: 0o100604, gid })).toBe(true));
test("group bits for our own group are fine (the .deb's 0640 root:modelmux)", () => expect(exposedToOthers({ mode: 0o100640, gid })).toBe(false));
test("group bits for another group are exposure", () => expect(exposedToOthers({ mode: 0o100640, gid: gid + 1 })).toBe(true));
