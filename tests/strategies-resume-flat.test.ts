// A stop resumed after a restart starts knowing its position: the embedded simulator starts again
// with no positions (src/sim/README.md), as a position closed while tradewire was down would be,
// so the resumed stop over a swap long ends at once instead of staying armed over nothing (and
// later over a position someone opens again).
import { afterAll, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { eventually, placeOrder, startTestServer, type TestServer } from "./helpers.ts";
import { client, marketReady, until } from "./strategies-helpers.ts";

const SWAP = "BTC-USDT-SWAP";
const dataDir = mkdtempSync(join(tmpdir(), "tw-resume-flat-"));
const overrides = { OKX_ENABLED: "true", OKX_INSTRUMENTS: `BTC-USDT,${SWAP}`, DATA_DIR: dataDir };
let live: TestServer | undefined;
afterAll(async () => {
  await live?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

test("a stop whose swap position is gone after a restart ends at once, saying so; the exchange's flat reaches the positions", async () => {
  let s = (live = await startTestServer(overrides));
  const token = await s.userToken("tina", "trader");
  const tina = client(s, token);
  await marketReady(s, SWAP);
  await placeOrder(s.url, token, { instId: SWAP, side: "buy", ordType: "market", sz: "2", tdMode: "cross" });
  const held = async (srv: TestServer, t: string) => {
    const r = await fetch(`${srv.url}/api/account/positions`, { headers: { Authorization: `Bearer ${t}` } });
    return ((await r.json()) as { data: { instId: string; pos: string }[] }).data.filter((p) => p.instId === SWAP);
  };
  await eventually(async () => (await held(s, token)).length === 1, 10_000);
  const { body } = await tina.create({
    name: "guard",
    kind: "stop",
    instruments: [SWAP],
    params: { side: "sell", size: 2, stopPx: 1000 },
    limits: { maxPosition: 2, maxOrderNotional: 100_000 },
  });
  expect((await tina.start(body.id)).body.state).toBe("running");
  await until(tina, body.id, (v) => v.logs.some((l: any) => l.msg.startsWith("armed")));
  await s.close();

  s = live = await startTestServer(overrides);
  const login = await fetch(`${s.url}/api/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: "tina", password: "tina-password-1" }),
  });
  const token2 = ((await login.json()) as { accessToken: string }).accessToken;
  const t2 = client(s, token2);
  const done = await until(
    t2,
    body.id,
    (v) => v.state === "stopped" && v.reason !== body.reason && v.reason?.startsWith("finished"),
    20_000,
  );
  expect(done.reason).toBe("finished: the position it guards is closed: nothing left to protect");
  expect(done.figures.counters.ordersPlaced).toBe(0);
  expect(done.logs.map((l: any) => l.msg)).not.toContain(`armed: sell 2 ${SWAP} at stop <= 1000`);
  expect(await held(s, token2)).toEqual([]);
}, 90_000);
