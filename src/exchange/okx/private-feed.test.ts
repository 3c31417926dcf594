import { expect, test } from "bun:test";
import type { Normalized } from "../../domain/events.ts";
import type { Frame } from "./parse-frame.ts";
import { PrivateFeed } from "./private-feed.ts";
import type { OkxRest } from "./rest.ts";

const NOW = 1_700_000_000_000;
function feed(derivatives = ["BTC-USDT-SWAP", "ETH-USDT-SWAP"]) {
  const out: Normalized[] = [];
  const f = new PrivateFeed({
    channels: ["positions"],
    sink: { publish: (ev) => out.push(ev), malformed: () => {} },
    rest: {} as OkxRest,
    log: () => {},
    now: () => NOW,
    derivatives,
  });
  return { f, out };
}
const row = (instId: string, pos: string, pTime = NOW - 5) => ({
  instId,
  instType: "SWAP",
  posId: "1",
  posSide: "net",
  pos,
  avgPx: "43000",
  upl: "0",
  lever: "10",
  mgnMode: "cross",
  markPx: "43000",
  liqPx: "",
  uplRatio: "0",
  uTime: String(NOW - 1000),
  pTime: String(pTime),
});
const push = (data: unknown[], head: Record<string, unknown> = {}): Extract<Frame, { kind: "push" }> => ({
  kind: "push",
  channel: "positions",
  arg: { channel: "positions" },
  action: null,
  data,
  frame: { arg: { channel: "positions" }, data, ...head },
});
const flats = (out: Normalized[]) =>
  out.flatMap((e) => (e.type === "position" && e.data.pos === "0" ? [`${e.data.instId} ${e.exTs}`] : []));
const known = (out: Normalized[]) => out.filter((e) => e.type === "system" && e.data.kind === "positions").length;

test("a connection's first snapshot: each traded swap it does not list is flat, dated a second ago without rows; then 'known'", () => {
  const { f, out } = feed();
  f.onPush(push([], { eventType: "snapshot", curPage: 1, lastPage: true }), NOW);
  expect(flats(out)).toEqual([`BTC-USDT-SWAP ${NOW - 1000}`, `ETH-USDT-SWAP ${NOW - 1000}`]);
  expect(known(out)).toBe(1);
  expect(out.at(-1)).toMatchObject({ type: "system", data: { kind: "positions", state: "known" } });
});

test("a listed position is published as it is; the flats are dated by the snapshot's push time", () => {
  const { f, out } = feed();
  f.onPush(push([row("BTC-USDT-SWAP", "3", NOW - 7)], { eventType: "snapshot" }), NOW);
  expect(out[0]).toMatchObject({ type: "position", data: { instId: "BTC-USDT-SWAP", pos: "3" } });
  expect(flats(out)).toEqual([`ETH-USDT-SWAP ${NOW - 7}`]);
});

test("later snapshots flatten only what was open and is no longer listed; updates are not snapshots", () => {
  const { f, out } = feed();
  f.onPush(push([row("BTC-USDT-SWAP", "3")], { eventType: "snapshot" }), NOW - 10_000);
  out.length = 0;
  f.onPush(push([row("ETH-USDT-SWAP", "1")], { eventType: "event_update" }), NOW - 9_000);
  expect(flats(out)).toEqual([]);
  out.length = 0;
  // A regular snapshot that lists ETH only: BTC closed without a push saying so.
  f.onPush(push([row("ETH-USDT-SWAP", "1")], { eventType: "snapshot" }), NOW);
  expect(flats(out)).toEqual([`BTC-USDT-SWAP ${NOW - 5}`]);
  expect(known(out)).toBe(0); // only after a (re)connect
});

test("a position pushed moments before a snapshot that leaves it out stays (the snapshot may be older); a later one settles it", () => {
  const { f, out } = feed();
  f.onPush(push([], { eventType: "snapshot" }), NOW - 10_000);
  out.length = 0;
  f.onPush(push([row("BTC-USDT-SWAP", "2")], { eventType: "event_update" }), NOW - 500);
  f.onPush(push([], { eventType: "snapshot" }), NOW);
  expect(flats(out)).toEqual([]);
  f.onPush(push([], { eventType: "snapshot" }), NOW + 5_000);
  expect(flats(out)).toEqual([`BTC-USDT-SWAP ${NOW - 1000}`]);
});

test("a snapshot in pages is judged at its last page", () => {
  const { f, out } = feed();
  f.onPush(push([row("BTC-USDT-SWAP", "3")], { eventType: "snapshot", curPage: 1, lastPage: false }), NOW);
  expect(flats(out)).toEqual([]);
  f.onPush(push([row("ETH-USDT-SWAP", "2")], { eventType: "snapshot", curPage: 2, lastPage: true }), NOW);
  expect(flats(out)).toEqual([]);
  expect(known(out)).toBe(1);
});

test("after a reconnect the next snapshot is a first one again: a position closed meanwhile goes flat, however recent its last push", () => {
  const { f, out } = feed([]); // held, not among the traded swaps: flattened as held
  f.onPush(push([row("BTC-USDT-SWAP", "3")], { eventType: "snapshot" }), NOW - 1_000);
  f.onDisconnected();
  out.length = 0;
  f.onPush(push([], { eventType: "snapshot" }), NOW);
  expect(flats(out)).toEqual([`BTC-USDT-SWAP ${NOW - 1000}`]);
  expect(known(out)).toBe(1);
});
