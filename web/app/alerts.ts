// What the dashboard does with the price alerts the service holds, beyond listing them: tell each
// that fired once per browser (live, or at the next sign-in when none of its pages was open), and
// hand over the alerts a browser kept itself before the service held them (localStorage, per
// user) once at sign-in; one the market reached meanwhile is told then, as the page that kept it
// would have told it when it next opened.
import { alertReached, type PriceAlert } from "../../src/domain/alerts.ts";
import { ApiRequestError } from "../client/http.ts";

/** What an alert kept by the browser held. */
export type BrowserAlert = Pick<PriceAlert, "id" | "instId" | "price" | "up">;

/** What localStorage offers (a fake in unit tests). */
export type KeyValue = Pick<Storage, "getItem" | "removeItem" | "setItem">;

/** How far back a browser that never told a fired alert tells them (its first sign-in since). */
export const TELL_BACK_MS = 24 * 3_600_000;

/**
 * The fired alerts this browser has not told yet (fired after `toldUntil`, the newest it told;
 * without one, those of the last TELL_BACK_MS), and the newest of them to remember.
 */
export function untold(
  fired: PriceAlert[],
  toldUntil: number | undefined,
  now: number,
): { news: PriceAlert[]; until: number | undefined } {
  const since = toldUntil ?? now - TELL_BACK_MS;
  const news = fired.filter((a) => a.firedAt !== null && a.firedAt > since).sort((a, b) => a.firedAt! - b.firedAt!);
  return { news, until: news.length ? news.at(-1)!.firedAt! : toldUntil };
}

export const toldKey = (user: string) => `tradewire.alerts.told.${user}`;

export interface ImportDeps {
  storage: KeyValue | undefined;
  /** Every instrument's last price now. */
  lasts(): Promise<Map<string, number>>;
  /** Sets an alert at the service (it refuses one set already: fine). */
  create(instId: string, price: number): Promise<unknown>;
  /** Tells the user of one the market reached while no page kept it. */
  reached(a: BrowserAlert, last: number): void;
}

export const browserKey = (user: string) => `tradewire.alerts.${user}`;

const isBrowserAlert = (x: unknown): x is BrowserAlert => {
  const a = x as BrowserAlert;
  return typeof a?.id === "string" && typeof a.instId === "string" && a.price > 0 && typeof a.up === "boolean";
};

/** Hands `user`'s alerts kept by this browser to the service; how many it set there. */
export async function importBrowserAlerts(user: string, d: ImportDeps): Promise<number> {
  const key = browserKey(user);
  let saved: unknown;
  try {
    saved = JSON.parse(d.storage?.getItem(key) ?? "null");
  } catch {
    saved = null;
  }
  if (saved === null) return 0;
  const list = Array.isArray(saved) ? saved.filter(isBrowserAlert) : [];
  const lasts = list.length ? await d.lasts() : new Map<string, number>();
  let set = 0;
  for (const a of list) {
    const last = lasts.get(a.instId);
    if (last === undefined) continue; // an instrument no longer streamed
    if (alertReached(a, last)) {
      d.reached(a, last);
      continue;
    }
    try {
      await d.create(a.instId, a.price);
      set++;
    } catch (err) {
      // A refusal (set already, too many) is an answer; anything else: try again next time.
      if (!(err instanceof ApiRequestError && err.status < 500)) throw err;
    }
  }
  d.storage?.removeItem(key);
  return set;
}

/** This page's localStorage, if the browser lets it have one. */
export function browserStorage(): KeyValue | undefined {
  try {
    return localStorage;
  } catch {
    return undefined; // storage refused (a sandboxed frame)
  }
}
