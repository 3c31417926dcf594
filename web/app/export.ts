// A trader's fills as CSV for their records: every fill of a period, paged through
// GET /api/fills (newest first; written oldest first), quoted as RFC 4180 asks. A text cell that
// a spreadsheet would run as a formula (=, +, -, @ at its start, and not a number) gets a leading
// apostrophe.
import { collect as collectPages, type Page } from "../client/paged.ts";
import type { FillRow } from "../client/rest.ts";

export interface Column<R> {
  name: string;
  value: (r: R) => string | number | null | undefined;
}

const FORMULA = /^[=+\-@\t\r]/;

/** One CSV cell: quoted when it holds a comma, quote or line break; a formula-like text defused. */
export function csvCell(v: string | number | null | undefined): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (typeof v === "string" && FORMULA.test(s) && !Number.isFinite(Number(s))) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** A header line and a line per row, CRLF line ends. */
export function toCsv<R>(rows: readonly R[], columns: readonly Column<R>[]): string {
  const lines = [columns.map((c) => csvCell(c.name)).join(",")];
  for (const r of rows) lines.push(columns.map((c) => csvCell(c.value(r))).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

export const FILL_COLUMNS: Column<FillRow>[] = [
  { name: "time", value: (f) => new Date(f.ts).toISOString() },
  { name: "instId", value: (f) => f.instId },
  { name: "side", value: (f) => f.side },
  { name: "price", value: (f) => f.fillPx },
  { name: "size", value: (f) => f.fillSz },
  { name: "fee", value: (f) => f.fee },
  { name: "feeCcy", value: (f) => f.feeCcy },
  { name: "pnl", value: (f) => f.fillPnl },
  { name: "execType", value: (f) => f.execType },
  { name: "ordId", value: (f) => f.ordId },
  { name: "clOrdId", value: (f) => f.clOrdId },
  { name: "tradeId", value: (f) => f.tradeId },
];

/** Most rows one file takes (a hundred pages). */
export const EXPORT_MAX_ROWS = 100_000;

/** Every row of the period, up to EXPORT_MAX_ROWS (see client/paged.ts). */
export const collect = <R>(page: Page<R>, max = EXPORT_MAX_ROWS) => collectPages(page, max);
