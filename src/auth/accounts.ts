// User management: create, change, delete, list, the last-admin guard, and the first admin.
import type { Config } from "../config.ts";
import { Conflict, NotFound } from "../domain/errors.ts";
import type { Logger } from "../log.ts";
import type { LoginGuard, LoginLock } from "./login-guard.ts";
import { hashPassword, randomToken } from "./password.ts";
import { Revocations, type RevokeReason } from "./revocations.ts";
import type { TokenStore, UserRecord, UserStore } from "./stores.ts";
import type { Role } from "./types.ts";

/** A user as shown to admins: never the hash. */
export interface UserView {
  name: string;
  role: Role;
  createdAt: string;
  updatedAt: string;
}

export const toView = (u: UserRecord): UserView => ({
  name: u.name,
  role: u.role,
  createdAt: new Date(u.createdAt).toISOString(),
  updatedAt: new Date(u.updatedAt).toISOString(),
});

const lastAdmin = () => new Conflict("the last admin cannot be deleted or demoted");

export class Accounts {
  // Mutations run one at a time, so two requests cannot each remove "the other" last admin.
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly users: UserStore,
    private readonly tokens: TokenStore,
    private readonly log: Logger,
    /** The login budgets, for the user-wide lock admins see and clear. */
    private readonly guard: LoginGuard,
    /** Told at once when a user's sessions end here (open streams listen). */
    private readonly revocations: Revocations = new Revocations(log),
  ) {}

  async list(): Promise<UserView[]> {
    const all = await this.users.list();
    return all.sort((a, b) => a.name.localeCompare(b.name)).map(toView);
  }

  create(input: { name: string; password: string; role: Role }, actor?: string): Promise<UserView> {
    return this.serial(async () => {
      const now = Date.now();
      const hash = await hashPassword(input.password);
      const rec: UserRecord = { name: input.name, role: input.role, hash, createdAt: now, updatedAt: now };
      if (!(await this.users.create(rec))) throw new Conflict(`user ${input.name} already exists`);
      this.log.info("user created", { user: input.name, role: input.role, actor });
      return toView(rec);
    });
  }

  /** Changing the password or the role ends every session of the user. */
  update(name: string, patch: { password?: string; role?: Role }, actor?: string): Promise<UserView> {
    return this.serial(async () => {
      const current = await this.users.get(name);
      if (!current) throw new NotFound(`no user ${name}`);
      const demotes = current.role === "admin" && patch.role !== undefined && patch.role !== "admin";
      if (demotes && !(await this.otherAdminExists(name))) throw lastAdmin();
      const hash = patch.password !== undefined ? await hashPassword(patch.password) : undefined;
      const updated = await this.users.update(name, {
        ...(hash !== undefined ? { hash } : {}),
        ...(patch.role !== undefined ? { role: patch.role } : {}),
      });
      if (!updated) throw new NotFound(`no user ${name}`);
      if (hash !== undefined || updated.role !== current.role) {
        const sessions = await this.revokeUser(
          name,
          updated.role !== current.role ? "role_changed" : "password_changed",
        );
        this.log.info("user changed; sessions revoked", {
          user: name,
          role: updated.role,
          rehashed: hash !== undefined,
          sessions,
          actor,
        });
      }
      return toView(updated);
    });
  }

  delete(name: string, actor?: string): Promise<void> {
    return this.serial(async () => {
      const current = await this.users.get(name);
      if (!current) throw new NotFound(`no user ${name}`);
      if (current.role === "admin" && !(await this.otherAdminExists(name))) throw lastAdmin();
      await this.users.delete(name);
      const sessions = await this.revokeUser(name, "user_deleted");
      this.log.info("user deleted", { user: name, sessions, actor });
    });
  }

  /** The user-wide failed-login budget of an existing user: whether new addresses are turned away. */
  async loginLock(name: string): Promise<LoginLock & { name: string }> {
    if (!(await this.users.get(name))) throw new NotFound(`no user ${name}`);
    return { name, ...(await this.guard.status(name)) };
  }

  /** Ends a user's login lock (every address may try again, within its own budget). */
  async clearLoginLock(name: string, actor?: string): Promise<void> {
    if (!(await this.users.get(name))) throw new NotFound(`no user ${name}`);
    const before = await this.guard.status(name);
    await this.guard.clear(name);
    this.log.info("login lock cleared", { user: name, failures: before.failures, locked: before.locked, actor });
  }

  /** Revokes in the store and tells this process's streams, even when the store fails (fail closed). */
  private async revokeUser(name: string, reason: RevokeReason): Promise<number> {
    try {
      return await this.tokens.revokeUser(name);
    } finally {
      this.revocations.emit({ kind: "user", user: name, reason });
    }
  }

  private async otherAdminExists(name: string): Promise<boolean> {
    return (await this.users.list()).some((u) => u.role === "admin" && u.name !== name);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

/** Writes the generated admin password to stdout, once, outside the JSON logger. */
export function printAdminPassword(password: string): void {
  process.stdout.write(
    `tradewire: created user "admin" with generated password ${password}` +
      ` (shown only once; set ADMIN_PASSWORD or change it with PATCH /api/users/admin)\n`,
  );
}

/**
 * On first start (no users at all) creates `admin` with ADMIN_PASSWORD, or with a generated
 * password handed to `print`. Does nothing when any user exists.
 * @example await ensureAdmin(stores.users, config, printAdminPassword)
 */
export async function ensureAdmin(
  users: UserStore,
  config: Pick<Config, "ADMIN_PASSWORD">,
  print: (password: string) => void = printAdminPassword,
  log?: Logger,
): Promise<{ created: boolean; generated: boolean }> {
  if ((await users.list()).length > 0) return { created: false, generated: false };
  const generated = config.ADMIN_PASSWORD === undefined;
  const password = config.ADMIN_PASSWORD ?? randomToken(18);
  const now = Date.now();
  const rec: UserRecord = {
    name: "admin",
    role: "admin",
    hash: await hashPassword(password),
    createdAt: now,
    updatedAt: now,
  };
  // Another instance may have won the race on a shared store: then its password stands.
  if (!(await users.create(rec))) return { created: false, generated: false };
  log?.info("created first admin user", { user: "admin", source: generated ? "generated" : "ADMIN_PASSWORD" });
  if (generated) print(password);
  return { created: true, generated };
}
