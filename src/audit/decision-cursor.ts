import { z } from "zod";
import { ErrorCode, GatewayError } from "../errors.js";

/** Where a page of the newest-first decision history ends: the last row's sort key. */
export interface DecisionCursor {
  readonly createdAt: Date;
  readonly id: string;
}

const cursorShape = z.object({
  t: z.iso.datetime(),
  i: z.uuid(),
});

/** An opaque token for the page after `position`. */
export function encodeCursor(position: DecisionCursor): string {
  const payload = JSON.stringify({ t: position.createdAt.toISOString(), i: position.id });
  return Buffer.from(payload, "utf8").toString("base64url");
}

/** The position a cursor stands for; a `BadRequest` error for anything not made by `encodeCursor`. */
export function decodeCursor(cursor: string): DecisionCursor {
  const parsed = cursorShape.safeParse(parseJson(Buffer.from(cursor, "base64url").toString("utf8")));
  if (!/^[A-Za-z0-9_-]+$/.test(cursor) || !parsed.success) {
    throw new GatewayError(
      ErrorCode.BadRequest,
      "invalid cursor: pass back the nextCursor of a previous page",
    );
  }
  return { createdAt: new Date(parsed.data.t), id: parsed.data.i.toLowerCase() };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
