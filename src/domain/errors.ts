// The errors services, auth and stores throw, in the domain's words: what went wrong, a stable
// code and the fields involved, never an HTTP status (src/http/errors.ts maps each class to one).

/** One field a failure is about: `field` is dotted (`query.limit`, `px`), absent for the whole input. */
export interface ErrorDetail {
  field?: string;
  message: string;
}

/**
 * Base of every domain error: `code` is the stable machine-readable name clients switch on
 * (`risk_rejected`, `token_expired`, ...); `details` name the fields; `retryAfterS` says when
 * trying again may succeed.
 * @example throw new NotFound(`no user ${name}`)
 */
export abstract class DomainError extends Error {
  abstract readonly defaultCode: string;
  readonly details?: ErrorDetail[];
  readonly retryAfterS?: number;
  private readonly givenCode?: string;

  constructor(
    message: string,
    opts: { code?: string; details?: ErrorDetail[]; retryAfterS?: number; cause?: unknown } = {},
  ) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    if (opts.code !== undefined) this.givenCode = opts.code;
    if (opts.details !== undefined) this.details = opts.details;
    if (opts.retryAfterS !== undefined) this.retryAfterS = opts.retryAfterS;
  }

  get code(): string {
    return this.givenCode ?? this.defaultCode;
  }
}

/** The input is malformed or inconsistent (`validation_failed`). */
export class ValidationFailed extends DomainError {
  override name = "ValidationFailed";
  readonly defaultCode = "validation_failed";
}

/** No usable credential: missing, invalid, expired, revoked (`invalid_token`, `token_expired`, ...). */
export class Unauthorized extends DomainError {
  override name = "Unauthorized";
  readonly defaultCode = "unauthorized";
  constructor(message = "authentication required", opts: ConstructorParameters<typeof DomainError>[1] = {}) {
    super(message, opts);
  }
}

/** The caller is known but may not do this (role, origin of a cookie credential). */
export class Forbidden extends DomainError {
  override name = "Forbidden";
  readonly defaultCode = "forbidden";
  constructor(message = "not allowed for this role", opts: ConstructorParameters<typeof DomainError>[1] = {}) {
    super(message, opts);
  }
}

/** The thing named does not exist (a user, an order, a command). */
export class NotFound extends DomainError {
  override name = "NotFound";
  readonly defaultCode = "not_found";
}

/** The request contradicts the current state (a taken name, the last admin). */
export class Conflict extends DomainError {
  override name = "Conflict";
  readonly defaultCode = "conflict";
}

/**
 * An Idempotency-Key or clOrdId used again for a different request (`idempotency_conflict`);
 * `details` name the fields that differ.
 */
export class IdempotencyConflict extends DomainError {
  override name = "IdempotencyConflict";
  readonly defaultCode = "idempotency_conflict";
}

/** The input is larger than the part that has to hold it (an event larger than the bus). */
export class TooLarge extends DomainError {
  override name = "TooLarge";
  readonly defaultCode = "payload_too_large";
}

/** Our own risk checks refused an order (kill switch, limits, instrument rules). */
export class RiskRejected extends DomainError {
  override name = "RiskRejected";
  readonly defaultCode = "risk_rejected";
}

/** The exchange refused one order (`exchange_rejected`, `insufficient_balance`). */
export class ExchangeRejected extends DomainError {
  override name = "ExchangeRejected";
  readonly defaultCode = "exchange_rejected";
}

/** The exchange refused the request as a whole (not one order): its error code, not ours. */
export class ExchangeError extends DomainError {
  override name = "ExchangeError";
  readonly defaultCode = "exchange_error";
}

/** The exchange cannot be reached or did not answer; an order's fate may be unknown. */
export class ExchangeUnavailable extends DomainError {
  override name = "ExchangeUnavailable";
  readonly defaultCode = "exchange_unavailable";
}

/** Too many attempts (ours: logins; the exchange's: its rate limit); `retryAfterS` when known. */
export class RateLimited extends DomainError {
  override name = "RateLimited";
  readonly defaultCode = "rate_limited";
}

/** A store (Redis, ClickHouse) cannot be reached: the request may succeed shortly. */
export class StoreUnavailable extends DomainError {
  override name = "StoreUnavailable";
  readonly defaultCode = "store_unavailable";
}

/** Too much of this work is under way already (password checks): try again shortly. */
export class Busy extends DomainError {
  override name = "Busy";
  readonly defaultCode = "busy";
}

/** A part tradewire depends on (the external engine) cannot serve the request now: 503. */
export class Unavailable extends DomainError {
  override name = "Unavailable";
  readonly defaultCode = "unavailable";
}
