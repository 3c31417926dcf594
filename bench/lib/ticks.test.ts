// The tick scanner must find every {"t","n"} however the bytes are cut, and tell loss from reordering.
import { describe, expect, test } from "bun:test";
import { ClientTally, Recorder, TickStream } from "./ticks.ts";

const frame = (n: number, t = 1764000000000.125) =>
  `id: 7-${n}\nevent: tick\ndata: {"id":"7-${n}","type":"tick","channel":"bench","ts":{"rx":1,"pub":2},"data":{"t":${t},"n":${n}}}\n\n`;

function feed(text: string, cuts: number[]): { tally: ClientTally; rec: Recorder } {
  const rec = new Recorder(1, 10, 20); // 1..9 warm-up, 10..19 measured, 0 stale
  rec.now = 1764000000001.125;
  const tally = new ClientTally();
  const s = new TickStream(tally, rec);
  const buf = Buffer.from(text);
  let p = 0;
  for (const c of [...cuts, buf.length]) {
    s.push(buf, p, c);
    p = c;
  }
  return { tally, rec };
}

describe("TickStream", () => {
  const text = Array.from({ length: 10 }, (_, i) => frame(10 + i)).join("");

  test("reads every event of one buffer, latency from t", () => {
    const { tally, rec } = feed(text, []);
    expect(tally.got).toBe(10);
    expect(rec.hist.summary().p50).toBeCloseTo(1, 2);
  });

  test("any single cut position gives the same result", () => {
    for (let cut = 1; cut < text.length; cut++) {
      const { tally } = feed(text, [cut]);
      expect(tally.got).toBe(10);
    }
  });

  test("byte-by-byte delivery", () => {
    const cuts = Array.from({ length: text.length - 1 }, (_, i) => i + 1);
    expect(feed(text, cuts).tally.got).toBe(10);
  });

  test("python's json.dumps spacing", () => {
    const py = 'event: tick\r\ndata: {"t": 1764000000000.5, "n": 12}\r\n\r\n';
    const { tally } = feed(py, [py.indexOf("00.5") + 1]);
    expect(tally.got).toBe(1);
  });

  test("warm-up, stale, duplicate and reordered events are told apart", () => {
    const t = [frame(5), frame(0), frame(12), frame(11), frame(12)].join("");
    const { tally } = feed(t, []);
    expect(tally.warm).toBe(1);
    expect(tally.stale).toBe(1);
    expect(tally.got).toBe(2);
    expect(tally.dups).toBe(1);
    expect(tally.reordered).toBe(1);
  });

  test("a key named t in other objects is not a tick", () => {
    const { tally } = feed('data: {"t":"x","n":1}\n\ndata: {"ts":{"t2":1}}\n\n', []);
    expect(tally.got + tally.warm + tally.stale).toBe(0);
  });
});
