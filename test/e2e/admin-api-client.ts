/** A response of the admin API, body parsed when it is JSON. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  readonly body: unknown;
}

export interface ApiRequest {
  readonly token?: string | null;
  readonly method?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
}

/** Calls `path` under the gateway's `/api`. */
export async function callApi(baseUrl: string, path: string, request: ApiRequest = {}): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.token) headers.authorization = `Bearer ${request.token}`;
  const body = request.rawBody ?? (request.body === undefined ? undefined : JSON.stringify(request.body));
  if (body !== undefined) headers["content-type"] = "application/json";
  const response = await fetch(`${baseUrl}/api${path}`, { method: request.method ?? "GET", headers, body });
  const text = await response.text();
  const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: isJson ? JSON.parse(text) : undefined,
  };
}

/** The error body every failure must have. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly requestId: string };
}

/**
 * Parses RFC 4180 CSV with CRLF record ends: quoted fields may hold commas, doubled quotes
 * and line breaks. An unquoted empty field is null, a quoted one the empty string.
 */
export function parseCsv(text: string): Array<Array<string | null>> {
  const records: Array<Array<string | null>> = [];
  let record: Array<string | null> = [];
  let field = "";
  let wasQuoted = false;
  let inQuotes = false;
  const endField = (): void => {
    record.push(field === "" && !wasQuoted ? null : field);
    field = "";
    wasQuoted = false;
  };
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index];
    if (inQuotes) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index += 1;
      } else if (char === '"') inQuotes = false;
      else field += char;
    } else if (char === '"' && field === "" && !wasQuoted) {
      inQuotes = true;
      wasQuoted = true;
    } else if (char === ",") endField();
    else if (char === "\r" && text[index + 1] === "\n") {
      endField();
      records.push(record);
      record = [];
      index += 1;
    } else if (char === '"' || char === "\r" || char === "\n") {
      throw new Error(`stray ${JSON.stringify(char)} outside quotes at offset ${index}`);
    } else field += char;
  }
  if (inQuotes || field !== "" || record.length > 0)
    throw new Error("CSV does not end with a complete record");
  return records;
}
