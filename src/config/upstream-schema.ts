import path from "node:path";
import {
  isMapping,
  list,
  mappingOf,
  scalar,
  scalarMap,
  strictObject,
  withCheck,
  type Finding,
} from "./field-schemas.js";
import { stringValue, text, url } from "./scalar-kinds.js";
import type { HttpUpstreamConfig, StdioUpstreamConfig, UpstreamConfig } from "./types.js";

// Upstream names appear in URLs, so they stay URL-safe.
const UPSTREAM_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_-]{0,63}$/;
const STDIO_ONLY_KEYS = ["args", "env", "cwd"] as const;
const HTTP_ONLY_KEYS = ["headers"] as const;

const httpUrl = url(["http:", "https:"], "an http:// or https:// URL such as http://127.0.0.1:9000/mcp");

/** The `upstreams` mapping, as a list in file order; relative `cwd`s resolve against `configDir`. */
export function upstreamsSchema(configDir: string) {
  const entries = mappingOf(upstreamSchema(configDir), "a mapping of upstream names to upstreams");
  return withCheck(entries, checkUpstreamNames).transform((upstreams): UpstreamConfig[] =>
    Object.entries(upstreams).map(([name, upstream]) => ({ name, ...upstream })),
  );
}

function checkUpstreamNames(value: unknown): Finding[] {
  if (!isMapping(value)) return [];
  const names = Object.keys(value);
  if (names.length === 0) {
    return [{ path: [], message: "expected at least one upstream, got an empty mapping" }];
  }
  return names
    .filter((name) => !UPSTREAM_NAME.test(name))
    .map((name) => ({
      path: [name],
      message:
        "invalid upstream name: expected 1 to 64 letters, digits, _ or -, starting with a letter or digit " +
        "(the name appears in URLs)",
    }));
}

function upstreamSchema(configDir: string) {
  const fields = strictObject(
    {
      command: scalar(text()).optional(),
      args: list(scalar(stringValue), { expected: "a list of arguments" }).optional(),
      env: scalarMap(stringValue, "a mapping of environment variable names to values").optional(),
      cwd: scalar(text("a directory path")).optional(),
      url: scalar(httpUrl).optional(),
      headers: scalarMap(stringValue, "a mapping of header names to values").optional(),
    },
    { expected: 'a mapping with "command" (stdio) or "url" (Streamable HTTP)' },
  );
  return withCheck(fields, checkTransportKeys).transform(
    (upstream): Omit<StdioUpstreamConfig, "name"> | Omit<HttpUpstreamConfig, "name"> => {
      if (upstream.url !== undefined) {
        return { kind: "http", url: upstream.url, headers: upstream.headers ?? {} };
      }
      // The transport check has already rejected an upstream with neither command nor url.
      return {
        kind: "stdio",
        command: upstream.command ?? "",
        args: upstream.args ?? [],
        env: upstream.env ?? {},
        cwd: path.resolve(configDir, upstream.cwd ?? "."),
      };
    },
  );
}

function checkTransportKeys(value: unknown): Finding[] {
  if (!isMapping(value)) return [];
  const hasCommand = value.command !== undefined;
  const hasUrl = value.url !== undefined;
  if (hasCommand === hasUrl) {
    return [{ path: [], message: 'expected exactly one of "command" (stdio) or "url" (Streamable HTTP)' }];
  }
  const misplaced = hasCommand ? HTTP_ONLY_KEYS : STDIO_ONLY_KEYS;
  const transport = hasCommand
    ? 'a Streamable HTTP upstream (one with "url")'
    : 'a stdio upstream (one with "command")';
  return misplaced
    .filter((key) => value[key] !== undefined)
    .map((key) => ({ path: [key], message: `only valid for ${transport}` }));
}
