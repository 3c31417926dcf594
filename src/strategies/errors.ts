// What the strategy service refuses, in its own words and with no HTTP status: domain errors that
// src/http/errors.ts maps to statuses like every other.
import { Conflict, type ErrorDetail, Forbidden, NotFound, Unavailable, ValidationFailed } from "../domain/errors.ts";

/** One field an error is about: dotted, e.g. `params.levels`, `instruments`. */
export type StrategyErrorDetail = ErrorDetail;

/** No strategy with that id (or it was deleted). */
export class StrategyNotFound extends NotFound {
  override name = "StrategyNotFound";
}

/** The caller may read the strategy but not change it (another trader's, or an engine's). */
export class StrategyForbidden extends Forbidden {
  override name = "StrategyForbidden";
}

/** The request does not fit the strategy's state: start while running, delete while running, ... */
export class StrategyConflict extends Conflict {
  override name = "StrategyConflict";
  constructor(message: string, code = "conflict", details?: StrategyErrorDetail[]) {
    super(message, { code, ...(details ? { details } : {}) });
  }
}

/** The input is not valid for the kind: unknown kind, params failing its schema (each field named). */
export class StrategyInvalid extends ValidationFailed {
  override name = "StrategyInvalid";
  constructor(message: string, details?: StrategyErrorDetail[]) {
    super(message, details ? { details } : {});
  }
}

/** Something the strategy needs is not there now (the external engine, the exchange). */
export class StrategyUnavailable extends Unavailable {
  override name = "StrategyUnavailable";
}

/** Any of the strategy service's refusals. */
export type StrategyError =
  | StrategyNotFound
  | StrategyForbidden
  | StrategyConflict
  | StrategyInvalid
  | StrategyUnavailable;
