// How REST answers become values or errors: the API's one error shape as ApiRequestError (a
// network failure is status 0), query strings, and the fetcher that requests go out through.

export interface ErrorDetail {
  field?: string;
  message: string;
}

/** A 4xx/5xx answer in the API's one error shape, or a network failure (status 0). */
export class ApiRequestError extends Error {
  override name = "ApiRequestError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly retryAfterS?: number,
  ) {
    super(message);
  }

  /** The message for a form field (the first detail naming it), if any. */
  fieldMessage(field: string): string | undefined {
    return this.details.find((d) => d.field === field)?.message;
  }
}

/** What a person reads for a failed call: its first detail (what was wrong), else its message. */
export function errorText(err: unknown): string {
  return err instanceof ApiRequestError ? (err.details[0]?.message ?? err.message) : String(err);
}

/** How requests go out: a path and init, already authorized when the API needs it. */
export type Fetcher = (path: string, init?: RequestInit) => Promise<Response>;

export type Query = Record<string, string | number | boolean | undefined>;

export function withQuery(path: string, q?: Query): string {
  if (!q) return path;
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `${path}?${s}` : path;
}

/** The body of an answer, or an ApiRequestError built from the error shape. */
export async function answer<T>(res: Response): Promise<T> {
  if (res.ok) {
    if (res.status === 204) return undefined as T;
    const type = res.headers.get("content-type") ?? "";
    return (type.includes("json") ? await res.json() : await res.text()) as T;
  }
  let code = `http_${res.status}`;
  let message = `${res.status} ${res.statusText}`.trim();
  let details: ErrorDetail[] = [];
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: ErrorDetail[] } };
    if (body.error) {
      code = body.error.code ?? code;
      message = body.error.message ?? message;
      details = body.error.details ?? [];
    }
  } catch {
    // not the error shape: keep the status line
  }
  const retry = Number(res.headers.get("retry-after"));
  throw new ApiRequestError(
    res.status,
    code,
    message,
    details,
    Number.isFinite(retry) && retry > 0 ? retry : undefined,
  );
}

/** Waits for a request; a network failure becomes ApiRequestError(0, "network"). */
export async function sent(req: Promise<Response>): Promise<Response> {
  try {
    return await req;
  } catch (err) {
    if (err instanceof ApiRequestError) throw err;
    throw new ApiRequestError(0, "network", `cannot reach the server: ${(err as Error).message ?? String(err)}`);
  }
}
