import { expect, test } from "bun:test";
import { Continuity } from "./continuity.ts";

const id = (epoch: string, seq: number) => ({ epoch, seq });

test("a fresh connection starts at the head in a new generation; events after it move the cursor, seen ones do not", () => {
  const c = new Continuity();
  expect(c.lastEventId).toBeNull();
  expect(c.connected("e1-10", null)).toBe("fresh");
  expect([c.lastEventId, c.gen]).toEqual(["e1-10", 1]);
  expect(c.advance(id("e1", 11))).toBe("new");
  expect(c.advance(id("e1", 11))).toBe("old");
  expect(c.advance(id("e1", 4))).toBe("old");
  expect([c.lastEventId, c.gen]).toEqual(["e1-11", 1]);
  c.skipTo("e1-20");
  expect(c.lastEventId).toBe("e1-20");
  c.skipTo("e1-15");
  expect(c.lastEventId).toBe("e1-20");
});

test("a reconnect resumes from the cursor, or is lost; events up to its head are catch-up", () => {
  const c = new Continuity();
  c.connected("e1-5", null);
  c.advance(id("e1", 8));
  expect(c.connected("e1-12", "e1-8")).toBe("resumed");
  expect(c.caughtUp(id("e1", 12))).toBe(true);
  expect(c.caughtUp(id("e1", 13))).toBe(false);
  expect(c.caughtUp(id("e2", 1))).toBe(false);
  expect(c.connected("e1-30", null)).toBe("lost");
  expect([c.lastEventId, c.gen]).toEqual(["e1-8", 1]);
});

test("continuity lost (reset, new epoch, adopted cursor) is a new generation; forgetting keeps the count", () => {
  const c = new Continuity();
  c.connected("e1-5", null);
  c.reset("e1-40");
  expect([c.lastEventId, c.gen]).toEqual(["e1-40", 2]);
  expect(c.advance(id("e2", 1))).toBe("epoch");
  expect([c.lastEventId, c.gen]).toEqual(["e2-1", 3]);
  c.adopt("e2-9"); // has a cursor: keeps it
  expect(c.lastEventId).toBe("e2-1");
  c.forget();
  expect([c.lastEventId, c.gen]).toEqual([null, 3]);
  c.adopt(null);
  expect(c.gen).toBe(3);
  c.adopt("e2-9");
  expect([c.lastEventId, c.gen]).toEqual(["e2-9", 4]);
});
