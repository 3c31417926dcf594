import { expect, test } from "bun:test";
import { createHmac } from "node:crypto";
import { OkxError, OkxUnavailableError } from "./errors.ts";
import { OkxRest, queryString } from "./rest.ts";

const creds = { apiKey: "k", secretKey: "S", passphrase: "p" };
const at = new Date("2024-01-01T00:00:00.000Z");
const b64 = (msg: string) => createHmac("sha256", "S").update(msg).digest("base64");

function client(answer: { status?: number; body: unknown }, seen: Request[] = [], demo = false) {
  const fakeFetch = (async (url: string, init: RequestInit) => {
    seen.push(new Request(url, init));
    return new Response(JSON.stringify(answer.body), { status: answer.status ?? 200 });
  }) as unknown as typeof fetch;
  return new OkxRest({
    baseUrl: "http://okx.test",
    credentials: creds,
    demo,
    fetch: fakeFetch,
    now: () => at.getTime(),
  });
}

test("query strings drop empty values and keep the given order", () => {
  expect(queryString({ instId: "BTC-USDT", ordId: "123", clOrdId: undefined, x: "" })).toBe(
    "?instId=BTC-USDT&ordId=123",
  );
  expect(queryString({})).toBe("");
});

test("GET is signed over timestamp + GET + path with query (OKX.md §2.2 worked example)", async () => {
  const seen: Request[] = [];
  const rest = client({ body: { code: "0", msg: "", data: [{ ordId: "123" }] } }, seen);
  expect(await rest.getOrder({ instId: "BTC-USDT", ordId: "123" })).toEqual([{ ordId: "123" } as never]);
  const r = seen[0]!;
  expect(r.url).toBe("http://okx.test/api/v5/trade/order?instId=BTC-USDT&ordId=123");
  expect(r.headers.get("OK-ACCESS-TIMESTAMP")).toBe("2024-01-01T00:00:00.000Z");
  expect(r.headers.get("OK-ACCESS-SIGN")).toBe(
    b64("2024-01-01T00:00:00.000ZGET/api/v5/trade/order?instId=BTC-USDT&ordId=123"),
  );
  expect(r.headers.get("OK-ACCESS-KEY")).toBe("k");
  expect(r.headers.get("OK-ACCESS-PASSPHRASE")).toBe("p");
  expect(r.headers.get("x-simulated-trading")).toBeNull();
});

test("POST is signed over the exact body; demo adds x-simulated-trading: 1", async () => {
  const seen: Request[] = [];
  const rest = client(
    { body: { code: "0", msg: "", data: [{ ordId: "1", clOrdId: "", sCode: "0", sMsg: "" }] } },
    seen,
    true,
  );
  const body = { instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "limit", sz: "1", px: "100" } as const;
  await rest.placeOrder(body);
  const r = seen[0]!;
  expect(await r.text()).toBe(
    '{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","sz":"1","px":"100"}',
  );
  expect(r.headers.get("OK-ACCESS-SIGN")).toBe(
    b64(
      '2024-01-01T00:00:00.000ZPOST/api/v5/trade/order{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","sz":"1","px":"100"}',
    ),
  );
  expect(r.headers.get("x-simulated-trading")).toBe("1");
});

test("public endpoints send no credentials", async () => {
  const seen: Request[] = [];
  await client({ body: { code: "0", msg: "", data: [{ ts: "1" }] } }, seen).serverTime();
  expect(seen[0]!.headers.get("OK-ACCESS-KEY")).toBeNull();
});

test("error envelopes become OkxError with code, msg, sCode/sMsg and the HTTP status", async () => {
  const auth = client({ status: 401, body: { msg: "Invalid Sign", code: "50113" } });
  const e1 = await auth.balance().catch((e) => e);
  expect(e1).toBeInstanceOf(OkxError);
  expect(e1).toMatchObject({ code: "50113", msg: "Invalid Sign", status: 401 });

  const failed = client({
    body: { code: "1", msg: "", data: [{ ordId: "", clOrdId: "", sCode: "51008", sMsg: "Insufficient balance" }] },
  });
  const e2 = await failed
    .placeOrder({ instId: "BTC-USDT", tdMode: "cash", side: "buy", ordType: "market", sz: "1" })
    .catch((e) => e);
  expect(e2).toMatchObject({ name: "OkxError", code: "1", sCode: "51008", sMsg: "Insufficient balance" });
  expect(e2.data).toHaveLength(1);
});

test("no answer is OkxUnavailableError (state unknown for a POST)", async () => {
  const rest = new OkxRest({
    baseUrl: "http://okx.test",
    credentials: creds,
    fetch: (async () => {
      throw new Error("connection refused");
    }) as unknown as typeof fetch,
  });
  const e = await rest.cancelOrder({ instId: "BTC-USDT", ordId: "1" }).catch((x) => x);
  expect(e).toBeInstanceOf(OkxUnavailableError);
  expect(e.stateUnknown).toBe(true);
  const noCreds = new OkxRest({ baseUrl: "http://okx.test", credentials: null });
  expect(await noCreds.balance().catch((x) => x)).toBeInstanceOf(OkxUnavailableError);
});
