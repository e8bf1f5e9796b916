import type { IncomingMessage } from "node:http";

/** Whether the response has a 2xx status. */
export function isSuccess(response: IncomingMessage): boolean {
  const status = response.statusCode ?? 0;
  return status >= 200 && status < 300;
}

/** The response's media type without parameters, lower case (`text/event-stream`). */
export function mediaTypeOf(response: IncomingMessage): string {
  return (response.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
}

/** The whole body as UTF-8 text. */
export function readBody(response: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.once("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    response.once("error", reject);
    response.once("aborted", () => reject(new Error("the response was cut short")));
  });
}

const redirectStatuses = new Set([301, 302, 303, 307, 308]);

/**
 * Where a redirect response sends the request, when it is to be followed: within the same
 * origin (or its https form on default ports), adding no credentials, and only when the
 * method survives it (301, 302 and 303 turn a request with a body into a GET).
 */
export function followedRedirect(response: IncomingMessage, from: URL, method: string): URL | undefined {
  const status = response.statusCode ?? 0;
  const location = response.headers.location;
  if (!redirectStatuses.has(status) || !location) return undefined;
  if (method !== "GET" && status !== 307 && status !== 308) return undefined;
  let target: URL;
  try {
    target = new URL(location, from);
  } catch {
    return undefined;
  }
  const addsUserinfo =
    (target.username || target.password) &&
    (target.username !== from.username || target.password !== from.password);
  return addsUserinfo || !isWithinOrigin(from, target) ? undefined : target;
}

function isWithinOrigin(from: URL, to: URL): boolean {
  if (from.protocol === to.protocol && from.hostname === to.hostname && from.port === to.port) return true;
  return (
    from.hostname === to.hostname &&
    from.protocol === "http:" &&
    from.port === "" &&
    to.protocol === "https:" &&
    to.port === ""
  );
}
