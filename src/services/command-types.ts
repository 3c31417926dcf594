// What a command is (input, record, filters), the domain errors the command service throws, and
// the hooks it is plugged into (engines, built-in strategies): the command service's surface.
import { z } from "zod";
import { NotFound, Unavailable, ValidationFailed } from "../domain/errors.ts";
import { InstId } from "../domain/inst-id.ts";
import type { CommandAnswer, CommandMessage } from "../engine/protocol.ts";
import { COMMAND_NAME, ID } from "../engine/protocol.ts";

const strategyId = z.string().regex(ID, "a strategy id");
const timeoutMs = z.number().int().min(100).max(300_000).optional();
const obj = z.record(z.string(), z.unknown());

/** The body of a command (POST /api/commands), validated field by field. */
export const CommandInputSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("kill_switch"), on: z.boolean() }).strict(),
  z.object({ type: z.literal("cancel_all"), instId: InstId.optional() }).strict(),
  z.object({ type: z.literal("close_all"), instId: InstId.optional() }).strict(),
  z.object({ type: z.literal("strategy_start"), strategyId, timeoutMs }).strict(),
  z.object({ type: z.literal("strategy_stop"), strategyId, cancelOrders: z.boolean().optional(), timeoutMs }).strict(),
  z.object({ type: z.literal("strategy_update"), strategyId, params: obj, timeoutMs }).strict(),
  z.object({ type: z.literal("strategy_cancel_all"), strategyId, timeoutMs }).strict(),
  z
    .object({
      type: z.literal("engine"),
      engineId: z.string().regex(ID, "an engine id").optional(),
      name: z
        .string()
        .regex(COMMAND_NAME, "lower-case letters, digits, _ . - (at most 64)")
        .refine(
          (n) => !n.startsWith("strategy.") && n !== "kill_switch",
          "strategy.* and kill_switch are tradewire's own commands: use their types",
        ),
      args: obj.optional(),
      timeoutMs,
    })
    .strict(),
]);

export type CommandInput = z.infer<typeof CommandInputSchema>;
export type CommandType = CommandInput["type"];
export type StrategyCommand = Extract<CommandInput, { strategyId: string }>;

export const COMMAND_STATUSES = ["pending", "accepted", "done", "failed", "timed_out"] as const;
export type CommandStatus = (typeof COMMAND_STATUSES)[number];
export const FINISHED: ReadonlySet<CommandStatus> = new Set(["done", "failed", "timed_out"]);

export interface CommandError {
  code: string;
  message: string;
}

/** A command and where it is in its life; announced on `commands` at every change. */
export interface CommandRecord {
  id: string;
  type: CommandType;
  /** Who asked. */
  by: string;
  status: CommandStatus;
  /** The command's fields other than its type. */
  params: Record<string, unknown>;
  /** The engine it went to (engine commands, external strategies). */
  engineId?: string;
  /** The command the engine was sent (`strategy.stop`, a pass-through name). */
  name?: string;
  /** What it did (done), or what was known when it failed. */
  result: Record<string, unknown>;
  error?: CommandError;
  /** A result that came after the command had timed out: kept, the status stays timed_out. */
  late?: { status: "done" | "failed"; result: Record<string, unknown>; error?: CommandError; at: number };
  /** The command that caused this one (the kill switch sends one to each engine). */
  parent?: string;
  createdAt: number;
  updatedAt: number;
  acceptedAt?: number;
  finishedAt?: number;
  /** How long an engine has to answer. */
  timeoutMs?: number;
  /** Creation to finish (or to the latest change while unfinished), ms. */
  ms: number;
}

/** The kill switch as it is now: on or off, since when (ms since 1970) and who set it (null: as the service started). */
export interface KillSwitchState {
  on: boolean;
  since: number | null;
  by: string | null;
}

export interface CommandFilter {
  status?: CommandStatus;
  type?: CommandType;
  engineId?: string;
  by?: string;
  /** Created at or after (ms since 1970). */
  since?: number;
  /** Newest first, at most this many (default 100, at most 1,000). */
  limit?: number;
}

/** The engine bridge as the command service needs it (src/engine/bridge.ts). */
export interface EngineLink {
  state(engineId: string): "up" | "silent" | "stopped" | undefined;
  engineIds(): string[];
  strategyOwner(strategyId: string): string | undefined;
  canSend(): boolean;
  send(engineId: string, msg: CommandMessage): Promise<void>;
  onAnswer(fn: (a: CommandAnswer) => boolean): void;
  onReconnect(fn: () => void): void;
}

/**
 * What the strategies service plugs in (`commands.useStrategies(runner)`) so that strategy
 * commands for built-in strategies run there; ids it does not own go to the engine that lists them.
 */
export interface StrategyRunner {
  /** True when `strategyId` is a built-in strategy this runner manages. */
  owns(strategyId: string): boolean;
  /** Runs the command; resolves with what goes into the record's `result`; throws to fail it. */
  run(cmd: StrategyCommand, by: string): Promise<Record<string, unknown>>;
  /** The kill switch was turned on (stop every strategy) or off. */
  killSwitch?(on: boolean, by: string): Promise<Record<string, unknown>>;
}

/** The engine a command needs is not heartbeating (or none is configured). */
export class EngineUnavailable extends Unavailable {
  override name = "EngineUnavailable";
  constructor(
    readonly engineId: string | undefined,
    message: string,
  ) {
    super(message, { code: "engine_unavailable" });
  }
}

/** No built-in strategy and no engine's strategy has this id. */
export class UnknownStrategy extends NotFound {
  override name = "UnknownStrategy";
  constructor(readonly strategyId: string) {
    super(`no strategy ${strategyId}`);
  }
}

/** A command that cannot be run as given (names the field). */
export class InvalidCommand extends ValidationFailed {
  override name = "InvalidCommand";
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`, { details: [{ field, message }] });
  }
}
