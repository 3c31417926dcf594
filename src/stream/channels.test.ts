// Channel keys, subscription filters and their authorization: exact cases.
import { describe, expect, test } from "bun:test";
import { ChannelError, ChannelFilter, checkChannel, parsePatterns } from "./channels.ts";

describe("checkChannel (what a publisher names)", () => {
  test("known heads, with or without a key, are valid", () => {
    for (const ch of [
      "tickers:BTC-USDT",
      "books5:ETH-USDT-SWAP",
      "orders",
      "system",
      "strategy:grid-1",
      `trades:${"A".repeat(64)}`,
    ])
      expect(checkChannel(ch)).toBeNull();
  });
  test("unknown heads, bad keys and extra parts are refused, each with its reason", () => {
    expect(checkChannel("nope:X")).toBe('unknown channel "nope:X"');
    expect(checkChannel("")).toBe('unknown channel ""');
    expect(checkChannel("Tickers:X")).toBe('unknown channel "Tickers:X"'); // heads are lower case
    expect(checkChannel("tickers:a b")).toBe('channel key "a b" is not valid');
    expect(checkChannel("tickers:")).toBe('channel key "" is not valid');
    expect(checkChannel("tickers:-X")).toBe('channel key "-X" is not valid'); // must start with a letter or digit
    expect(checkChannel(`tickers:${"A".repeat(65)}`)).toMatch(/is not valid$/);
    expect(checkChannel("tickers:*")).toBe('channel key "*" is not valid'); // a pattern, not a channel
    expect(checkChannel("tickers:A:B")).toBe('channel "tickers:A:B" has too many parts');
  });
  test("long input is cut in the message", () => {
    expect(checkChannel(`x${"y".repeat(500)}`)!.length).toBeLessThan(120);
  });
});

describe("ChannelFilter", () => {
  test("* selects everything for a private role", () => {
    const f = new ChannelFilter(["*"], "trader");
    for (const ch of ["tickers:BTC-USDT", "orders", "balances", "commands", "system", "strategy:s1"])
      expect(f.matches(ch)).toBe(true);
  });
  test("* for a viewer silently leaves out the private heads", () => {
    const f = new ChannelFilter(["*"], "viewer");
    for (const ch of ["tickers:BTC-USDT", "books:BTC-USDT", "trades:X", "system", "strategy:s1"])
      expect(f.matches(ch)).toBe(true);
    for (const ch of ["orders", "fills", "positions", "account", "balances", "commands", "orders:x"])
      expect(f.matches(ch)).toBe(false);
  });
  test("head:* and a bare head select the head's channels and the bare head", () => {
    for (const p of ["tickers:*", "tickers"]) {
      const f = new ChannelFilter([p], "viewer");
      expect(f.matches("tickers:BTC-USDT")).toBe(true);
      expect(f.matches("tickers")).toBe(true);
      expect(f.matches("trades:BTC-USDT")).toBe(false);
      expect(f.matches("tickersX:BTC-USDT")).toBe(false);
    }
  });
  test("an exact key selects that channel only", () => {
    const f = new ChannelFilter(["tickers:BTC-USDT"], "viewer");
    expect(f.matches("tickers:BTC-USDT")).toBe(true);
    expect(f.matches("tickers:BTC-USDT-SWAP")).toBe(false);
    expect(f.matches("tickers:ETH-USDT")).toBe(false);
    expect(f.matches("tickers")).toBe(false);
    expect(f.matches("trades:BTC-USDT")).toBe(false);
  });
  test("the key is the same for the same effective filter, whatever the order or repeats", () => {
    const a = new ChannelFilter(["trades:*", "tickers:BTC-USDT", "trades:*"], "trader");
    const b = new ChannelFilter(["tickers:BTC-USDT", "trades:*"], "admin");
    expect(a.patterns).toEqual(["tickers:BTC-USDT", "trades:*"]);
    expect(a.key).toBe(b.key); // non-viewers see the same events
    expect(new ChannelFilter(["*"], "viewer").key).not.toBe(new ChannelFilter(["*"], "trader").key);
  });
  test("with() adds and removes patterns and keeps the role", () => {
    const f = new ChannelFilter(["tickers:*"], "viewer").with(["trades:BTC-USDT"], ["tickers:*"]);
    expect(f.patterns).toEqual(["trades:BTC-USDT"]);
    expect(f.role).toBe("viewer");
    expect(f.matches("tickers:BTC-USDT")).toBe(false);
    expect(f.matches("trades:BTC-USDT")).toBe(true);
  });
});

describe("parsePatterns (what a subscriber asks for)", () => {
  const fails = (input: string[], role: "viewer" | "trader", max = 10) => {
    try {
      parsePatterns(input, role, max);
    } catch (err) {
      expect(err).toBeInstanceOf(ChannelError);
      const e = err as ChannelError;
      return { status: e.status, message: e.message, channel: e.channel };
    }
    throw new Error(`accepted ${JSON.stringify(input)}`);
  };

  test("trims, skips empty entries, keeps wildcards", () => {
    expect(parsePatterns([" tickers:* ", "", "orders", "*", "books5:BTC-USDT"], "trader", 10)).toEqual([
      "tickers:*",
      "orders",
      "*",
      "books5:BTC-USDT",
    ]);
    expect(parsePatterns(["*"], "viewer", 10)).toEqual(["*"]); // private heads are filtered, not refused
  });
  test("private heads need a role that may read them: 403", () => {
    for (const p of ["orders", "orders:*", "balances", "positions", "account", "fills", "commands"])
      expect(fails([p], "viewer")).toMatchObject({
        status: 403,
        channel: p,
        message: `role viewer may not read channel "${p}"`,
      });
    expect(parsePatterns(["orders", "balances"], "trader", 10)).toEqual(["orders", "balances"]);
  });
  test("unknown heads and bad keys: 400 naming the pattern", () => {
    expect(fails(["bogus"], "trader")).toMatchObject({ status: 400, message: 'unknown channel "bogus"' });
    expect(fails(["bogus:*"], "trader")).toMatchObject({ status: 400, message: 'unknown channel "bogus:*"' });
    expect(fails(["*:*"], "trader")).toMatchObject({ status: 400 });
    expect(fails(["tickers:a b"], "trader")).toMatchObject({ status: 400, message: 'channel key "a b" is not valid' });
    expect(fails(["tickers:A:B"], "trader")).toMatchObject({
      status: 400,
      message: 'channel "tickers:A:B" has too many parts',
    });
    expect(fails([`tickers:${"A".repeat(100)}`], "trader")).toMatchObject({
      status: 400,
      message: "channel pattern too long",
    });
  });
  test("more patterns than allowed: 400 naming the first one over", () => {
    expect(fails(["tickers:A", "tickers:B", "tickers:C"], "trader", 2)).toMatchObject({
      status: 400,
      channel: "tickers:C",
      message: "too many subscriptions (at most 2)",
    });
    expect(parsePatterns(["tickers:A", "", "tickers:B"], "trader", 2)).toEqual(["tickers:A", "tickers:B"]);
  });
});
