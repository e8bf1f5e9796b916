import { isGatewayError } from "../errors.js";

/** Prints a failure for a person (code and message, no stack for our own errors) and exits non-zero. */
export function reportFailure(error: unknown): never {
  if (isGatewayError(error)) {
    console.error(`mcp-approval-gateway: ${error.code}\n${error.message}`);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
}
