import { expect, test } from "bun:test";
import { Registry } from "../ops/metrics.ts";
import { TradeMetrics } from "./trade-metrics.ts";

test("each answered op lands in its stages under its op and path; REST has no exchange time", () => {
  const reg = new Registry();
  const m = new TradeMetrics(reg);
  m.answered("order", { via: "ws", roundtripMs: 0.4, exchangeMs: 0.05 }, 0.6);
  m.answered("cancel-order", { via: "rest", roundtripMs: 3 }, 3.5);
  expect(m.seen("order", "total", "ws")).toEqual({ count: 1, totalMs: 0.6 });
  expect(m.seen("order", "exchange_roundtrip", "ws")).toEqual({ count: 1, totalMs: 0.4 });
  expect(m.seen("order", "exchange_internal", "ws")).toEqual({ count: 1, totalMs: 0.05 });
  expect(m.seen("cancel-order", "exchange_internal", "rest").count).toBe(0);
  const text = reg.render();
  expect(text).toContain('tradewire_order_seconds_bucket{op="place",stage="total",via="ws",le="0.00075"} 1');
  expect(text).toContain('tradewire_order_seconds_bucket{op="place",stage="total",via="ws",le="0.0005"} 0');
  expect(text).toContain('tradewire_order_seconds_count{op="cancel",stage="exchange_roundtrip",via="rest"} 1');
});
