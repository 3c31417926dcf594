import { expect, test } from "bun:test";
import { InstrumentTable } from "./instruments.ts";
import { load } from "./persist.ts";

const table = new InstrumentTable(["BTC-USDT"], { BTC: 43000 });
const order = (ordId: string, instId: string, state: string) =>
  JSON.stringify({ o: { ordId, instId, state, seq: Number(ordId), clOrdId: "", lots: 1 } });

test("the latest line of an order wins; fills point at that order; cut lines and unknown instruments are skipped", () => {
  const text = [
    order("1", "BTC-USDT", "live"),
    JSON.stringify({
      f: { ordId: "1", billId: "9", info: { px: 1, lots: 1, tradeId: "t", ts: 5, fee: 0, execType: "M" } },
    }),
    order("1", "BTC-USDT", "filled"),
    order("2", "SOL-USDT", "live"),
    JSON.stringify({
      f: { ordId: "2", billId: "10", info: { px: 1, lots: 1, tradeId: "u", ts: 6, fee: 0, execType: "T" } },
    }),
    '{"o":{"ordId":"3","instId":"BTC-US',
  ].join("\n");
  const { orders, fills } = load(text, table);
  expect(orders.map((o) => [o.ordId, o.state, o.inst.instId])).toEqual([["1", "filled", "BTC-USDT"]]);
  expect(fills).toHaveLength(1);
  expect(fills[0]!.o).toBe(orders[0]!);
  expect(fills[0]!.billId).toBe("9");
});
