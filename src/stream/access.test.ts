// Which streams end, when: revocations announced in this process end them at once; a sweep
// re-checks each connected session once (not each stream) and ends those that ended elsewhere
// or whose role changed; a store that cannot answer keeps the streams.
import { expect, test } from "bun:test";
import { Revocations } from "../auth/revocations.ts";
import type { SessionCheck } from "../auth/sessions.ts";
import type { Principal } from "../auth/types.ts";
import { createLogger } from "../log.ts";
import { type Revocable, StreamAccess } from "./access.ts";

class Streams implements Revocable {
  ended: Array<{ p: Principal; reason: string }> = [];
  constructor(public open: Principal[]) {}
  principals(): Principal[] {
    return [...this.open];
  }
  revoke(match: (p: Principal) => boolean, reason: string): number {
    const gone = this.open.filter(match);
    this.open = this.open.filter((p) => !match(p));
    for (const p of gone) this.ended.push({ p, reason });
    return gone.length;
  }
}

const alice1: Principal = { user: "alice", role: "trader", via: "bearer", family: "fa1" };
const alice2: Principal = { user: "alice", role: "trader", via: "cookie", family: "fa2" };
const bob: Principal = { user: "bob", role: "viewer", via: "ticket", family: "fb" };

function setup(answers: Record<string, SessionCheck | Error>) {
  const hub = new Streams([alice1, alice1, alice2, bob]);
  const polls = new Streams([alice1, bob]);
  const revocations = new Revocations();
  const asked: string[] = [];
  const access = new StreamAccess({
    targets: [hub, polls],
    check: async (p) => {
      asked.push(p.family!);
      const a = answers[p.family!] ?? { ok: true, role: p.role };
      if (a instanceof Error) throw a;
      return a;
    },
    revocations,
    everyMs: 60_000,
    log: createLogger("silent"),
  });
  return { hub, polls, revocations, access, asked };
}

test("a logout here ends that session's streams and polls at once; a user's end ends all of the user's", () => {
  const { hub, polls, revocations, access } = setup({});
  access.start();
  try {
    revocations.emit({ kind: "session", family: "fa1", reason: "logout" });
    expect(hub.ended).toEqual([
      { p: alice1, reason: "logout" },
      { p: alice1, reason: "logout" },
    ]);
    expect(polls.ended).toEqual([{ p: alice1, reason: "logout" }]);
    revocations.emit({ kind: "user", user: "alice", reason: "user_deleted" });
    expect(hub.open).toEqual([bob]);
  } finally {
    access.stop();
  }
  revocations.emit({ kind: "user", user: "bob", reason: "user_deleted" }); // stopped: no longer listening
  expect(hub.open).toEqual([bob]);
});

test("a sweep checks each session once and ends the ones that ended elsewhere or changed role", async () => {
  const { hub, polls, access, asked } = setup({
    fa1: { ok: false, reason: "session_ended" },
    fb: { ok: true, role: "trader" },
  });
  await access.sweep();
  expect(asked.sort()).toEqual(["fa1", "fa2", "fb"]);
  expect(hub.open).toEqual([alice2]);
  expect(hub.ended.map((e) => e.reason).sort()).toEqual(["role_changed", "session_ended", "session_ended"]);
  expect(polls.open).toEqual([]);
});

test("a store that cannot answer keeps the streams", async () => {
  const { hub, access } = setup({
    fa1: new Error("redis down"),
    fa2: new Error("redis down"),
    fb: new Error("redis down"),
  });
  await access.sweep();
  expect(hub.open.length).toBe(4);
});

test("current(): the role as of now, or undefined after ending the session's streams", async () => {
  const { hub, access } = setup({ fa2: { ok: false, reason: "session_ended" }, fb: { ok: true, role: "admin" } });
  expect(await access.current(alice1)).toBe("trader");
  expect(await access.current(alice2)).toBeUndefined();
  expect(await access.current(bob)).toBeUndefined();
  expect(hub.open).toEqual([alice1, alice1]);
});
