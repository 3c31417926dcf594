// The instrument-id rule, written once: every route, query and order checks instIds with it.
import { z } from "zod";

/** An OKX instrument id: 2-4 upper-case parts joined by dashes (BTC-USDT, BTC-USDT-SWAP, BTC-USD-250328). */
export const INST_ID = /^[A-Z0-9]{1,12}(-[A-Z0-9]{1,12}){1,3}$/;

/**
 * @example InstId.parse("BTC-USDT") // "BTC-USDT"; "btc usdt" fails naming the rule
 */
export const InstId = z.string().regex(INST_ID, "an OKX instrument id, e.g. BTC-USDT");
