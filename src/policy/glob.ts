import picomatch from "picomatch";
import { ErrorCode, GatewayError } from "../errors.js";

/** Tests one tool, upstream or agent name against a compiled glob. */
export type NameMatcher = (name: string) => boolean;

// `fastpaths` is a picomatch option its type declarations leave out.
const GLOB_OPTIONS: picomatch.PicomatchOptions & { readonly fastpaths: boolean } = {
  // `bash` lets a single `*` cross `/`; `dot` lets it match a leading `.`.
  bash: true,
  dot: true,
  // Names are matched the same way on every OS, never as Windows paths.
  windows: false,
  // `s` so that `*` also crosses a newline: a name must not slip past a deny rule.
  flags: "s",
  // picomatch's shortcut regexes for file-like globs make some stars match at least one
  // character and refuse the names `.` and `..` (`.*` missed ".", `***` missed ""); parsing
  // every glob keeps `*` meaning any run of characters, none included.
  fastpaths: false,
};

/**
 * Names are not file paths, but picomatch treats `/` as a path separator and refuses to
 * let `*` match `.` or `..` segments next to it. Swapping `/` for a private-use character
 * in both pattern and name turns it into an ordinary character.
 */
const SLASH = "/";
const SLASH_STAND_IN = "\uE000";

const GLOB_SYNTAX = /[*?[\]{}()!+@\\]/;

const matchesAnyName: NameMatcher = () => true;

/**
 * Compiles a case-sensitive glob (`delete_*`, `*`, `manage_{a,b}`, `?`) in which `*` matches
 * any run of characters, `/` and `.` included. Plain names compile to an equality test.
 * Throws `POLICY_INVALID` naming `keyPath` when the glob is empty or cannot be compiled.
 */
export function compileGlob(glob: string, keyPath: string): NameMatcher {
  if (glob.trim() === "") {
    throw new GatewayError(ErrorCode.PolicyInvalid, `${keyPath}: glob must not be empty`);
  }
  if (glob === "*" || glob === "**") return matchesAnyName;
  if (!GLOB_SYNTAX.test(glob)) return (name) => name === glob;
  const pattern = compilePattern(glob, keyPath);
  return (name) => pattern.test(name.includes(SLASH) ? name.replaceAll(SLASH, SLASH_STAND_IN) : name);
}

function compilePattern(glob: string, keyPath: string): RegExp {
  try {
    return picomatch.makeRe(glob.replaceAll(SLASH, SLASH_STAND_IN), GLOB_OPTIONS);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new GatewayError(
      ErrorCode.PolicyInvalid,
      `${keyPath}: invalid glob ${JSON.stringify(glob)} (${detail})`,
      {
        cause: error,
      },
    );
  }
}
