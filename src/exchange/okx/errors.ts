// Errors of the OKX client: the venue's error envelope as a typed OkxError, and our own
// "could not get an answer" error, both plain enough to cross a postMessage boundary.
import type { OrderOpResult } from "../../okx/types.ts";

/** OKX said no: a non-zero `code` (REST or WS), with the first failing item's sCode/sMsg. */
export class OkxError extends Error {
  override name = "OkxError";
  readonly code: string;
  readonly msg: string;
  readonly sCode?: string;
  readonly sMsg?: string;
  /** HTTP status for REST answers (401 auth, 429 rate limit, ...). */
  readonly status?: number;
  /** Per-item results when OKX sent them (code "1"/"2" on trade endpoints), unchecked: any field may be missing. */
  readonly data?: Partial<OrderOpResult>[];

  constructor(init: {
    code: string;
    msg: string;
    sCode?: string;
    sMsg?: string;
    status?: number;
    data?: Partial<OrderOpResult>[];
  }) {
    const detail = init.sCode && init.sCode !== "0" ? ` (${init.sCode} ${init.sMsg ?? ""})` : "";
    super(`OKX ${init.code}: ${init.msg || "(no message)"}${detail}`);
    this.code = init.code;
    this.msg = init.msg;
    if (init.sCode !== undefined) this.sCode = init.sCode;
    if (init.sMsg !== undefined) this.sMsg = init.sMsg;
    if (init.status !== undefined) this.status = init.status;
    if (init.data !== undefined) this.data = init.data;
  }

  /** From an envelope `{code, msg, data?}`; picks the first item whose sCode is not "0". */
  static fromEnvelope(body: { code?: unknown; msg?: unknown; data?: unknown }, status?: number): OkxError {
    const data = Array.isArray(body.data) ? (body.data as Partial<OrderOpResult>[]) : undefined;
    const bad = data?.find((d) => d && typeof d === "object" && d.sCode !== undefined && d.sCode !== "0");
    return new OkxError({
      code: String(body.code ?? "?"),
      msg: typeof body.msg === "string" ? body.msg : "",
      ...(bad?.sCode !== undefined ? { sCode: String(bad.sCode), sMsg: String(bad.sMsg ?? "") } : {}),
      ...(status !== undefined ? { status } : {}),
      ...(data ? { data } : {}),
    });
  }
}

/** OKX's rate limit: HTTP 429, or code 50011. */
export function isRateLimited(err: unknown): boolean {
  return err instanceof OkxError && (err.status === 429 || err.code === "50011");
}

/** OKX does not know the order (51603, as the request's code or the item's). */
export function isUnknownOrder(err: unknown): boolean {
  return err instanceof OkxError && (err.code === "51603" || err.sCode === "51603");
}

/** No answer from OKX: not connected, timed out (order state unknown), stopped, network error. */
export class OkxUnavailableError extends Error {
  override name = "OkxUnavailableError";
  constructor(
    message: string,
    /** True when the request may have reached OKX (e.g. a timeout after sending). */
    readonly stateUnknown = false,
  ) {
    super(message);
  }
}

/** What an error looks like on the wire between the Worker and the main thread. */
export type ErrorShape =
  | { name: "OkxError"; code: string; msg: string; sCode?: string; sMsg?: string; status?: number }
  | { name: "OkxUnavailableError"; message: string; stateUnknown: boolean }
  | { name: "Error"; message: string };

export function toErrorShape(err: unknown): ErrorShape {
  if (err instanceof OkxError) {
    return {
      name: "OkxError",
      code: err.code,
      msg: err.msg,
      ...(err.sCode !== undefined ? { sCode: err.sCode, sMsg: err.sMsg ?? "" } : {}),
      ...(err.status !== undefined ? { status: err.status } : {}),
    };
  }
  if (err instanceof OkxUnavailableError)
    return { name: "OkxUnavailableError", message: err.message, stateUnknown: err.stateUnknown };
  return { name: "Error", message: err instanceof Error ? err.message : String(err) };
}

export function fromErrorShape(s: ErrorShape): Error {
  if (s.name === "OkxError") return new OkxError(s);
  if (s.name === "OkxUnavailableError") return new OkxUnavailableError(s.message, s.stateUnknown);
  return new Error(s.message);
}
