import { LineCounter, parseDocument } from "yaml";
import { ErrorCode, GatewayError } from "../errors.js";

/**
 * The plain data of a one-document YAML text. Syntax errors become one
 * {@link ErrorCode.ConfigInvalid} error listing each with its line and column.
 */
export function parseYamlDocument(text: string, fileLabel: string): unknown {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    const lines = document.errors.map((error) => {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      return `${fileLabel}: line ${line}, column ${col}: invalid YAML: ${error.message}`;
    });
    throw new GatewayError(ErrorCode.ConfigInvalid, lines.join("\n"));
  }
  try {
    return document.toJS();
  } catch (error) {
    // Such as an alias to an anchor that is not defined.
    const reason = error instanceof Error ? error.message : String(error);
    throw new GatewayError(ErrorCode.ConfigInvalid, `${fileLabel}: invalid YAML: ${reason}`, {
      cause: error,
    });
  }
}
