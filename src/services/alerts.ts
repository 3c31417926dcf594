// Price alerts held by the service: set at a price above or below the last one, each fires once,
// the first time a ticker's last price from the exchange gets there, whether or not a page is open.
// Kept in the alert store (ClickHouse) so a restart keeps them (one whose price was reached while
// the service was down fires on the first ticker after it), and published on `alerts:<id>` (the
// latest state keeps them, so a page's snapshot has them; a removed one goes out as
// {id, deleted: true}). Everyone signed in sees the desk's alerts, as with strategies; each user
// sets and removes their own (an admin anyone's), and the dashboard tells only the owner when one
// fires. A fired alert stays, with when and at what price, until its user dismisses it (at most
// MAX_FIRED_ALERTS each: the oldest go first).
import { randomInt } from "node:crypto";
import type { AlertStore } from "../alerts/store.ts";
import type { Publisher } from "../bus/dispatcher.ts";
import { type BusEvent, textOf } from "../bus/ring.ts";
import {
  type AlertGone,
  alertDirection,
  alertReached,
  MAX_ACTIVE_ALERTS,
  MAX_FIRED_ALERTS,
  type PriceAlert,
} from "../domain/alerts.ts";
import { Conflict, Forbidden, NotFound, StoreUnavailable, ValidationFailed } from "../domain/errors.ts";
import { fromTruth } from "../domain/source.ts";
import type { Logger } from "../log.ts";
import type { Actor } from "./strategy-types.ts";

export interface NewAlert {
  instId: string;
  price: number;
  note?: string | undefined;
}

export interface AlertFilter {
  owner?: string | undefined;
  /** waiting: not fired yet; fired: fired and not dismissed. */
  state?: "waiting" | "fired" | undefined;
}

export interface AlertDeps {
  store: AlertStore;
  publisher: Publisher;
  /** The latest state: tickers' last prices, and the alerts an earlier run left there. */
  state: {
    get(key: string): Record<string, unknown> | undefined;
    list(type: string): Record<string, unknown>[];
  };
  /** Instruments whose tickers the service streams. */
  instruments: ReadonlySet<string>;
  log: Logger;
  /** Told each alert as it fires (the webhook). */
  onFire?: (a: PriceAlert) => void;
  now?: () => number;
}

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

export class AlertService {
  private readonly byId = new Map<string, PriceAlert>();
  /** Alerts waiting to fire, by their ticker channel (`tickers:<instId>`): the check on every ticker. */
  private readonly waiting = new Map<string, PriceAlert[]>();
  private readonly now: () => number;

  private constructor(private readonly d: AlertDeps) {
    this.now = d.now ?? Date.now;
  }

  /**
   * Loads every alert and publishes it (so the latest state and every stream have them); alerts
   * the latest state kept from an earlier run and the store no longer has are published as gone.
   */
  static async open(d: AlertDeps): Promise<AlertService> {
    const s = new AlertService(d);
    for (const a of await d.store.load()) s.index(a);
    for (const old of d.state.list("alert"))
      if (typeof old.id === "string" && !s.byId.has(old.id)) s.publishGone(old.id);
    for (const a of s.byId.values()) s.publish(a);
    return s;
  }

  /** The desk's alerts, oldest first. */
  list(f: AlertFilter = {}): PriceAlert[] {
    return [...this.byId.values()]
      .filter(
        (a) => (f.owner === undefined || a.owner === f.owner) && (f.state === undefined || stateOf(a) === f.state),
      )
      .sort((a, b) => a.createdAt - b.createdAt)
      .map((a) => ({ ...a }));
  }

  get(id: string): PriceAlert {
    const a = this.byId.get(id);
    if (!a) throw new NotFound(`no alert ${id}`);
    return { ...a };
  }

  /** Sets an alert at `price` for `actor`, above or below the last price as it stands now. */
  async create(actor: Actor, n: NewAlert): Promise<PriceAlert> {
    if (!this.d.instruments.has(n.instId)) throw refused(n.instId, "instId", "not an instrument this service streams");
    const dir = this.direction(n.instId, n.price);
    if (this.list({ owner: actor.user, state: "waiting" }).length >= MAX_ACTIVE_ALERTS)
      throw new Conflict(`at most ${MAX_ACTIVE_ALERTS} alerts waiting per user: remove one first`, {
        code: "too_many_alerts",
      });
    this.notTaken(actor.user, n.instId, n.price);
    const a: PriceAlert = {
      id: this.newId(),
      owner: actor.user,
      instId: n.instId,
      price: n.price,
      up: dir.up,
      note: n.note?.trim() ?? "",
      createdAt: this.now(),
      firedAt: null,
      firedPx: null,
    };
    await this.store(() => this.d.store.save(a));
    this.index(a);
    this.publish(a);
    return { ...a };
  }

  /**
   * Moves a waiting alert to `price` (dragged on a chart) and sets its note when given: its
   * owner or an admin; where it fires from is worked out again from the last price now.
   */
  async update(actor: Actor, id: string, patch: { price?: number | undefined; note?: string | undefined }) {
    const a = this.byId.get(id);
    if (!a) throw new NotFound(`no alert ${id}`);
    mayChange(actor, a, "change");
    if (a.firedAt !== null) throw new Conflict(`alert ${id} has fired: set a new one`, { code: "alert_fired" });
    const price = patch.price ?? a.price;
    const dir = this.direction(a.instId, price);
    if (price !== a.price) this.notTaken(a.owner, a.instId, price);
    const next: PriceAlert = { ...a, price, up: dir.up, note: patch.note === undefined ? a.note : patch.note.trim() };
    await this.store(() => this.d.store.save(next));
    // The same object stays in the index: move its fields (a ticker check may hold it).
    Object.assign(a, next);
    this.publish(a);
    return { ...a };
  }

  /** Removes an alert (waiting or fired): its owner or an admin. */
  async remove(actor: Actor, id: string): Promise<void> {
    const a = this.byId.get(id);
    if (!a) throw new NotFound(`no alert ${id}`);
    mayChange(actor, a, "remove");
    await this.store(() => this.d.store.remove(a));
    this.drop(a);
  }

  /** A user deleted: their alerts go with them (a write the store refuses is logged; the alert still goes from this run). */
  async forget(user: string): Promise<number> {
    const theirs = [...this.byId.values()].filter((a) => a.owner === user);
    for (const a of theirs) {
      this.drop(a);
      await this.d.store
        .remove(a)
        .catch((err: Error) =>
          this.d.log.error("alert of a deleted user not removed", { id: a.id, error: err.message }),
        );
    }
    return theirs.length;
  }

  /** Every ticker from the exchange is checked against the alerts waiting on its instrument. */
  consume(events: BusEvent[]): void {
    if (this.waiting.size === 0) return;
    for (const ev of events) {
      if (ev.type !== "ticker" || !this.waiting.has(ev.channel) || !fromTruth(ev.source)) continue;
      const last = Number((JSON.parse(textOf(ev)) as { data?: { last?: unknown } }).data?.last);
      if (!Number.isFinite(last) || last <= 0) continue;
      for (const a of this.waiting.get(ev.channel) ?? []) if (alertReached(a, last)) this.fire(a, last);
    }
  }

  private fire(a: PriceAlert, last: number): void {
    a.firedAt = this.now();
    a.firedPx = last;
    this.unwait(a);
    this.publish(a);
    this.d.log.info("price alert fired", { id: a.id, owner: a.owner, instId: a.instId, price: a.price, last });
    this.d.onFire?.({ ...a });
    this.d.store
      .save(a)
      .catch((err: Error) => this.d.log.error("fired alert not saved", { id: a.id, error: err.message }));
    // The owner's oldest fired alerts past the most kept go.
    const fired = this.list({ owner: a.owner, state: "fired" });
    for (const old of fired.slice(0, Math.max(0, fired.length - MAX_FIRED_ALERTS))) {
      const kept = this.byId.get(old.id)!;
      this.drop(kept);
      this.d.store
        .remove(kept)
        .catch((err: Error) => this.d.log.error("old fired alert not removed", { id: kept.id, error: err.message }));
    }
  }

  /** Where the last price must go for an alert at `price` on `instId`; refused on `price` when it cannot. */
  private direction(instId: string, price: number): { up: boolean } {
    const last = Number(this.d.state.get(`tickers:${instId}`)?.last);
    const dir = alertDirection(price, Number.isFinite(last) ? last : undefined);
    if ("error" in dir) throw refused(instId, "price", dir.error);
    return dir;
  }

  /** Refuses a second alert of `owner` waiting at the same price on the same instrument. */
  private notTaken(owner: string, instId: string, price: number): void {
    if (this.list({ owner, state: "waiting" }).some((w) => w.instId === instId && w.price === price))
      throw new Conflict(`an alert on ${instId} at ${price} is set already`, {
        code: "alert_exists",
        details: [{ field: "price", message: "an alert is set at that price" }],
      });
  }

  private async store(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      throw new StoreUnavailable(`alerts cannot be kept now: ${(err as Error).message}`, { cause: err });
    }
  }

  private index(a: PriceAlert): void {
    this.byId.set(a.id, a);
    if (a.firedAt !== null) return;
    const key = `tickers:${a.instId}`;
    this.waiting.set(key, [...(this.waiting.get(key) ?? []), a]);
  }

  private unwait(a: PriceAlert): void {
    const key = `tickers:${a.instId}`;
    const rest = (this.waiting.get(key) ?? []).filter((w) => w !== a);
    if (rest.length) this.waiting.set(key, rest);
    else this.waiting.delete(key);
  }

  private drop(a: PriceAlert): void {
    this.byId.delete(a.id);
    this.unwait(a);
    this.publishGone(a.id);
  }

  private publish(a: PriceAlert): void {
    this.send(a.id, a);
  }

  private publishGone(id: string): void {
    const gone: AlertGone = { id, deleted: true };
    this.send(id, gone);
  }

  private send(id: string, data: PriceAlert | AlertGone): void {
    try {
      this.d.publisher.publish({ type: "alert", channel: `alerts:${id}`, dataJson: JSON.stringify(data) });
    } catch (err) {
      this.d.log.error("alert not published", { id, error: (err as Error).message });
    }
  }

  private newId(): string {
    for (;;) {
      let id = "";
      for (let i = 0; i < 10; i++) id += ALPHABET[randomInt(ALPHABET.length)];
      if (!this.byId.has(id)) return id;
    }
  }
}

/** Its owner or an admin changes an alert. */
function mayChange(actor: Actor, a: PriceAlert, what: string): void {
  if (actor.role !== "admin" && actor.user !== a.owner)
    throw new Forbidden(`alert ${a.id} belongs to ${a.owner}: only they or an admin may ${what} it`);
}

const refused = (instId: string, field: string, message: string) =>
  new ValidationFailed(`${instId}: ${message}`, { details: [{ field, message }] });

const stateOf = (a: PriceAlert): "waiting" | "fired" => (a.firedAt === null ? "waiting" : "fired");
