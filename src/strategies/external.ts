// The extension point for strategies that an external engine runs (kind `external`, owned by the
// engine): the engine bridge implements it and hands it to the strategy service, which lists them
// with its own and forwards start, stop and params changes to it. Nothing here knows the bridge.
import type { StrategyState } from "./model.ts";

/** An external strategy as the engine last described it. */
export interface ExternalStrategy {
  /** Unique among the engine's strategies: 1-64 letters, digits, `_` or `-`. */
  id: string;
  name: string;
  /** The engine's user (role engine) that registered it: it owns it. */
  owner: string;
  instruments: string[];
  params: Record<string, unknown>;
  state: StrategyState;
  reason: string | null;
  createdAt: number;
  updatedAt: number;
  /** JSON Schema of `params` when the engine gave one, so a UI can render a form. */
  paramsSchema?: Record<string, unknown>;
  /** The engine's own figures (position, PnL, ...), passed through as it reported them. */
  figures?: Record<string, unknown>;
}

/**
 * What the service needs from the engine bridge. Each command resolves when the engine accepted
 * it and rejects with a StrategyUnavailable (src/strategies/errors.ts) when the engine is absent
 * or silent, at once (never hangs), or with a StrategyConflict when the engine refuses it.
 */
export interface ExternalStrategies {
  list(): ExternalStrategy[];
  get(id: string): ExternalStrategy | undefined;
  start(id: string, by: string): Promise<void>;
  stop(id: string, by: string, opts: { keepOrders: boolean }): Promise<void>;
  updateParams(id: string, params: Record<string, unknown>, by: string): Promise<void>;
}
