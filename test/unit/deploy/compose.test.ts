import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import picomatch from "picomatch";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// No Docker engine or compose plugin is available to the tests, so the deployment files are
// checked for structure and for agreement with each other and with the repository.

const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const readRepoFile = (file: string): string => readFileSync(path.join(repoRoot, file), "utf8");

type Mapping = Record<string, unknown>;

function asMapping(value: unknown, what: string): Mapping {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${what}: expected a mapping, got ${JSON.stringify(value)}`);
  }
  return value as Mapping;
}

function asList(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value)) throw new Error(`${what}: expected a list, got ${JSON.stringify(value)}`);
  return value;
}

/** Every string scalar of a parsed YAML document: the values compose and the gateway interpolate. */
function stringScalars(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringScalars);
  if (typeof value === "object" && value !== null) return Object.values(value).flatMap(stringScalars);
  return [];
}

interface VariableReference {
  readonly name: string;
  /** `-`/`:-` (default) or `?`/`:?` (required with a message); empty when bare. */
  readonly marker: string;
}

function variableReferences(text: string): VariableReference[] {
  const references = [...text.replaceAll("$$", "").matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?])?[^}]*\}/g)];
  return references.map((match) => ({ name: match[1] ?? "", marker: match[2] ?? "" }));
}

const compose = asMapping(parse(readRepoFile("docker-compose.yml")), "docker-compose.yml");
const services = asMapping(compose.services, "services");
const service = (name: string): Mapping => asMapping(services[name], `services.${name}`);

function environmentOf(name: string): Mapping {
  const environment = service(name).environment ?? {};
  if (!Array.isArray(environment)) return asMapping(environment, `services.${name}.environment`);
  return Object.fromEntries(environment.map((entry) => String(entry).split(/=(.*)/s).slice(0, 2)));
}

/** Volume entries of a service as source/target pairs, for the short and the long syntax. */
function mountsOf(name: string): { source: string; target: string }[] {
  return asList(service(name).volumes ?? [], `services.${name}.volumes`).map((entry) => {
    if (typeof entry === "string") {
      const [source = "", target = ""] = entry.split(":");
      return { source, target };
    }
    const long = asMapping(entry, `services.${name}.volumes[]`);
    return { source: String(long.source ?? ""), target: String(long.target ?? "") };
  });
}

const isBindSource = (source: string): boolean => /^[./~]/.test(source);

function publishedContainerPorts(name: string): string[] {
  return asList(service(name).ports ?? [], `services.${name}.ports`).map((entry) =>
    typeof entry === "object" && entry !== null
      ? String((entry as Mapping).target)
      : (String(entry).split(":").pop() ?? "").replace(/\/tcp$/, ""),
  );
}

interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

/** Dockerfile instructions of the last stage, continuation lines joined, comments dropped. */
function finalStageInstructions(text: string): Instruction[] {
  const logicalLines: string[] = [];
  let pending = "";
  for (const line of text.split("\n").map((raw) => raw.trim())) {
    if (line === "" || line.startsWith("#")) continue;
    if (line.endsWith("\\")) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logicalLines.push(pending + line);
    pending = "";
  }
  const instructions = logicalLines.map((line) => {
    const [, keyword = "", args = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
    return { keyword: keyword.toUpperCase(), args };
  });
  const lastFrom = instructions.map((instruction) => instruction.keyword).lastIndexOf("FROM");
  return instructions.slice(lastFrom);
}

const dockerfileText = readRepoFile("Dockerfile");
const finalStage = finalStageInstructions(dockerfileText);
const lastArgs = (keyword: string): string | undefined =>
  finalStage.filter((instruction) => instruction.keyword === keyword).at(-1)?.args;
const execForm = (keyword: string): unknown => JSON.parse(lastArgs(keyword) ?? "null");

function isDockerIgnored(file: string): boolean {
  const patterns = readRepoFile(".dockerignore")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
  const parts = file.split("/");
  const selfAndParents = parts.map((_, index) => parts.slice(0, index + 1).join("/"));
  let ignored = false;
  for (const pattern of patterns) {
    const negated = pattern.startsWith("!");
    const matches = picomatch(negated ? pattern.slice(1) : pattern, { dot: true });
    if (selfAndParents.some((candidate) => matches(candidate))) ignored = !negated;
  }
  return ignored;
}

const gatewayConfigMount = mountsOf("gateway").find((mount) => isBindSource(mount.source));
const gatewayConfigFile = path.join(repoRoot, gatewayConfigMount?.source ?? "no-config-mounted");
const gatewayConfig = (): Mapping =>
  asMapping(parse(readFileSync(gatewayConfigFile, "utf8")), gatewayConfigFile);

describe("docker-compose.yml", () => {
  it("defines the gateway, its stores and the migration run", () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining(["gateway", "redis", "postgres", "migrate"]),
    );
  });

  it.each(["redis", "postgres", "gateway"])("gives %s a health check", (name) => {
    const test = asList(asMapping(service(name).healthcheck, `${name}.healthcheck`).test, `${name}.test`);
    expect(test[0]).toMatch(/^CMD(-SHELL)?$/);
    expect(test.length).toBeGreaterThan(1);
  });

  it("probes each service with the right tool", () => {
    const probe = (name: string): string => stringScalars(service(name).healthcheck).join(" ");
    expect(probe("redis")).toMatch(/redis-cli.*ping/);
    expect(probe("postgres")).toMatch(/pg_isready.*-U gateway/);
    expect(probe("gateway")).toMatch(/^CMD node .*\/readyz/);
  });

  it("starts the gateway only once its stores are healthy and migrations have run", () => {
    expect(service("gateway").depends_on).toEqual({
      redis: { condition: "service_healthy" },
      postgres: { condition: "service_healthy" },
      migrate: { condition: "service_completed_successfully" },
    });
  });

  it("runs migrations once with the gateway image after PostgreSQL is healthy", () => {
    const migrate = service("migrate");
    expect(migrate.command).toEqual(["migrate"]);
    expect(migrate.restart).toBe("no");
    expect(migrate.image).toBe(service("gateway").image);
    expect(migrate.depends_on).toEqual({ postgres: { condition: "service_healthy" } });
    expect(environmentOf("migrate").DATABASE_URL).toBe(environmentOf("gateway").DATABASE_URL);
  });

  it("points the gateway at the redis and postgres services", () => {
    const environment = environmentOf("gateway");
    const database = new URL(String(environment.DATABASE_URL));
    const redis = new URL(String(environment.REDIS_URL));
    expect([database.protocol, database.hostname, database.port]).toEqual([
      "postgresql:",
      "postgres",
      "5432",
    ]);
    expect(database.pathname).toBe(`/${String(environmentOf("postgres").POSTGRES_DB)}`);
    expect(decodeURIComponent(database.username)).toBe(environmentOf("postgres").POSTGRES_USER);
    expect(decodeURIComponent(database.password)).toBe(environmentOf("postgres").POSTGRES_PASSWORD);
    expect([redis.protocol, redis.hostname, redis.port]).toEqual(["redis:", "redis", "6379"]);
  });

  it("gives every interpolated variable a default or a required marker, documenting required ones", () => {
    const comments = readRepoFile("docker-compose.yml")
      .split("\n")
      .filter((line) => line.trim().startsWith("#"));
    const values = stringScalars(compose).join("\n");
    expect(values.replaceAll("$$", "")).not.toMatch(/\$[A-Za-z_]/);
    const references = variableReferences(values);
    expect(references.length).toBeGreaterThan(0);
    expect(references.filter((ref) => ref.marker === "").map((ref) => ref.name)).toEqual([]);
    const required = references.filter((ref) => ref.marker.endsWith("?")).map((ref) => ref.name);
    expect(required.filter((name) => !comments.some((line) => line.includes(name)))).toEqual([]);
  });

  it("mounts a gateway config that exists in the repository at the path the image starts with", () => {
    expect(gatewayConfigMount?.target).toBe(asList(execForm("CMD"), "CMD").at(-1));
    expect(existsSync(gatewayConfigFile)).toBe(true);
  });

  it("passes the gateway every variable its config needs", () => {
    const needed = variableReferences(stringScalars(gatewayConfig()).join("\n")).filter(
      (ref) => ref.marker === "",
    );
    expect(needed.map((ref) => ref.name)).toEqual(expect.arrayContaining(["REDIS_URL", "DATABASE_URL"]));
    for (const { name } of needed) expect(environmentOf("gateway"), name).toHaveProperty(name);
  });

  it("declares every named volume it mounts, and persists Redis and PostgreSQL", () => {
    const declared = Object.keys(asMapping(compose.volumes, "volumes"));
    for (const name of Object.keys(services)) {
      for (const { source } of mountsOf(name)) if (!isBindSource(source)) expect(declared).toContain(source);
    }
    expect(mountsOf("redis").map((mount) => mount.target)).toContain("/data");
    expect(asList(service("redis").command, "redis.command").join(" ")).toContain("--appendonly yes");
    expect(mountsOf("postgres").map((mount) => mount.target)).toContain("/var/lib/postgresql/data");
  });
});

describe("gateway.compose.yaml", () => {
  it("runs stdio upstreams from the image's working directory with files the image contains", () => {
    const upstreams = Object.values(asMapping(gatewayConfig().upstreams, "upstreams"));
    expect(upstreams.length).toBeGreaterThan(0);
    for (const upstream of upstreams.map((value) => asMapping(value, "upstream"))) {
      expect(upstream.cwd).toBe(lastArgs("WORKDIR"));
      const script = String(asList(upstream.args, "args")[0]);
      expect(existsSync(path.join(repoRoot, script)), script).toBe(true);
      expect(isDockerIgnored(script), script).toBe(false);
    }
  });
});

describe("Dockerfile", () => {
  it("builds every stage from node:20-bookworm-slim", () => {
    const bases = [...dockerfileText.matchAll(/^FROM\s+(\S+)/gim)].map((match) => match[1]);
    expect(bases.length).toBeGreaterThan(1);
    expect(new Set(bases)).toEqual(new Set(["node:20-bookworm-slim"]));
  });

  it("starts the CLI and by default serves the mounted config", () => {
    expect(execForm("ENTRYPOINT")).toEqual(["node", "dist/src/cli/bin.js"]);
    expect(execForm("CMD")).toEqual(["start", "--config", "/etc/mcp-approval-gateway/gateway.yaml"]);
  });

  it("exposes the port compose publishes", () => {
    const exposed = (lastArgs("EXPOSE") ?? "").split(/\s+/).map((port) => port.replace(/\/tcp$/, ""));
    expect(publishedContainerPorts("gateway").length).toBeGreaterThan(0);
    expect(exposed).toEqual(expect.arrayContaining(publishedContainerPorts("gateway")));
  });

  it("runs as a non-root user", () => {
    expect(lastArgs("USER")).toBeDefined();
    expect(lastArgs("USER")).not.toMatch(/^(root|0)(:|$)/);
  });

  it("checks the process health with node, as the slim image has no curl", () => {
    const [, probe = "[]"] = /\bCMD\s+(\[.*\])$/.exec(lastArgs("HEALTHCHECK") ?? "") ?? [];
    const command = asList(JSON.parse(probe), "HEALTHCHECK CMD").map(String);
    expect(command[0]).toBe("node");
    expect(command.join(" ")).toContain("/healthz");
  });

  it("ships the compiled code, production dependencies, package.json, migrations and examples", () => {
    const sources = finalStage
      .filter((instruction) => instruction.keyword === "COPY")
      .flatMap((instruction) =>
        instruction.args
          .split(/\s+/)
          .filter((arg) => !arg.startsWith("--"))
          .slice(0, -1),
      );
    expect(sources).toEqual(
      expect.arrayContaining(["/app/dist", "/app/node_modules", "package.json", "prisma", "examples"]),
    );
  });

  it("leaves out of the build context what is rebuilt, and keeps what the build and runtime need", () => {
    const rebuilt = [
      "node_modules/yaml/package.json",
      "dist/src/cli/bin.js",
      "src/generated/prisma/client.ts",
    ];
    const needed = [
      "package-lock.json",
      "tsconfig.build.json",
      "scripts/prisma-generate.sh",
      "src/cli/bin.ts",
    ];
    const shipped = ["prisma/migrations/migration_lock.toml", "examples/gateway.compose.yaml"];
    expect(rebuilt.filter((file) => !isDockerIgnored(file))).toEqual([]);
    expect([...needed, ...shipped].filter(isDockerIgnored)).toEqual([]);
  });
});
