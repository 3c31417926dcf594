// A swap's leverage (cross margin): read and set at the exchange, checked against the most the
// instrument allows before it goes; every change is audited and told on `leverage:<instId>` (the
// exchange pushes a leverage only with a position, so other pages would not learn of it). The
// exchange answers for the rest (too low for the margin the position holds: refused on `lever`).
import { ExchangeUnavailable, ValidationFailed } from "../domain/errors.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import { type AuditSink, audited } from "./audit.ts";
import type { LeverageGateway } from "./gateway.ts";
import { exchangeCall } from "./order-answers.ts";

/** A leverage is set to a value, not added to: asking again is safe. */
const AGAIN = "asking again is safe";

export interface Leverage {
  instId: string;
  lever: number;
  /** The most the exchange allows on this instrument (null: it did not say). */
  maxLever: number | null;
}

export class LeverageService {
  constructor(
    private readonly d: {
      gateway: LeverageGateway;
      /** The instruments this service trades. */
      tradable: ReadonlySet<string>;
      /** A traded instrument's rules (undefined until loaded from the exchange). */
      instrument(instId: string): InstrumentSpec | undefined;
      audit?: AuditSink;
      /** Tells a leverage set (the stream's `leverage:<instId>`). */
      publish?: (l: Leverage) => void;
    },
  ) {}

  async get(instId: string): Promise<Leverage> {
    const spec = this.derivative(instId);
    return this.view(spec, await exchangeCall(() => this.d.gateway.leverage(instId), AGAIN));
  }

  /** Sets it (audited as `account.leverage`); resolves with what the exchange set. */
  set(user: string, instId: string, lever: number): Promise<Leverage> {
    const spec = this.derivative(instId);
    if (spec.maxLever !== undefined && lever > spec.maxLever)
      throw new ValidationFailed(`at most ${spec.maxLever}x on ${instId}`, {
        details: [{ field: "lever", message: `at most ${spec.maxLever}x on ${instId}` }],
      });
    return audited(
      this.d.audit,
      { user, action: "account.leverage", target: instId, detail: { lever } },
      async () => {
        const set = this.view(spec, await exchangeCall(() => this.d.gateway.setLeverage(instId, lever), AGAIN));
        this.d.publish?.(set);
        return set;
      },
      (r) => ({ status: 200, detail: { set: r.lever } }),
    );
  }

  private derivative(instId: string): InstrumentSpec {
    const refuse = (message: string) =>
      new ValidationFailed(`${instId}: ${message}`, { details: [{ field: "instId", message }] });
    if (!this.d.tradable.has(instId)) throw refuse("not an instrument this service trades");
    const spec = this.d.instrument(instId);
    if (!spec) throw new ExchangeUnavailable(`${instId}: its rules are not loaded from the exchange yet`);
    if (spec.instType !== "SWAP" && spec.instType !== "FUTURES") throw refuse("leverage is set on swaps and futures");
    return spec;
  }

  private view(spec: InstrumentSpec, lever: number): Leverage {
    return { instId: spec.instId, lever, maxLever: spec.maxLever ?? null };
  }
}
