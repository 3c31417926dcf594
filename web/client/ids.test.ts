import { expect, test } from "bun:test";
import { compareToCursor, formatId, parseId } from "./ids.ts";

test("ids parse and compare against a cursor", () => {
  expect(parseId("mxbv641c-204")).toEqual({ epoch: "mxbv641c", seq: 204 });
  expect(parseId("bad")).toBeNull();
  expect(parseId("ABC-1")).toBeNull();
  expect(formatId({ epoch: "e1", seq: 7 })).toBe("e1-7");
  const cur = { epoch: "e1", seq: 10 };
  expect(compareToCursor({ epoch: "e1", seq: 11 }, cur)).toBe("new");
  expect(compareToCursor({ epoch: "e1", seq: 10 }, cur)).toBe("old");
  expect(compareToCursor({ epoch: "e1", seq: 3 }, cur)).toBe("old");
  expect(compareToCursor({ epoch: "e2", seq: 1 }, cur)).toBe("epoch");
  expect(compareToCursor({ epoch: "e2", seq: 1 }, null)).toBe("new");
});
