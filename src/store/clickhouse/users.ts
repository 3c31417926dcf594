// Durable users: the auth UserStore kept in ClickHouse (table `users`, latest version wins), with
// the in-memory store as the cache every read is answered from.
import { MemoryUserStore } from "../../auth/memory.ts";
import type { UserRecord, UserStore } from "../../auth/stores.ts";
import type { Role } from "../../auth/types.ts";
import type { UserRow } from "./protocol.ts";
import { Versions } from "./versions.ts";

/** What the store needs from history (the Worker does the ClickHouse part). */
export interface UserTable {
  loadUsers(): Promise<UserRow[]>;
  putUser(u: UserRow): Promise<{ written: boolean }>;
}

export class ClickHouseUserStore implements UserStore {
  private readonly cache = new MemoryUserStore();
  private readonly versions = new Versions();

  private constructor(
    private readonly table: UserTable,
    private readonly onWriteError: (name: string, err: Error) => void,
  ) {}

  /** Loads every user; rejects when ClickHouse cannot be read (the caller then keeps users in memory). */
  static async open(
    table: UserTable,
    onWriteError: (name: string, err: Error) => void = () => {},
  ): Promise<ClickHouseUserStore> {
    const store = new ClickHouseUserStore(table, onWriteError);
    for (const r of await table.loadUsers()) {
      store.versions.saw(r.version);
      await store.cache.create({
        name: r.name,
        role: r.role as Role,
        hash: r.hash,
        createdAt: r.createdAt,
        updatedAt: r.updatedAt,
      });
    }
    return store;
  }

  get(name: string): Promise<UserRecord | undefined> {
    return this.cache.get(name);
  }

  list(): Promise<UserRecord[]> {
    return this.cache.list();
  }

  async create(user: UserRecord): Promise<boolean> {
    if (!(await this.cache.create(user))) return false;
    await this.persist(user, false);
    return true;
  }

  async update(name: string, patch: { hash?: string; role?: Role }): Promise<UserRecord | undefined> {
    const u = await this.cache.update(name, patch);
    if (u) await this.persist(u, false);
    return u;
  }

  async delete(name: string): Promise<boolean> {
    const u = await this.cache.get(name);
    if (!u || !(await this.cache.delete(name))) return false;
    await this.persist({ ...u, updatedAt: Date.now() }, true);
    return true;
  }

  private async persist(u: UserRecord, deleted: boolean): Promise<void> {
    // A write ClickHouse refused now stays in the recorder's buffer (kept rows) and is retried
    // there; only a write that never reached the Worker is reported here.
    await this.table
      .putUser({ ...u, deleted, version: this.versions.next() })
      .catch((err: Error) => this.onWriteError(u.name, err));
  }
}
