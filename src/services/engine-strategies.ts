// The strategies an external engine runs, as the strategy service sees them (kind `external`):
// listed from the engine bridge, started, stopped and changed through commands to the engine,
// so every such change has a command record, an audit row and an event on `commands`.
import type { EngineBridge, EngineStrategy } from "../engine/index.ts";
import { StrategyConflict, StrategyUnavailable } from "../strategies/errors.ts";
import type { ExternalStrategies, ExternalStrategy } from "../strategies/external.ts";
import type { CommandInput, CommandService } from "./commands.ts";

function view(x: EngineStrategy): ExternalStrategy {
  const figures = { ...x.stats, engineId: x.engineId, engineState: x.engineState };
  return {
    id: x.id,
    name: x.name,
    owner: x.owner,
    instruments: x.instruments,
    params: x.params,
    state: x.state,
    reason: x.reason,
    createdAt: x.updatedAt,
    updatedAt: x.updatedAt,
    figures,
    ...(x.paramsSchema ? { paramsSchema: x.paramsSchema } : {}),
  };
}

/**
 * @example StrategyService.open({ ..., external: engineStrategies(engines, commands) })
 */
export function engineStrategies(engines: EngineBridge, commands: CommandService): ExternalStrategies {
  /** Sends a command and waits for the engine's answer: a refusal is a conflict, no answer unavailable. */
  const send = async (by: string, cmd: CommandInput): Promise<void> => {
    const rec = await commands.run(by, cmd); // an absent or silent engine throws at once (503)
    const end = (await commands.settled(rec.id, (rec.timeoutMs ?? 10_000) + 1_000)) ?? rec;
    if (end.status === "done") return;
    if (end.status === "failed")
      throw new StrategyConflict(end.error?.message ?? "the engine refused", end.error?.code ?? "engine_refused");
    throw new StrategyUnavailable(`the engine did not answer ${cmd.type} within ${end.timeoutMs ?? "its"} ms`);
  };
  return {
    list: () => engines.strategies().map(view),
    get: (id) => {
      const x = engines.strategy(id);
      return x ? view(x) : undefined;
    },
    start: (id, by) => send(by, { type: "strategy_start", strategyId: id }),
    stop: (id, by, opts) => send(by, { type: "strategy_stop", strategyId: id, cancelOrders: !opts.keepOrders }),
    updateParams: (id, params, by) => send(by, { type: "strategy_update", strategyId: id, params }),
  };
}
