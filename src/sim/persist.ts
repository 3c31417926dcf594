// Keeps the simulator's orders and fills in a file under its data directory, so a simulator started
// again on that directory (the embedded one, after tradewire was killed with it) still lists them
// in orders-history and fills, and its order ids go on after the old ones: what a client
// reconciles against survives. Each change is written before the request that made it is answered
// and before it is pushed; it is not fsynced (a paper exchange: it survives its process being
// killed, not the machine losing power). Balances, positions and the market start again from the
// options; open orders rest again with their funds frozen.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { InstrumentTable } from "./instruments.ts";
import type { FillRecord, Matcher } from "./matching.ts";
import type { FillInfo, SimOrder } from "./orders.ts";

/** An order as written: its instrument by id. */
type SavedOrder = Omit<SimOrder, "inst"> & { instId: string };
type Line = { o: SavedOrder } | { f: { ordId: string; info: FillInfo; billId: string } };

const FILE = "orders.jsonl";
/** Rewrite the file from memory once it holds this much more than its last rewrite. */
const COMPACT_MIN_BYTES = 64 << 20;

export class OrderFile {
  private fd: number;
  private bytes = 0;
  private compactedBytes = 0;
  private readonly path: string;

  /**
   * Loads what an earlier run kept into `matcher`, rewrites the file compactly and records every change from now on.
   * @example const file = new OrderFile("./data/sim", ctx.matcher, ctx.instruments); ... file.close();
   */
  constructor(
    dir: string,
    private readonly matcher: Matcher,
    instruments: InstrumentTable,
    now = Date.now(),
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    this.path = join(dir, FILE);
    const { orders, fills } = existsSync(this.path)
      ? load(readFileSync(this.path, "utf8"), instruments)
      : { orders: [], fills: [] };
    matcher.restore(orders, fills, now);
    this.fd = this.compact();
    matcher.on({
      order: (_push, o) => this.write({ o: saved(o) }),
      fill: (f) => this.write({ f: { ordId: f.o.ordId, info: f.info, billId: f.billId } }),
    });
  }

  close(): void {
    closeSync(this.fd);
  }

  private write(line: Line): void {
    const buf = Buffer.from(`${JSON.stringify(line)}\n`);
    for (let off = 0; off < buf.length; ) off += writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
    if (this.bytes > Math.max(COMPACT_MIN_BYTES, 4 * this.compactedBytes)) {
      closeSync(this.fd);
      this.fd = this.compact();
    }
  }

  /** Writes what the matcher holds now to a new file that replaces the old one; returns it open for appending. */
  private compact(): number {
    const tmp = `${this.path}.tmp`;
    const lines: string[] = [];
    for (const o of this.matcher.orders.values()) lines.push(JSON.stringify({ o: saved(o) }));
    for (const f of this.matcher.fills)
      lines.push(JSON.stringify({ f: { ordId: f.o.ordId, info: f.info, billId: f.billId } }));
    const text = lines.length ? `${lines.join("\n")}\n` : "";
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
    this.compactedBytes = this.bytes = Buffer.byteLength(text);
    return openSync(this.path, "a", 0o600);
  }
}

function saved(o: SimOrder): SavedOrder {
  const { inst, ...rest } = o;
  return { ...rest, instId: inst.instId };
}

/** The orders (latest line of each wins) and fills in a file's text; lines that do not parse, or name an instrument not served now, are skipped. */
export function load(text: string, instruments: InstrumentTable): { orders: SimOrder[]; fills: FillRecord[] } {
  const orders = new Map<string, SimOrder>();
  const fills: Array<{ ordId: string; info: FillInfo; billId: string }> = [];
  for (const raw of text.split("\n")) {
    if (raw === "") continue;
    let line: Line;
    try {
      line = JSON.parse(raw) as Line;
    } catch {
      continue; // a line cut by the end of the process
    }
    if ("o" in line) {
      const { instId, ...rest } = line.o;
      const inst = instruments.get(instId);
      if (!inst) continue;
      const existing = orders.get(rest.ordId);
      // The same object for every line of an order: fills point at it, as in the matcher.
      if (existing) Object.assign(existing, rest, { inst });
      else orders.set(rest.ordId, { ...rest, inst });
    } else if ("f" in line) fills.push({ ...line.f, info: { ...line.f.info, pnl: line.f.info.pnl ?? 0 } }); // older files: no PnL
  }
  const out: FillRecord[] = [];
  for (const f of fills) {
    const o = orders.get(f.ordId);
    if (o) out.push({ o, info: f.info, billId: f.billId });
  }
  return { orders: [...orders.values()], fills: out };
}
