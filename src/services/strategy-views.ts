// Strategies as read: the service's own with their live figures (position, PnL) and recent logs, an
// engine's as it reports them; and finding one by id.
import type { Entry } from "../strategies/desk.ts";
import { StrategyNotFound } from "../strategies/errors.ts";
import type { ExternalStrategies, ExternalStrategy } from "../strategies/external.ts";
import type { Supervisor } from "../strategies/supervisor.ts";
import type { StrategyKinds } from "./strategy-kinds.ts";
import { externalView, type StrategyFilter, type StrategyView } from "./strategy-types.ts";

export class StrategyViews {
  constructor(
    private readonly d: {
      sup: Supervisor;
      kindsByName: StrategyKinds;
      external: ExternalStrategies | undefined;
    },
  ) {}

  /** Every strategy, built-in and external, that passes the filter, oldest first. */
  list(f: StrategyFilter = {}): StrategyView[] {
    const own = [...this.d.sup.entries.values()].map((e) => this.of(e));
    const ext = (this.d.external?.list() ?? []).map(externalView);
    return [...own, ...ext]
      .filter(
        (v) => (!f.state || v.state === f.state) && (!f.kind || v.kind === f.kind) && (!f.owner || v.owner === f.owner),
      )
      .sort((a, b) => a.createdAt - b.createdAt);
  }

  get(id: string): StrategyView {
    const e = this.d.sup.entries.get(id);
    if (e) return this.of(e);
    const x = this.d.external?.get(id);
    if (x) return externalView(x);
    throw new StrategyNotFound(`no strategy ${id}`);
  }

  /** A strategy of this service as read: its record without the saved ledger, with figures at the last prices. */
  of(e: Entry): StrategyView {
    const { saved: _saved, ...rec } = e.rec;
    return {
      ...rec,
      liveParams: [...(this.d.kindsByName.get(rec.kind)?.liveParams ?? [])],
      figures: e.live.figures(this.d.sup.lastPx),
      logs: e.live.logs(),
    };
  }

  /** A strategy of this service (not an engine's); NotFound otherwise. */
  entry(id: string): Entry {
    const e = this.d.sup.entries.get(id);
    if (!e) throw new StrategyNotFound(`no strategy ${id}`);
    return e;
  }

  /** An engine's strategy (undefined for one of this service, or none). */
  externalOf(id: string): ExternalStrategy | undefined {
    return this.d.sup.entries.has(id) ? undefined : this.d.external?.get(id);
  }
}
