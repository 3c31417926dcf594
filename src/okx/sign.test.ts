// Signing vectors: the worked examples of OKX.md §2.2/§2.3, checked against `openssl dgst -sha256 -hmac`.
import { describe, expect, test } from "bun:test";
import {
  okxTimestamp,
  restAuthHeaders,
  restPrehash,
  signRest,
  signWsLogin,
  wsLoginArg,
  wsLoginPrehash,
} from "./sign.ts";

const TS = "2024-01-01T00:00:00.000Z";

describe("REST signing", () => {
  test("GET prehash includes the query string, body empty", () => {
    expect(restPrehash(TS, "get", "/api/v5/trade/order?instId=BTC-USDT&ordId=123")).toBe(
      "2024-01-01T00:00:00.000ZGET/api/v5/trade/order?instId=BTC-USDT&ordId=123",
    );
    expect(signRest("S", TS, "GET", "/api/v5/trade/order?instId=BTC-USDT&ordId=123")).toBe(
      "+JQpFsgptauekGJVjvLQwE1UoFk7Njq1DbwXG/FZcik=",
    );
  });

  test("POST prehash appends the exact body", () => {
    const body = '{"instId":"BTC-USDT","tdMode":"cash","side":"buy","ordType":"limit","sz":"1","px":"100"}';
    expect(signRest("S", TS, "POST", "/api/v5/trade/order", body)).toBe("7H5bN3HZDguvN64AzPQFj0sJvb4piYq6Sac8onWWN6E=");
  });

  test("headers carry key, sign, timestamp, passphrase and the demo flag", () => {
    const h = restAuthHeaders({ apiKey: "k", secretKey: "S", passphrase: "p" }, "GET", "/api/v5/account/balance", "", {
      nowMs: Date.parse(TS),
      demo: true,
    });
    expect(h["OK-ACCESS-TIMESTAMP"]).toBe(TS);
    expect(h["OK-ACCESS-SIGN"]).toBe(signRest("S", TS, "GET", "/api/v5/account/balance"));
    expect(h["OK-ACCESS-KEY"]).toBe("k");
    expect(h["OK-ACCESS-PASSPHRASE"]).toBe("p");
    expect(h["x-simulated-trading"]).toBe("1");
    expect(okxTimestamp(Date.parse(TS))).toBe(TS);
  });
});

describe("WS login signing", () => {
  test("prehash is seconds + GET/users/self/verify", () => {
    expect(wsLoginPrehash("1704067200")).toBe("1704067200GET/users/self/verify");
    expect(signWsLogin("S", "1704067200")).toBe("wIvncw5qnC25vTl6aHp7t+lhYsg6MaRtruhsU7IRV84=");
  });

  test("login arg uses whole seconds", () => {
    const arg = wsLoginArg({ apiKey: "k", secretKey: "S", passphrase: "p" }, 1704067200999);
    expect(arg).toEqual({
      apiKey: "k",
      passphrase: "p",
      timestamp: "1704067200",
      sign: "wIvncw5qnC25vTl6aHp7t+lhYsg6MaRtruhsU7IRV84=",
    });
  });
});
