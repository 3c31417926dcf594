import { expect, test } from "bun:test";
import { clientAddress } from "./client-ip.ts";

test("X-Forwarded-For counts only as far as the trusted proxies reach", () => {
  expect(clientAddress("10.0.0.5", "203.0.113.7", 0)).toBe("10.0.0.5"); // no trusted proxy: ignored
  expect(clientAddress("10.0.0.5", "203.0.113.7", 1)).toBe("203.0.113.7");
  expect(clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7", 1)).toBe("203.0.113.7"); // spoofed entry skipped
  expect(clientAddress("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.0.0.9", 2)).toBe("203.0.113.7");
  expect(clientAddress("10.0.0.5", "203.0.113.7", 2)).toBe("10.0.0.5"); // fewer entries than hops
  expect(clientAddress("10.0.0.5", "not-an-ip", 1)).toBe("10.0.0.5");
  expect(clientAddress("10.0.0.5", "2001:db8::1", 1)).toBe("2001:db8::1");
  expect(clientAddress("10.0.0.5", undefined, 1)).toBe("10.0.0.5");
});
