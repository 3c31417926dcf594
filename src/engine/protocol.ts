// The engine protocol's names, shapes and limits (docs/engine-protocol.md), shared by the bridge
// and its tests; nothing here does I/O.
import { STREAM_MESSAGE_TYPES } from "../stream/channels.ts";

export const PROTOCOL_VERSION = 1;

/** Stream and key names under a key prefix (`tw:` by default). */
export const streams = (prefix: string) => ({
  control: `${prefix}engine:control`,
  events: `${prefix}engine:events`,
  commands: (engineId: string) => `${prefix}engine:${engineId}:commands`,
});

/** The consumer group every engine reads its command stream with. */
export const COMMAND_GROUP = "engine";

/** MAXLEN ~ each writer trims to. */
export const MAXLEN = { control: 10_000, events: 100_000, commands: 10_000 } as const;

export const LIMITS = {
  /** A control message's `m` field. */
  controlBytes: 256 * 1024,
  commandArgsBytes: 16 * 1024,
  resultBytes: 64 * 1024,
  strategiesPerEngine: 1_000,
  /** How much of the control stream's tail a starting instance reads. */
  controlScan: 1_000,
} as const;

export const ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
export const ERROR_CODE = /^[a-z][a-z0-9_]{0,63}$/;
export const COMMAND_NAME = /^[a-z][a-z0-9_.-]{0,63}$/;

/** Event types an engine may not publish: the stream's own, and tradewire's exchange truth. */
export const FORBIDDEN_TYPES: ReadonlySet<string> = new Set([
  ...STREAM_MESSAGE_TYPES,
  "command",
  "system",
  "ticker",
  "book",
  "trade",
  "candle",
  "funding",
  "balance",
  "account",
]);

/** Channel heads an engine may publish on. */
export const ENGINE_HEADS = new Set(["orders", "fills", "positions", "strategy", "bench"]);

/**
 * Why an engine may not publish an event of this type on this channel, or null when it may: one
 * rule for the bridge and for POST /api/events by an engine login.
 * @example engineMayNotPublish("ticker", "tickers:BTC-USDT") // { field: "type", ... }
 */
export function engineMayNotPublish(
  type: string,
  channel: string,
): { field: "type" | "channel"; reason: string } | null {
  if (FORBIDDEN_TYPES.has(type)) return { field: "type", reason: `type ${type} is not an engine's to publish` };
  const head = channel.split(":", 1)[0]!;
  if (!ENGINE_HEADS.has(head)) return { field: "channel", reason: `channel ${head} is not an engine's to publish` };
  return null;
}

export const STRATEGY_STATES = ["stopped", "starting", "running", "stopping", "error"] as const;
export type StrategyState = (typeof STRATEGY_STATES)[number];

/** A strategy as its engine reports it in `hello` / `heartbeat`. */
export interface ReportedStrategy {
  id: string;
  name: string;
  instruments: string[];
  params: Record<string, unknown>;
  state: StrategyState;
  reason: string | null;
  paramsSchema?: Record<string, unknown>;
  stats?: Record<string, unknown>;
}

export interface Presence {
  engineId: string;
  instance: string;
  heartbeatMs: number;
  strategies: ReportedStrategy[];
  ts?: number;
}

export type ControlMessage =
  | ({ type: "hello"; commands?: string[]; info?: Record<string, unknown> } & Presence)
  | ({ type: "heartbeat"; seq?: number } & Presence)
  | { type: "accepted"; engineId: string; id: string; ts?: number }
  | {
      type: "result";
      engineId: string;
      id: string;
      status: "done" | "failed";
      result: Record<string, unknown>;
      error?: { code: string; message: string };
      ts?: number;
    }
  | { type: "bye"; engineId: string; instance: string; reason?: string; ts?: number };

/** An answer to a command: what the command service is told. */
export type CommandAnswer = Extract<ControlMessage, { type: "accepted" | "result" }>;

/** A command as it goes to an engine. */
export interface CommandMessage {
  v: typeof PROTOCOL_VERSION;
  type: "command";
  id: string;
  name: string;
  args: Record<string, unknown>;
  by: string;
  ts: number;
  deadline: number;
}

/** A validated engine event, ready for the bus. */
export interface EngineEvent {
  engineId: string;
  type: string;
  channel: string;
  /** The engine's data with `src` and `engineId` added, as JSON text. */
  dataJson: string;
  ts?: number;
}

export type RejectKind =
  | "not_json"
  | "bad_field"
  | "too_large"
  | "bad_version"
  | "unknown_type"
  | "not_allowed"
  | "bad_channel"
  | "over_budget"
  | "strategy_conflict";

/** Why a message was refused: the kind (metrics label) and a reason for the log. */
export interface Rejected {
  reject: RejectKind;
  reason: string;
  engineId?: string;
}
