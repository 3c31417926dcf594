// What a strategy kind is (its params schema, which params apply live, its logic) and what its
// logic may do (the context): the contract between built-in or custom kinds and the Worker that runs them.
import type { z } from "zod";
import type { Book, Fill, Order, Position, Ticker } from "../domain/events.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";

/** Tick, lot, minimum size and contract value of an instrument (as the exchange lists it). */
export type { InstrumentSpec } from "../domain/instruments.ts";

/** An order a strategy asks for: limit-priced only (a spot market buy would be sized in quote currency). */
export interface OrderRequest {
  instId: string;
  side: "buy" | "sell";
  ordType: "limit" | "post_only" | "ioc" | "fok";
  sz: string;
  px: string;
  tdMode?: "cash" | "cross" | "isolated";
  /** Derivatives: the order may only reduce a position (the exchange refuses it otherwise). */
  reduceOnly?: boolean;
}

/** How a request ended: accepted by the exchange (ordId), or refused (a risk check, the exchange, the strategy's limits). */
export type PlaceAnswer =
  | { ok: true; clOrdId: string; ordId: string }
  | { ok: false; clOrdId: string; code: string; message: string };
export type CancelAnswer = { ok: true } | { ok: false; code: string; message: string };

/** An order on its way: its clOrdId is known at once, so fills can be matched before the answer. */
export interface PendingOrder {
  clOrdId: string;
  answer: Promise<PlaceAnswer>;
}

export interface StrategyContext {
  readonly id: string;
  readonly instruments: readonly string[];
  /** Rules of an instrument (undefined when the exchange has not listed it). */
  rules(instId: string): InstrumentSpec | undefined;
  /** The latest ticker seen for one of the strategy's instruments. */
  ticker(instId: string): Ticker | undefined;
  /**
   * Places through the service's order path (its risk checks, then the strategy's limits). Orders
   * over the strategy's orders-per-second limit wait their turn, in order (refused only when a
   * minute of them already waits).
   */
  place(o: OrderRequest): PendingOrder;
  cancel(instId: string, clOrdId: string): Promise<CancelAnswer>;
  /** A line in the strategy's log (REST and the `strategy:<id>` channel). */
  log(msg: string, level?: "info" | "warn" | "error"): void;
  /** Calls `fn` every `ms` (an error it throws puts the strategy in `error`); returns a canceller. */
  every(ms: number, fn: () => void | Promise<void>): () => void;
  /** The strategy has done its work: it is stopped (open orders cancelled) with this reason. */
  finish(reason: string): void;
  /**
   * Changes some of its own live params, as a user's change would be (checked against the kind's
   * schema, kept, shown): a trailing stop moving its stop. `onParams` is not called for it. A
   * change the schema refuses, or of a param that is not live, is logged and dropped.
   */
  adjust(params: Record<string, unknown>): void;
  now(): number;
}

/** The callbacks a kind implements; any may be async. A throw puts the strategy in `error`. */
export interface StrategyLogic {
  onStart?(): void | Promise<void>;
  onTicker?(t: Ticker): void | Promise<void>;
  onBook?(b: Book): void | Promise<void>;
  /** Updates of this strategy's own orders. */
  onOrder?(o: Order): void | Promise<void>;
  /** This strategy's own fills. */
  onFill?(f: Fill): void | Promise<void>;
  /** The account's position on one of its instruments, as it changes (kinds that ask for `positions`). */
  onPosition?(p: Position): void | Promise<void>;
  /** New params while running (only the kind's liveParams changed). */
  onParams?(params: Record<string, unknown>): void | Promise<void>;
  onStop?(): void | Promise<void>;
}

export interface Kind {
  name: string;
  title: string;
  description: string;
  /** The params, each field with its default and description: validated on create and update, listed as JSON Schema. */
  params: z.ZodObject;
  /** Params that may change while the strategy runs (applied live); the others only while it is stopped. */
  liveParams: readonly string[];
  /**
   * Params only its logic changes while it runs (`adjust`), never a user: the stop's entry price,
   * dropped once the entry has filled.
   */
  ownParams?: readonly string[];
  /** How many instruments a strategy of this kind trades. */
  instruments: { min: number; max: number };
  /** Wants `onBook` (books:<instId>) besides tickers. */
  books?: boolean;
  /** Wants `onPosition` (the account's positions on its instruments, whoever made them). */
  positions?: boolean;
  /**
   * Protection (a stop): started again by itself after a service restart (once its instruments'
   * rules are in), where other kinds come back stopped, so a restart does not disarm it; and its
   * Worker thread runs at STRATEGY_NICE, never under SCHED_IDLE, so a busy host does not hold it.
   */
  resumes?: boolean;
  create(ctx: StrategyContext, params: Record<string, unknown>): StrategyLogic;
}

/**
 * Declares a kind with its params typed from the schema.
 * @example export default defineKind({ name: "noop", title: "No-op", description: "...", params: z.object({}), liveParams: [], instruments: { min: 1, max: 1 }, create: () => ({}) })
 */
export function defineKind<S extends z.ZodObject>(
  k: Omit<Kind, "params" | "create" | "liveParams" | "ownParams"> & {
    params: S;
    liveParams: ReadonlyArray<keyof z.infer<S> & string>;
    ownParams?: ReadonlyArray<keyof z.infer<S> & string>;
    create(ctx: StrategyContext, params: z.infer<S>): StrategyLogic;
  },
): Kind {
  // Params reach create() only after the schema parsed them, so the erased type is safe.
  return k as unknown as Kind;
}
