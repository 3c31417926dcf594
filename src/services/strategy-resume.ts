// Strategies of a kind that resumes (a stop: protection left disarmed by a restart is the riskier
// default for it) start again by themselves after a restart, as soon as the exchange has sent
// their instruments' rules. One someone started, stopped or deleted meanwhile is left alone; with
// the kill switch on, none starts again, saying so.
import type { Logger } from "../log.ts";
import type { StrategyOrders } from "../strategies/desk.ts";
import type { Supervisor } from "../strategies/supervisor.ts";

/** Why a resuming strategy is stopped until it starts again. */
export const RESUMING =
  "service restarted: starts again once its instruments' rules (and, for a stop, the account's positions) are in";
const KILLED = "service restarted with the kill switch on: start it again when wanted";
const EVERY_MS = 250;

export class StrategyResumer {
  private readonly waiting = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly d: {
      sup: Supervisor;
      orders: Pick<StrategyOrders, "killSwitch" | "instrument">;
      /** Whether the kind of this strategy follows positions (then it waits until they are all known). */
      followsPositions: (kind: string) => boolean;
      positionsKnown: () => boolean;
      /** Starts it again, saying it resumes (sup.start's `resumed`). */
      start: (id: string) => Promise<unknown>;
      log: Logger;
    },
  ) {}

  add(id: string): void {
    this.waiting.add(id);
    this.timer ??= setInterval(() => void this.tick(), EVERY_MS);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.waiting.clear();
  }

  private async tick(): Promise<void> {
    for (const id of this.waiting) {
      const e = this.d.sup.entries.get(id);
      if (e?.rec.state !== "stopped" || e.rec.reason !== RESUMING) {
        this.waiting.delete(id);
        continue;
      }
      if (this.d.orders.killSwitch) {
        this.waiting.delete(id);
        await this.d.sup.setState(e, "stopped", KILLED);
        continue;
      }
      if (!e.rec.instruments.every((i) => this.d.orders.instrument(i))) continue;
      // A stop needs to know whether its position is still there: a flat one is given to it.
      if (this.d.followsPositions(e.rec.kind) && !this.d.positionsKnown()) continue;
      this.waiting.delete(id);
      await this.d
        .start(id)
        .catch((err: Error) => this.d.log.warn("strategy did not start again", { id, error: err.message }));
    }
    if (this.waiting.size === 0) this.stop();
  }
}
