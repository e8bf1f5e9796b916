import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  connectAgent,
  createGatewayFixture,
  type GatewayFixture,
  type GatewayProcess,
  type InProcessGateway,
  resultText,
  startGatewayProcess,
  startInProcessGateway,
} from "../support/gateway-harness.js";

const allowAll = { default: "allow", rules: [] };
const lockedDown = {
  default: "allow",
  rules: [
    { id: "no-describe", tool: "describe_endpoint", action: "deny", reason: "Describing is paused" },
    { id: "hide-deletes", tool: "delete_*", action: "deny", hide: true },
  ],
};

/** Rewrites a config file in place with a new `policy` block and optional other changes. */
function rewriteConfig(configPath: string, change: (config: Record<string, unknown>) => void): void {
  const config = parse(readFileSync(configPath, "utf8")) as Record<string, unknown>;
  change(config);
  writeFileSync(configPath, stringify(config));
}

async function waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const describeAlpha = { name: "describe_endpoint", arguments: { endpoint_name: "ep-alpha" } };

describe("policy hot reload in a running gateway", () => {
  let fixture: GatewayFixture;
  let gateway: InProcessGateway;
  let client: Client;
  let listChanges = 0;

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: allowAll });
    gateway = await startInProcessGateway(fixture);
    client = await connectAgent(gateway.url, "sagemaker");
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanges += 1;
    });
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    await fixture?.dispose();
  });

  it("applies a new valid policy without a restart and tells clients to refetch tools", async () => {
    expect((await client.callTool(describeAlpha)).isError).toBeFalsy();
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain("delete_endpoint");

    rewriteConfig(fixture.configPath, (config) => {
      config.policy = lockedDown;
      config.log_level = "info";
    });
    await waitFor(() => listChanges > 0, "notifications/tools/list_changed");

    const denied = await client.callTool(describeAlpha);
    expect(denied.isError).toBe(true);
    expect(resultText(denied)).toContain("Describing is paused");
    expect((await client.listTools()).tools.map((tool) => tool.name)).not.toContain("delete_endpoint");
    expect(gateway.logs()).toContain("policy reloaded; only the policy takes effect without a restart");
    expect(gateway.logs()).toMatch(/"sections":\["log_level"\].*take effect only after a restart: log_level/);
  });

  it("keeps serving the previous policy when the new file is invalid, and logs why", async () => {
    const changesBefore = listChanges;
    rewriteConfig(fixture.configPath, (config) => {
      config.policy = { default: "sometimes", rules: [] };
    });
    await waitFor(() => gateway.logs().includes("config reload failed"), "the reload error");
    const failure = gateway
      .logs()
      .split("\n")
      .find((line) => line.includes("config reload failed"));
    expect(failure).toContain('"code":"CONFIG_INVALID"');
    expect(failure).toContain("policy.default");
    expect(failure).toContain(fixture.configPath);

    expect(resultText(await client.callTool(describeAlpha))).toContain("Describing is paused");
    expect((await client.callTool({ name: "list_endpoints", arguments: {} })).isError).toBeFalsy();
    expect(listChanges).toBe(changesBefore);
  });
});

describe("SIGHUP on the gateway process", () => {
  let fixture: GatewayFixture;
  let gatewayProcess: GatewayProcess | undefined;
  let client: Client | undefined;

  beforeAll(async () => {
    fixture = await createGatewayFixture({ policy: allowAll, extra: { log_level: "info" } });
  });

  afterEach(async () => {
    await client?.close();
    await gatewayProcess?.stop();
  });

  afterAll(async () => {
    await fixture?.dispose();
  });

  it("re-reads the config file and applies its policy", async () => {
    gatewayProcess = await startGatewayProcess(fixture);
    client = await connectAgent(gatewayProcess.url, "sagemaker");
    const running = gatewayProcess;
    const processConfig = readdirSync(fixture.dir).find((name) => /^gateway-\d+\.yaml$/.test(name)) ?? "";
    const configPath = path.join(fixture.dir, processConfig);

    running.process.kill("SIGHUP");
    await waitFor(() => running.output().includes("the policy is unchanged"), "the SIGHUP reload");
    expect(running.output()).toMatch(/"trigger":"SIGHUP".*the policy is unchanged/);
    expect(running.process.exitCode).toBeNull();

    rewriteConfig(configPath, (config) => {
      config.policy = lockedDown;
    });
    running.process.kill("SIGHUP");
    await waitFor(() => running.output().includes("policy reloaded"), "the policy reload");
    expect(running.output()).toMatch(/"trigger":"SIGHUP".*policy reloaded/);
    const denied = await client.callTool(describeAlpha);
    expect(resultText(denied)).toContain("Describing is paused");
  });
});
