import { expect, test } from "bun:test";
import { effect } from "vue";
import { flushFrames } from "./frame.ts";
import { KeyedState } from "./keyed.ts";

interface O {
  id: string;
  t: number;
  state: string;
}
const store = () => new KeyedState<O>({ key: (o) => o.id, version: (o) => o.t, gone: (o) => o.state === "closed" });

test("a burst of updates is one write per key per frame, newest wins", () => {
  const s = store();
  let runs = 0;
  effect(() => {
    s.map.get("a");
    runs++;
  });
  for (let t = 1; t <= 1000; t++) s.put({ id: "a", t, state: "open" });
  s.put({ id: "a", t: 3, state: "open" }); // late and older: ignored
  expect(s.map.size).toBe(0); // nothing before the frame
  flushFrames();
  expect(s.map.get("a")?.t).toBe(1000);
  expect(runs).toBe(2); // the first run, then one for the frame
});

test("a snapshot load merges by version and drops what it lacks, unless the stream touched it meanwhile", () => {
  const s = store();
  s.put({ id: "a", t: 5, state: "open" });
  s.put({ id: "b", t: 5, state: "open" });
  s.put({ id: "gone", t: 5, state: "closed" });
  flushFrames();
  const mark = s.mark();
  s.put({ id: "c", t: 9, state: "open" }); // arrives on the stream while the load is under way
  s.load(
    [
      { id: "a", t: 4, state: "open" }, // older than what we have
      { id: "gone", t: 4, state: "open" }, // closed since: stays gone
      { id: "d", t: 1, state: "open" },
    ],
    mark,
  );
  flushFrames();
  expect([...s.map.keys()].sort()).toEqual(["a", "c", "d"]);
  expect(s.map.get("a")?.t).toBe(5);
});
