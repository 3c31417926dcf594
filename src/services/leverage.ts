// A swap's leverage (cross margin): read and set at the exchange, checked against the most the
// instrument allows before it goes; every change is audited. The exchange answers for the rest
// (too low for the margin the position holds: refused on `lever`).
import { ExchangeUnavailable, ValidationFailed } from "../domain/errors.ts";
import type { InstrumentSpec } from "../domain/instruments.ts";
import { type AuditSink, audited } from "./audit.ts";
import { GatewayUnavailable, type LeverageGateway } from "./gateway.ts";

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
    },
  ) {}

  async get(instId: string): Promise<Leverage> {
    const spec = this.derivative(instId);
    return this.view(spec, await reach(() => this.d.gateway.leverage(instId)));
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
      async () => this.view(spec, await reach(() => this.d.gateway.setLeverage(instId, lever))),
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

/** An unreachable exchange becomes ExchangeUnavailable: setting a leverage again is safe. */
async function reach<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (err) {
    if (err instanceof GatewayUnavailable) throw new ExchangeUnavailable(err.message, { cause: err });
    throw err;
  }
}
