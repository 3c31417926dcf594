// Strategy commands (POST /api/commands strategy_start, strategy_stop, strategy_update,
// strategy_cancel_all) for the built-in strategies: the command service hands them here; the
// caller's right to the strategy was checked by the route (StrategyService.authorize).
import type { StrategyCommand, StrategyRunner } from "./command-types.ts";
import type { StrategyService } from "./strategies.ts";

/**
 * @example commands.useStrategies(strategyRunner(strategies))
 */
export function strategyRunner(strategies: StrategyService): StrategyRunner {
  return {
    owns: (id) => strategies.owns(id),
    async run(cmd: StrategyCommand, by: string) {
      // Authorized by the route already: run with the rights of the service on the caller's behalf.
      const actor = { user: by, role: "admin" as const };
      switch (cmd.type) {
        case "strategy_start": {
          const v = await strategies.start(actor, cmd.strategyId);
          return { state: v.state, reason: v.reason };
        }
        case "strategy_stop": {
          const v = await strategies.stop(actor, cmd.strategyId, { keepOrders: cmd.cancelOrders === false });
          return { state: v.state, reason: v.reason };
        }
        case "strategy_update": {
          const v = await strategies.update(actor, cmd.strategyId, { params: cmd.params });
          return { params: v.params };
        }
        case "strategy_cancel_all":
          return { ...(await strategies.cancelOrders(actor, cmd.strategyId)) };
      }
    },
  };
}
