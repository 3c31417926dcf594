// REST and WS-login verification answer the first OKX error that applies.
import { describe, expect, test } from "bun:test";
import { restAuthHeaders, wsLoginArg } from "../okx/sign.ts";
import { targetsToTry, verifyLogin, verifyRest } from "./auth.ts";
import { DEFAULT_CREDENTIALS as C } from "./options.ts";

const now = Date.parse("2024-01-01T00:00:10.000Z");
const opts = { nowMs: now, maxSkewMs: 30_000, requireDemoHeader: false };

describe("REST", () => {
  const path = "/api/v5/account/balance?ccy=BTC,USDT";
  test("accepts a correct signature, also when the query arrives percent-encoded", () => {
    const h = new Headers(restAuthHeaders(C, "GET", path, "", { nowMs: now }));
    expect(verifyRest(h, "GET", path, "", C, opts)).toBeUndefined();
    expect(verifyRest(h, "GET", "/api/v5/account/balance?ccy=BTC%2CUSDT", "", C, opts)).toBeUndefined();
  });

  test("refuses with the specific code", () => {
    const good = restAuthHeaders(C, "POST", "/api/v5/trade/order", "{}", { nowMs: now });
    const v = (h: Record<string, string>, body = "{}") =>
      verifyRest(new Headers(h), "POST", "/api/v5/trade/order", body, C, opts)?.code;
    expect(v(good, '{"x":1}')).toBe("50113");
    expect(v({ ...good, "OK-ACCESS-KEY": "" })).toBe("50103");
    expect(v({ ...good, "OK-ACCESS-KEY": "other" })).toBe("50111");
    expect(v({ ...good, "OK-ACCESS-PASSPHRASE": "nope" })).toBe("50105");
    expect(v({ ...good, "OK-ACCESS-TIMESTAMP": "1704067210" })).toBe("50112");
    expect(v(restAuthHeaders(C, "POST", "/api/v5/trade/order", "{}", { nowMs: now - 60_000 }))).toBe("50102");
    expect(
      verifyRest(new Headers(good), "POST", "/api/v5/trade/order", "{}", C, { ...opts, requireDemoHeader: true })?.code,
    ).toBe("50101");
  });

  test("decoded targets", () => {
    expect(targetsToTry("/a?x=1%2C2+3")).toContain("/a?x=1,2 3");
  });
});

describe("WS login", () => {
  test("ok, numeric timestamp ok, wrong sign, expired, wrong key and passphrase", () => {
    const arg = wsLoginArg(C, now);
    expect(verifyLogin(arg, C, opts)).toBe("0");
    expect(verifyLogin({ ...arg, timestamp: Number(arg.timestamp) }, C, opts)).toBe("0");
    expect(verifyLogin({ ...arg, sign: "x" }, C, opts)).toBe("60007");
    expect(verifyLogin(wsLoginArg(C, now - 120_000), C, opts)).toBe("60006");
    expect(verifyLogin({ ...arg, apiKey: "k" }, C, opts)).toBe("60005");
    expect(verifyLogin({ ...arg, passphrase: "p" }, C, opts)).toBe("60024");
    expect(verifyLogin({ ...arg, apiKey: "" }, C, opts)).toBe("60001");
  });
});
