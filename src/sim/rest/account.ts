// Private account and asset endpoints: balance, positions, config, fee rates, leverage, and the
// currency list that ccxt loads at start-up (OKX.md §6.3, §6.5).
import type { AccountConfig } from "../../okx/types.ts";
import { fmt } from "../num.ts";
import { fail, type Handler, ok, q } from "./respond.ts";

export const balance: Handler = (r) => {
  const ccys = (q(r, "ccy") ?? "").split(",").filter(Boolean);
  return ok([r.ctx.account.balance(ccys, r.now)]);
};

export const positions: Handler = (r) => {
  const instType = q(r, "instType");
  if (instType && !["MARGIN", "SWAP", "FUTURES", "OPTION"].includes(instType)) return fail("51000", "instType");
  const instIds = (q(r, "instId") ?? "").split(",").filter(Boolean);
  let rows = r.ctx.account.positionRows({ instType, instIds }, r.now);
  const posId = q(r, "posId");
  if (posId) rows = rows.filter((p) => posId.split(",").includes(p.posId));
  return ok(rows);
};

export const config: Handler = (r) => {
  const c: AccountConfig = {
    uid: r.ctx.opts.uid,
    mainUid: r.ctx.opts.uid,
    acctLv: "2",
    posMode: "net_mode",
    autoLoan: false,
    greeksType: "PA",
    level: "Lv1",
    levelTmp: "",
    ctIsoMode: "automatic",
    mgnIsoMode: "automatic",
    label: "tradewire-sim",
    perm: "read_only,trade",
    ip: "",
  };
  return ok([
    {
      ...c,
      spotOffsetType: "",
      roleType: "0",
      traderInsts: [],
      spotRoleType: "0",
      spotTraderInsts: [],
      opAuth: "0",
      kycLv: "1",
      enableSpotBorrow: false,
      spotBorrowAutoRepay: false,
      type: "0",
      settleCcy: "USDT",
      settleCcyList: ["USDT"],
    },
  ]);
};

export const tradeFee: Handler = (r) => {
  const instType = q(r, "instType");
  if (!instType) return fail("50014", "instType");
  const f = r.ctx.opts.fees;
  const spot = instType === "SPOT" || instType === "MARGIN";
  const maker = fmt(-(spot ? f.spotMaker : f.swapMaker));
  const taker = fmt(-(spot ? f.spotTaker : f.swapTaker));
  return ok([
    {
      category: "1",
      delivery: "",
      exercise: "",
      instType,
      level: "Lv1",
      maker,
      taker,
      makerU: maker,
      takerU: taker,
      makerUSDC: maker,
      takerUSDC: taker,
      ts: String(r.now),
      fiat: [],
    },
  ]);
};

export const leverageInfo: Handler = (r) => {
  const instIds = (q(r, "instId") ?? "").split(",").filter(Boolean);
  const mgnMode = q(r, "mgnMode");
  if (!instIds.length) return fail("50014", "instId");
  if (!mgnMode) return fail("50014", "mgnMode");
  if (instIds.some((i) => !r.ctx.instruments.get(i))) return fail("51001");
  const lever = (i: string) => String(r.ctx.account.lever(i));
  return ok(instIds.map((instId) => ({ instId, mgnMode, posSide: "net", lever: lever(instId) })));
};

/** Cross margin only (the simulator's one margin mode); a leverage of 1-`lever` (the instrument's) with up to 2 decimals. */
export const setLeverage: Handler = (r) => {
  const b = (r.body ?? {}) as Record<string, unknown>;
  const instId = typeof b.instId === "string" ? b.instId : "";
  const lever = typeof b.lever === "string" || typeof b.lever === "number" ? String(b.lever) : "";
  const mgnMode = typeof b.mgnMode === "string" ? b.mgnMode : "";
  if (!instId) return fail("50014", "instId");
  if (!lever) return fail("50014", "lever");
  if (!mgnMode) return fail("50014", "mgnMode");
  if (mgnMode !== "cross") return fail("51000", "mgnMode");
  if (!/^\d+(\.\d{1,2})?$/.test(lever) || Number(lever) < 1) return fail("51000", "lever");
  const refused = r.ctx.matcher.setLeverage(instId, Number(lever));
  if (refused) return { status: 200, body: { code: refused.sCode, msg: refused.sMsg, data: [] } };
  return ok([{ lever: String(Number(lever)), mgnMode, instId, posSide: "net" }]);
};

export const currencies: Handler = (r) => {
  const list = r.ctx.instruments.currencies().map((ccy) => ({
    ccy,
    name: ccy,
    logoLink: "",
    chain: `${ccy}-${ccy}`,
    canDep: true,
    canWd: true,
    canInternal: true,
    minDep: "0.00000001",
    minWd: "0.0001",
    maxWd: "1000000",
    wdTickSz: "8",
    wdQuota: "10000000",
    usedWdQuota: "0",
    minFee: "0",
    maxFee: "0",
    mainNet: true,
    needTag: false,
    minDepArrivalConfirm: "1",
    minWdUnlockConfirm: "1",
    depQuotaFixed: "",
    usedDepQuotaFixed: "",
    depQuoteDailyLayer2: "",
  }));
  return ok(list);
};

/** The funding account: empty; everything sits in the trading account. */
export const assetBalances: Handler = () => ok([]);
