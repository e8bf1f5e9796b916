import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express, { type Request } from "express";

/** One Web API call the fake received. */
export interface FakeSlackCall {
  readonly method: string;
  readonly body: Record<string, unknown>;
  /** The bearer token the caller sent, if any. */
  readonly token: string | undefined;
}

export interface FakeSlackApi {
  /** Base URL for `slackApiUrl`, ending in `/`. */
  readonly url: string;
  /** Calls received so far, in order; only those of `method` when given. */
  calls(method?: string): FakeSlackCall[];
  /** Makes the next call of `method` answer `{ ok: false, error }`. */
  failNext(method: string, error: string): void;
  clear(): void;
  close(): Promise<void>;
}

/** Arguments Slack clients send as JSON strings inside form-encoded bodies. */
const jsonArguments = new Set(["blocks", "view", "attachments", "metadata"]);

type Responder = (body: Record<string, unknown>) => Record<string, unknown>;

/**
 * A local stand-in for the Slack Web API (the methods the gateway uses), recording every
 * call with its parsed arguments. Unknown methods answer `unknown_method`, as Slack does.
 */
export async function startFakeSlackApi(): Promise<FakeSlackApi> {
  const recorded: FakeSlackCall[] = [];
  const failures = new Map<string, string[]>();
  const responders = createResponders();

  const app = express();
  app.use(express.urlencoded({ extended: false }), express.json());
  app.post("/api/:method", (req, res) => {
    const method = String(req.params.method);
    const body = parseArguments(req.body);
    recorded.push({ method, body, token: bearerToken(req) });
    const failure = failures.get(method)?.shift();
    const respond = responders.get(method);
    if (failure !== undefined) res.json({ ok: false, error: failure });
    else if (respond) res.json({ ok: true, ...respond(body) });
    else res.json({ ok: false, error: "unknown_method" });
  });

  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls: (method) => recorded.filter((call) => method === undefined || call.method === method),
    failNext: (method, error) => failures.set(method, [...(failures.get(method) ?? []), error]),
    clear: () => {
      recorded.length = 0;
      failures.clear();
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function createResponders(): Map<string, Responder> {
  let sequence = 0;
  const freshTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(++sequence).padStart(6, "0")}`;
  return new Map<string, Responder>([
    [
      "auth.test",
      () => ({
        url: "https://fake.slack.test/",
        team: "Fake",
        user: "gateway",
        team_id: "T0FAKE",
        user_id: "U0BOT",
        bot_id: "B0BOT",
      }),
    ],
    ["chat.postMessage", (body) => ({ channel: body.channel, ts: freshTs(), message: { text: body.text } })],
    ["chat.update", (body) => ({ channel: body.channel, ts: body.ts, text: body.text })],
    ["chat.postEphemeral", () => ({ message_ts: freshTs() })],
    ["views.open", (body) => ({ view: { id: `V${++sequence}`, ...(body.view as object) } })],
  ]);
}

function parseArguments(raw: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = typeof raw === "object" && raw !== null ? { ...raw } : {};
  for (const key of jsonArguments) {
    const value = body[key];
    if (typeof value === "string") body[key] = JSON.parse(value);
  }
  return body;
}

function bearerToken(req: Request): string | undefined {
  const header = req.get("authorization");
  return header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
}
