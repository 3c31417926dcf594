import { expect, test } from "bun:test";
import { decimalsOf, fmtStep, onStep } from "./steps.ts";

test("decimals of a step", () => {
  expect([0.1, 0.00001, 1e-8, 5, 0.5, 0.25].map(decimalsOf)).toEqual([1, 5, 8, 0, 1, 2]);
});

test("rounding onto a step, float error absorbed", () => {
  expect(onStep(0.3, 0.1, "down")).toBeCloseTo(0.3, 12);
  expect(onStep(0.3, 0.1, "up")).toBeCloseTo(0.3, 12);
  expect(onStep(43012.37, 0.1, "down")).toBeCloseTo(43012.3, 9);
  expect(onStep(43012.31, 0.1, "up")).toBeCloseTo(43012.4, 9);
  expect(onStep(0.00123456, 0.0001, "nearest")).toBeCloseTo(0.0012, 12);
  expect(onStep(7, 0, "down")).toBe(7);
});

test("formatted with the step's decimals", () => {
  expect(fmtStep(43012.300000001, 0.1)).toBe("43012.3");
  expect(fmtStep(0.0012000001, 0.0001)).toBe("0.0012");
  expect(fmtStep(3, 1)).toBe("3");
});
