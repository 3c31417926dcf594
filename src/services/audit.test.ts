import { expect, test } from "bun:test";
import { RiskRejected, StoreUnavailable } from "../domain/errors.ts";
import { type AuditEntry, type AuditRecord, audited, auditTo } from "./audit.ts";

const what = { user: "ana", action: "order.place", target: "BTC-USDT" };

test("the outcome is answered only after the sink has kept the entry", async () => {
  const kept: AuditEntry[] = [];
  let release!: () => void;
  const sink = (e: AuditEntry) =>
    new Promise<void>((resolve) => {
      release = () => {
        kept.push(e);
        resolve();
      };
    });
  let answered = false;
  const p = audited(
    sink,
    what,
    async () => "done",
    () => ({ status: 201, detail: { ordId: "7" } }),
  ).then((r) => {
    answered = true;
    return r;
  });
  await Bun.sleep(5);
  expect(answered).toBe(false);
  release();
  expect(await p).toBe("done");
  expect(kept).toMatchObject([{ user: "ana", action: "order.place", status: 201, code: "ok", detail: { ordId: "7" } }]);
});

test("a success whose entry cannot be kept is audit_unavailable (StoreUnavailable) that still says what was done", async () => {
  const sink = () => Promise.reject(new Error("journal write failed: ENOSPC"));
  const err = await audited(
    sink,
    what,
    async () => "done",
    () => ({ status: 201, detail: { ordId: "8" } }),
  ).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(StoreUnavailable);
  expect(err).toMatchObject({ code: "audit_unavailable" });
  expect((err as Error).message).toContain('"ordId":"8"');
  expect((err as Error).message).toContain("ENOSPC");
});

test("a failure passes through as it is, whether or not its entry could be kept", async () => {
  const refused = new RiskRejected("too large");
  const kept: AuditRecord[] = [];
  const sink = auditTo(
    (r) => void kept.push(r),
    (err) => ({ status: 422, code: (err as RiskRejected).code }),
  );
  await expect(audited(sink, what, () => Promise.reject(refused))).rejects.toBe(refused);
  expect(kept).toMatchObject([{ status: 422, code: "risk_rejected", detail: { message: "too large" } }]);
  await expect(
    audited(
      () => Promise.reject(new Error("disk")),
      what,
      () => Promise.reject(refused),
    ),
  ).rejects.toBe(refused);
});

test("auditTo hands back the store's promise, for success and failure entries alike", async () => {
  let resolved = 0;
  const sink = auditTo(
    () => Bun.sleep(1).then(() => void resolved++),
    () => ({ status: 500, code: "internal" }),
  );
  const base = { ts: 1, user: "ana", action: "x", target: "y", ms: 0 };
  await sink({ ...base, status: 200, code: "ok" });
  await sink({ ...base, error: new Error("boom") });
  expect(resolved).toBe(2);
});
