import { expect, test } from "bun:test";
import { testConfig } from "../config.ts";
import { ingestConfigFromEnv } from "./config.ts";

const sim = {
  restUrl: "http://127.0.0.1:9000",
  wsUrl: "ws://127.0.0.1:9000/ws/v5",
  credentials: { apiKey: "a", secretKey: "b", passphrase: "c" },
};

test("nothing set: the fallback (the built-in simulator) with its credentials", () => {
  const c = ingestConfigFromEnv(testConfig(), sim);
  expect(c).toMatchObject({
    restUrl: sim.restUrl,
    wsUrl: sim.wsUrl,
    credentials: sim.credentials,
    demo: false,
    instruments: ["BTC-USDT", "ETH-USDT"],
  });
});

test("OKX keys set: the real OKX, demo hosts when OKX_DEMO", () => {
  const keys = { OKX_API_KEY: "k", OKX_SECRET_KEY: "s", OKX_PASSPHRASE: "p" };
  expect(ingestConfigFromEnv(testConfig(keys), sim)).toMatchObject({
    restUrl: "https://www.okx.com",
    wsUrl: "wss://ws.okx.com:8443/ws/v5",
    demo: false,
  });
  expect(ingestConfigFromEnv(testConfig({ ...keys, OKX_DEMO: "1" }), sim)).toMatchObject({
    restUrl: "https://www.okx.com",
    wsUrl: "wss://wspap.okx.com:8443/ws/v5",
    demo: true,
    credentials: { apiKey: "k", secretKey: "s", passphrase: "p" },
  });
});

test("explicit URLs win and lose a trailing slash", () => {
  const c = ingestConfigFromEnv(
    testConfig({ OKX_REST_URL: "http://h:1/", OKX_WS_URL: "ws://h:1/ws/v5/", OKX_INSTRUMENTS: "SOL-USDT" }),
    sim,
  );
  expect(c).toMatchObject({ restUrl: "http://h:1", wsUrl: "ws://h:1/ws/v5", instruments: ["SOL-USDT"] });
});
