import { expect, test } from "bun:test";
import { ApiError } from "../http/errors.ts";
import { audited, type AuditEntry } from "./audit.ts";

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
  const p = audited(sink, what, async () => "done", () => ({ status: 201, detail: { ordId: "7" } })).then((r) => {
    answered = true;
    return r;
  });
  await Bun.sleep(5);
  expect(answered).toBe(false);
  release();
  expect(await p).toBe("done");
  expect(kept).toMatchObject([{ user: "ana", action: "order.place", status: 201, code: "ok", detail: { ordId: "7" } }]);
});

test("a success whose entry cannot be kept is a 503 that still says what was done", async () => {
  const sink = () => Promise.reject(new Error("journal write failed: ENOSPC"));
  const err = await audited(sink, what, async () => "done", () => ({ status: 201, detail: { ordId: "8" } })).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect(err).toMatchObject({ status: 503, code: "audit_unavailable" });
  expect((err as Error).message).toContain('"ordId":"8"');
  expect((err as Error).message).toContain("ENOSPC");
});

test("a failure passes through as it is, whether or not its entry could be kept", async () => {
  const refused = new ApiError(422, "risk_rejected", "too large");
  const kept: AuditEntry[] = [];
  await expect(audited((e) => void kept.push(e), what, () => Promise.reject(refused))).rejects.toBe(refused);
  expect(kept).toMatchObject([{ status: 422, code: "risk_rejected" }]);
  await expect(audited(() => Promise.reject(new Error("disk")), what, () => Promise.reject(refused))).rejects.toBe(refused);
});
