// Turns place/cancel/amend arguments as clients send them ("" and null mean absent, booleans as
// JSON or strings, instIdCode instead of instId) into checked values, or an OKX item error.
import type { OrdType, PosSide, Side, TdMode } from "../okx/types.ts";
import { type ItemError, itemError } from "./errors.ts";
import type { InstrumentTable, SimInstrument } from "./instruments.ts";
import { strToUnits } from "./num.ts";

export interface ParsedPlace {
  inst: SimInstrument;
  side: Side;
  ordType: OrdType;
  tdMode: TdMode;
  posSide: PosSide | "";
  reduceOnly: boolean;
  tgtCcy: "" | "base_ccy" | "quote_ccy";
  stpMode: string;
  clOrdId: string;
  tag: string;
  /** Limit price in ticks (undefined for market orders). */
  px?: number;
  /** Size in lots; for a spot market buy sized in quote currency, `quoteSz` holds the amount instead. */
  lots: number;
  quoteSz?: number;
  szStr: string;
}

const ORD_TYPES = new Set(["market", "limit", "post_only", "fok", "ioc", "optimal_limit_ioc"]);
const PRICED = new Set(["limit", "post_only", "fok", "ioc"]);
const CL_ORD_ID = /^[A-Za-z0-9]{1,32}$/;

/** A field's string value; "", null and undefined are absent. */
export function str(v: unknown): string | undefined {
  if (v === null || v === undefined) return undefined;
  const s = typeof v === "string" ? v : typeof v === "number" || typeof v === "boolean" ? String(v) : undefined;
  return s === undefined || s === "" ? undefined : s;
}

export function bool(v: unknown): boolean {
  return v === true || v === "true";
}

export function isItemError(x: unknown): x is ItemError {
  return typeof x === "object" && x !== null && "sCode" in x;
}

/** The instrument named by instId or instIdCode; undefined if neither is given. */
export function resolveInst(a: Record<string, unknown>, table: InstrumentTable): SimInstrument | ItemError | undefined {
  const instId = str(a.instId);
  const code = str(a.instIdCode);
  if (instId === undefined && code === undefined) return undefined;
  const inst = instId !== undefined ? table.get(instId) : table.byInstIdCode(code);
  return inst ?? itemError("51001");
}

export function parsePlace(raw: unknown, table: InstrumentTable): ParsedPlace | ItemError {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return itemError("51000", "args");
  const a = raw as Record<string, unknown>;
  const inst = resolveInst(a, table);
  if (inst === undefined) return itemError("50014", "instId");
  if (isItemError(inst)) return inst;
  const side = str(a.side);
  if (side !== "buy" && side !== "sell") return itemError("51000", "side");
  const ordType = str(a.ordType);
  if (!ordType || !ORD_TYPES.has(ordType)) return itemError("51000", "ordType");
  const tdMode = str(a.tdMode);
  if (tdMode === undefined) return itemError("50014", "tdMode");
  const spotModes = ["cash", "spot_isolated", "cross"];
  if (inst.instType === "SPOT" ? !spotModes.includes(tdMode) : tdMode !== "cross" && tdMode !== "isolated")
    return itemError("51000", "tdMode");
  const posSide = str(a.posSide) ?? "";
  if (posSide !== "" && posSide !== "net") return itemError("51000", "posSide");
  const clOrdId = str(a.clOrdId) ?? "";
  if (clOrdId && !CL_ORD_ID.test(clOrdId)) return itemError("51000", "clOrdId");
  const szStr = str(a.sz);
  if (szStr === undefined) return itemError("50014", "sz");

  let tgtCcy = (str(a.tgtCcy) ?? "") as ParsedPlace["tgtCcy"];
  if (tgtCcy !== "" && tgtCcy !== "base_ccy" && tgtCcy !== "quote_ccy") return itemError("51000", "tgtCcy");
  const isMarket = ordType === "market" || ordType === "optimal_limit_ioc";
  if (inst.instType === "SPOT" && isMarket && tgtCcy === "") tgtCcy = side === "buy" ? "quote_ccy" : "base_ccy";
  if (inst.instType !== "SPOT" || !isMarket)
    tgtCcy = tgtCcy === "quote_ccy" && inst.instType === "SPOT" ? "quote_ccy" : "";

  let px: number | undefined;
  if (PRICED.has(ordType)) {
    const pxStr = str(a.px);
    if (pxStr === undefined) return itemError("50014", "px");
    px = strToUnits(pxStr, inst.pxDec);
    if (px === undefined || px <= 0) return itemError("51000", "px");
  }

  let lots = 0;
  let quoteSz: number | undefined;
  if (tgtCcy === "quote_ccy") {
    quoteSz = Number(szStr);
    if (!Number.isFinite(quoteSz) || quoteSz <= 0) return itemError("51000", "sz");
  } else {
    if (!/^\d*\.?\d+$/.test(szStr) || Number(szStr) <= 0) return itemError("51000", "sz");
    const u = strToUnits(szStr, inst.szDec);
    if (u === undefined) return itemError("51121");
    if (u < inst.minLots) return itemError("51020");
    lots = u;
  }
  return {
    inst,
    side,
    ordType: ordType as OrdType,
    tdMode: tdMode as TdMode,
    posSide: posSide as PosSide | "",
    reduceOnly: bool(a.reduceOnly),
    tgtCcy,
    stpMode: str(a.stpMode) ?? "cancel_maker",
    clOrdId,
    tag: str(a.tag) ?? "",
    px,
    lots,
    quoteSz,
    szStr,
  };
}

export interface ParsedRef {
  inst?: SimInstrument;
  ordId?: string;
  clOrdId?: string;
}

/** ordId / clOrdId (+ optional instrument) of a cancel, amend or query. */
export function parseRef(raw: unknown, table: InstrumentTable): ParsedRef | ItemError {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return itemError("51000", "args");
  const a = raw as Record<string, unknown>;
  const inst = resolveInst(a, table);
  if (isItemError(inst)) return inst;
  const ordId = str(a.ordId);
  const clOrdId = str(a.clOrdId);
  if (ordId === undefined && clOrdId === undefined) return itemError("51003");
  return { inst, ordId, clOrdId };
}
