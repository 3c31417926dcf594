import { expect, test } from "bun:test";
import type { FillRow } from "../client/rest.ts";
import { collect, csvCell, FILL_COLUMNS, toCsv } from "./export.ts";

test("a CSV cell is quoted when it must be; a text a spreadsheet would run as a formula is defused, a number is not", () => {
  expect(csvCell("BTC-USDT")).toBe("BTC-USDT");
  expect(csvCell('say "hi", twice')).toBe('"say ""hi"", twice"');
  expect(csvCell("two\nlines")).toBe('"two\nlines"');
  expect(csvCell("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
  expect(csvCell("@cmd")).toBe("'@cmd");
  expect(csvCell("+1 (555)")).toBe("'+1 (555)");
  expect(csvCell("-0.0043")).toBe("-0.0043"); // a negative fee stays a number
  expect(csvCell(-2)).toBe("-2");
  expect(csvCell(null)).toBe("");
  expect(csvCell(undefined)).toBe("");
});

const fill = (over: Partial<FillRow>): FillRow =>
  ({
    ts: Date.UTC(2026, 11, 7, 8, 0, 0, 123),
    ordId: "1",
    clOrdId: "tw1",
    instId: "BTC-USDT",
    tradeId: "t1",
    side: "buy",
    fillPx: "43000.1",
    fillSz: "0.001",
    fee: "-0.0000008",
    feeCcy: "BTC",
    fillPnl: null, // not recorded
    execType: "T",
    ...over,
  }) as FillRow;

test("fills as CSV: a header, then a line per fill with its time in UTC, CRLF line ends", () => {
  const csv = toCsv(
    [fill({}), fill({ ordId: "2", side: "sell", clOrdId: "=x", instId: "BTC-USDT-SWAP", fillPnl: "-1.25" })],
    FILL_COLUMNS,
  );
  expect(csv.split("\r\n")).toEqual([
    "time,instId,side,price,size,fee,feeCcy,pnl,execType,ordId,clOrdId,tradeId",
    "2026-12-07T08:00:00.123Z,BTC-USDT,buy,43000.1,0.001,-0.0000008,BTC,,T,1,tw1,t1",
    "2026-12-07T08:00:00.123Z,BTC-USDT-SWAP,sell,43000.1,0.001,-0.0000008,BTC,-1.25,T,2,'=x,t1",
    "",
  ]);
});

test("collect follows the cursor to the last page, and says when the limit cut it short", async () => {
  const pages: Record<string, { data: number[]; next: string | null }> = {
    start: { data: [9, 8, 7], next: "a" },
    a: { data: [6, 5, 4], next: "b" },
    b: { data: [3], next: null },
  };
  const asked: (string | undefined)[] = [];
  const page = async (c: string | undefined) => {
    asked.push(c);
    return pages[c ?? "start"]!;
  };
  expect(await collect(page)).toEqual({ rows: [9, 8, 7, 6, 5, 4, 3], complete: true });
  expect(asked).toEqual([undefined, "a", "b"]);
  expect(await collect(page, 5)).toEqual({ rows: [9, 8, 7, 6, 5], complete: false });
  expect(await collect(page, 7)).toEqual({ rows: [9, 8, 7, 6, 5, 4, 3], complete: true });
  expect(await collect(page, 6)).toEqual({ rows: [9, 8, 7, 6, 5, 4], complete: false });
});
