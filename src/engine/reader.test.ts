import { expect, test } from "bun:test";
import { compareIds } from "./reader.ts";

test("stream ids compare by time, then by sequence, as numbers", () => {
  expect(compareIds("1700000000000-0", "1700000000000-0")).toBe(0);
  expect(compareIds("1700000000000-9", "1700000000000-10")).toBe(-1);
  expect(compareIds("1700000000001-0", "1700000000000-99")).toBe(1);
  expect(compareIds("0-0", "5-0")).toBe(-1);
  expect(compareIds("999-0", "1000-0")).toBe(-1);
});
