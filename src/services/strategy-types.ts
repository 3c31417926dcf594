// What the strategy service takes and gives (who acts, filters, a new strategy, a change, a kind's
// description, a strategy as read), and how an external strategy reads like the others.
import type { Role } from "../auth/types.ts";
import type { ExternalStrategy } from "../strategies/external.ts";
import type { LogLine, StrategyFigures, StrategyLimits, StrategyRecord, StrategyState } from "../strategies/model.ts";

export interface Actor {
  user: string;
  role: Role;
}

export interface StrategyFilter {
  state?: StrategyState;
  kind?: string;
  owner?: string;
}

export interface CreateStrategy {
  name: string;
  kind: string;
  instruments: string[];
  params?: Record<string, unknown>;
  limits?: Partial<StrategyLimits>;
}

/** A change: params are merged into the current ones (null removes one); the result is validated whole. */
export interface UpdateStrategy {
  name?: string;
  instruments?: string[];
  params?: Record<string, unknown>;
  limits?: Partial<StrategyLimits>;
}

export interface KindInfo {
  name: string;
  title: string;
  description: string;
  instruments: { min: number; max: number };
  liveParams: string[];
  /** JSON Schema of the params, with defaults and descriptions. */
  params: Record<string, unknown>;
}

/** A strategy as read: its record (without the saved ledger) with live figures and recent logs. */
export interface StrategyView extends Omit<StrategyRecord, "limits" | "saved"> {
  /** Null for external strategies (the engine keeps its own). */
  limits: StrategyLimits | null;
  /** Params that apply while the strategy runs; the others change only while it is stopped. */
  liveParams: string[];
  figures: StrategyFigures | Record<string, unknown>;
  logs: LogLine[];
  /** External strategies: the engine's JSON Schema of `params`, when it sent one (built-in kinds: /kinds). */
  paramsSchema?: Record<string, unknown>;
}

/** An external strategy as the API shows every strategy (kind `external`, its engine keeps limits and logs). */
export function externalView(x: ExternalStrategy): StrategyView {
  return {
    id: x.id,
    name: x.name,
    kind: "external",
    owner: x.owner,
    instruments: x.instruments,
    params: x.params,
    limits: null,
    state: x.state,
    reason: x.reason,
    createdAt: x.createdAt,
    updatedAt: x.updatedAt,
    liveParams: [],
    figures: x.figures ?? {},
    logs: [],
    ...(x.paramsSchema ? { paramsSchema: x.paramsSchema } : {}),
  };
}
