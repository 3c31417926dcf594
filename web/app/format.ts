// Formatting for the screen: prices and sizes with their instrument's decimals (the exchange's
// exact digits, zeros added so a column's points line up), changes as percents, times local,
// latencies in ms with sensible precision.
import { stepDecimals } from "../client/rules.ts";

export function pctChange(last: string | undefined, open: string | undefined): number | null {
  const l = Number(last);
  const o = Number(open);
  return Number.isFinite(l) && Number.isFinite(o) && o > 0 ? ((l - o) / o) * 100 : null;
}

/** 202199.2 -> "202,199.20": an amount in USD, two decimals, grouped. */
export const fmtUsd = (v: string | number): string =>
  Number(v).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** A fee in its currency's decimals: 4 for a dollar (USDT, USDC, USD), 8 for a coin; "" for none. */
export function fmtFee(fee: string | null | undefined, ccy: string): string {
  if (fee === "" || fee === null || fee === undefined || !Number.isFinite(Number(fee))) return "";
  return Number(fee).toFixed(/^(USDT|USDC|USD)$/.test(ccy) ? 4 : 8);
}

/**
 * A fill's realized PnL, signed: 2 decimals, 4 under 1 (a small fill's "+0.0015"); "" for none
 * (an opening fill's "0", or none given).
 */
export function fmtRealized(pnl: string | null | undefined): string {
  const v = Number(pnl || 0);
  if (v === 0 || !Number.isFinite(v)) return "";
  return `${v > 0 ? "+" : ""}${v.toFixed(Math.abs(v) < 1 ? 4 : 2)}`;
}

export const fmtPct = (p: number | null): string => (p === null ? "–" : `${p >= 0 ? "+" : ""}${p.toFixed(2)}%`);

const two = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Local time of day with ms, 24 h ("14:03:07.250"); by hand: toLocaleTimeString builds a formatter per call. */
export function fmtTime(ms: number | null | undefined): string {
  if (!ms) return "–";
  const d = new Date(ms);
  return `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/** Local date and time of day with ms ("2026-12-07 14:03:07.250"), for rows that span days. */
export function fmtDateTime(ms: number | null | undefined): string {
  if (!ms) return "–";
  const d = new Date(ms);
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${fmtTime(ms)}`;
}

/**
 * When something happened, as short as it can be read: the time of day (with ms unless `withMs` is false) today, the day and
 * time before ("12-06 14:03:07"), so a row from yesterday is not taken for one of today's, and the
 * year too in another year ("2025-12-07 09:00:00").
 */
export function fmtWhen(ms: number | null | undefined, now = Date.now(), withMs = true): string {
  if (!ms) return "–";
  const d = new Date(ms);
  const t = new Date(now);
  const thisYear = d.getFullYear() === t.getFullYear();
  if (thisYear && d.getMonth() === t.getMonth() && d.getDate() === t.getDate())
    return withMs ? fmtTime(ms) : fmtTime(ms).slice(0, 8);
  const day = `${two(d.getMonth() + 1)}-${two(d.getDate())}`;
  return `${thisYear ? "" : `${d.getFullYear()}-`}${day} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
}

export function fmtMs(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return "–";
  if (Math.abs(v) < 1) return `${v.toFixed(2)} ms`;
  if (Math.abs(v) < 100) return `${v.toFixed(1)} ms`;
  return `${Math.round(v)} ms`;
}

/** A number of millions or billions, in at most six characters: 1.23, 19.91, 644.4. */
const short = (x: number, unit: string) => `${x.toFixed(Math.abs(x) >= 100 ? 1 : 2)}${unit}`;

/** Big numbers short: 1234567 -> 1.23M, 644380000 -> 644.4M. */
export function fmtQty(s: string | number | undefined): string {
  const n = Number(s);
  if (!Number.isFinite(n)) return "–";
  const a = Math.abs(n);
  if (a >= 1e9) return short(n / 1e9, "B");
  if (a >= 1e6) return short(n / 1e6, "M");
  if (a >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return String(Number(n.toPrecision(8)));
}

/** Digits after the point in a decimal string. */
export const decimals = (s: string | undefined): number => (s?.includes(".") ? s.length - s.indexOf(".") - 1 : 0);

/** The decimals an instrument's prices and sizes are written with: its tick's and its lot's. */
export interface Digits {
  px: number;
  sz: number;
}

export const digitsOf = (i: { tickSz: number; lotSz: number } | undefined): Digits | undefined =>
  i && { px: stepDecimals(i.tickSz), sz: stepDecimals(i.lotSz) };

/**
 * A decimal string with at least `dp` digits after the point: zeros added, none taken away (the
 * exchange's digits stay exact). A string in exponent form is rounded to `dp` instead.
 */
export function padDecimals(s: string, dp: number): string {
  if (s.includes("e") || s.includes("E")) {
    const n = Number(s);
    return Number.isFinite(n) ? n.toFixed(dp) : s;
  }
  const dot = s.indexOf(".");
  const have = dot < 0 ? 0 : s.length - dot - 1;
  if (have >= dp) return s;
  return `${s}${dot < 0 ? "." : ""}${"0".repeat(dp - have)}`;
}

/**
 * A price with its instrument's tick decimals ("43042" -> "43042.0" at tick 0.1); as given while
 * they are unknown. A computed price (an average) keeps ten significant digits.
 */
export function fmtPx(s: string | number | undefined, dp: number | undefined): string {
  if (s === undefined || s === "") return "–";
  const text = typeof s === "number" ? String(Number(s.toPrecision(10))) : s;
  return dp === undefined ? text : padDecimals(text, dp);
}

/** Sizes from this big up are written short (123.4k): lot decimals would only add noise. */
const SHORT_FROM = 1e5;

/** A size (or a sum of sizes) with its instrument's lot decimals; short from 100k up, and while they are unknown. */
export function fmtSz(s: string | number | undefined, dp: number | undefined): string {
  const n = Number(s);
  if (s === undefined || s === "" || !Number.isFinite(n)) return "–";
  if (dp === undefined || Math.abs(n) >= SHORT_FROM) return fmtQty(n);
  return typeof s === "string" ? padDecimals(s, dp) : n.toFixed(dp);
}
