// What the strategy service refuses, in its own words and with no HTTP status: the route file
// (and, after the merge, http/) maps each class to one.

/** One field an error is about: dotted, e.g. `params.levels`, `instruments`. */
export interface StrategyErrorDetail {
  field?: string;
  message: string;
}

/** Base of the strategy service's refusals; `code` is the stable name clients switch on. */
export abstract class StrategyError extends Error {
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: StrategyErrorDetail[],
  ) {
    super(message);
  }
}

/** No strategy with that id (or it was deleted). */
export class StrategyNotFound extends StrategyError {
  override name = "StrategyNotFound";
  readonly code = "not_found";
}

/** The caller may read the strategy but not change it (another trader's, or an engine's). */
export class StrategyForbidden extends StrategyError {
  override name = "StrategyForbidden";
  readonly code = "forbidden";
}

/** The request does not fit the strategy's state: start while running, delete while running, ... */
export class StrategyConflict extends StrategyError {
  override name = "StrategyConflict";
  readonly code: string;
  constructor(message: string, code = "conflict", details?: StrategyErrorDetail[]) {
    super(message, details);
    this.code = code;
  }
}

/** The input is not valid for the kind: unknown kind, params failing its schema (each field named). */
export class StrategyInvalid extends StrategyError {
  override name = "StrategyInvalid";
  readonly code = "validation_failed";
}

/** Something the strategy needs is not there now (the external engine, the exchange). */
export class StrategyUnavailable extends StrategyError {
  override name = "StrategyUnavailable";
  readonly code = "unavailable";
}
