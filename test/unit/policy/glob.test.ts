import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isGatewayError } from "../../../src/errors.js";
import { compileGlob } from "../../../src/policy/glob.js";

describe("compileGlob", () => {
  it.each([
    ["delete_*", "delete_stack", true],
    ["delete_*", "delete_", true],
    ["delete_*", "delete_a/b.c", true],
    ["delete_*", "xdelete_stack", false],
    ["delete_*", "Delete_stack", false],
    ["delete_*", "delete", false],
    ["*", "anything", true],
    ["*", "a/b/c", true],
    ["*", ".hidden", true],
    ["*", "", true],
    ["*_stack", "ns/delete.v2_stack", true],
    ["*_stack", "delete_stacks", false],
    ["manage_{a,b}", "manage_a", true],
    ["manage_{a,b}", "manage_b", true],
    ["manage_{a,b}", "manage_c", false],
    ["manage_{a,b}", "manage_{a,b}", false],
    ["get_?", "get_x", true],
    ["get_?", "get_xy", false],
    ["get_?", "get_", false],
    ["get_?", "get_/", true],
    ["list_*", "list_/../secret", true],
    ["list_*", "list_a\nb", true],
    ["*", "./x", true],
    ["[ab]_tool", "a_tool", true],
    ["[ab]_tool", "c_tool", false],
    ["read_file", "read_file", true],
    ["read_file", "Read_file", false],
    ["read.file", "readxfile", false],
    ["read.file", "read.file", true],
    ["a\\*", "a*", true],
    ["a\\*", "ab", false],
  ])("%j against %j is %s", (glob, name, expected) => {
    expect(compileGlob(glob, "glob")(name)).toBe(expected);
  });

  it.each(["", "   "])("rejects the empty glob %j naming the key path", (glob) => {
    let thrown: unknown;
    try {
      compileGlob(glob, "policy.rules[3].tool");
    } catch (error) {
      thrown = error;
    }
    expect(isGatewayError(thrown)).toBe(true);
    expect(thrown).toMatchObject({ code: "POLICY_INVALID" });
    expect((thrown as Error).message).toMatch(/^policy\.rules\[3\]\.tool: glob must not be empty/);
  });

  it("matches any name with a lone star", () => {
    const matchesAll = compileGlob("*", "glob");
    fc.assert(fc.property(fc.string(), (name) => matchesAll(name)));
  });

  it("matches a name with a prefix star exactly when the name has the prefix", () => {
    const matches = compileGlob("delete_*", "glob");
    fc.assert(fc.property(fc.string(), (name) => matches(name) === name.startsWith("delete_")));
  });

  it("matches a plain name only by equality", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z_.-]{1,12}$/), fc.string(), (glob, name) => {
        expect(compileGlob(glob, "glob")(name)).toBe(glob === name);
        expect(compileGlob(glob, "glob")(glob)).toBe(true);
      }),
    );
  });
});
