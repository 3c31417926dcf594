// Single-use stream tickets in Redis: GETDEL hands a ticket to exactly one caller, on whichever
// instance the stream request lands. Key: prefix+"tk:"+sha256, a JSON record, PXAT its expiry.
import type { TicketRecord, TicketStore } from "../../auth/stores.ts";
import type { RedisConn } from "./connection.ts";

export class RedisTicketStore implements TicketStore {
  constructor(
    private readonly redis: RedisConn,
    private readonly now: () => number = Date.now,
  ) {}

  private key(hash: string): string {
    return `${this.redis.prefix}tk:${hash}`;
  }

  async put(hash: string, rec: TicketRecord): Promise<void> {
    await this.redis.run((c) => c.set(this.key(hash), JSON.stringify(rec), "PXAT", rec.expiresAt));
  }

  async take(hash: string): Promise<TicketRecord | undefined> {
    const text = await this.redis.run((c) => c.getdel(this.key(hash)));
    if (text === null) return undefined;
    const rec = JSON.parse(text) as TicketRecord;
    return rec.expiresAt > this.now() ? rec : undefined;
  }
}
