import { expect, test } from "bun:test";
import { boundsOf, byField, changed, fieldsOf, initialValues, toParams } from "./schema-form.ts";

// What GET /api/strategies/kinds gives for twap (zod's JSON Schema of its params, input side).
const twap = {
  type: "object",
  properties: {
    side: { type: "string", enum: ["buy", "sell"], description: "buy or sell the quantity" },
    quantity: { type: "number", exclusiveMinimum: 0, description: "total size" },
    durationSec: { default: 300, type: "integer", minimum: 1, maximum: 604800 },
    maxSlippagePct: { default: 0.1, type: "number", minimum: 0, maximum: 10 },
    post: { type: "boolean", default: true },
    label: { type: "string", minLength: 1, maxLength: 20 },
    nested: { type: "object" },
  },
  required: ["side", "quantity"],
  additionalProperties: false,
};

test("fields from a JSON Schema: types, bounds, defaults, descriptions; unknown shapes left out", () => {
  const f = fieldsOf(twap);
  expect(f.map((x) => [x.name, x.kind, x.required])).toEqual([
    ["side", "enum", true],
    ["quantity", "number", true],
    ["durationSec", "integer", false],
    ["maxSlippagePct", "number", false],
    ["post", "boolean", false],
    ["label", "string", false],
  ]);
  expect(f[0]!.options).toEqual(["buy", "sell"]);
  expect(f.map(boundsOf)).toEqual(["", "> 0", "1 – 604800", "0 – 10", "", "1 – 20 characters"]);
  expect(fieldsOf(null)).toEqual([]);
});

test("values start from params or defaults and go back as params; unreadable numbers are named", () => {
  const f = fieldsOf(twap);
  const v = initialValues(f);
  expect(v).toEqual({ side: "buy", quantity: "", durationSec: "300", maxSlippagePct: "0.1", post: true, label: "" });
  expect(toParams(f, v).errors).toEqual({ quantity: "required" });
  const filled = { ...v, quantity: "0.5", durationSec: "1.5" };
  expect(toParams(f, filled).errors).toEqual({ durationSec: "a whole number" });
  expect(toParams(f, { ...filled, durationSec: "60", quantity: "x" }).errors).toEqual({ quantity: "a number" });
  expect(toParams(f, { ...filled, durationSec: "60" })).toEqual({
    params: { side: "buy", quantity: 0.5, durationSec: 60, maxSlippagePct: 0.1, post: true },
    errors: {},
  });
  // A change sends only what changed; a cleared optional field goes back to its default (null).
  const before = initialValues(f, { side: "sell", quantity: 2, maxSlippagePct: 0.5 });
  const after = { ...before, maxSlippagePct: "", quantity: "3" };
  const only = changed(f, after, before);
  expect([...only]).toEqual(["quantity", "maxSlippagePct"]);
  expect(toParams(f, after, only).params).toEqual({ quantity: 3, maxSlippagePct: null });
});

test("error details land on their field", () => {
  expect(
    byField([
      { field: "params.levels", message: "Too big" },
      { field: "params.levels", message: "second" },
      { field: "name", message: "1-64 characters" },
      { field: "json.limits.maxPosition", message: "positive" },
      { message: "no field" },
    ]),
  ).toEqual({ levels: "Too big", name: "1-64 characters", "limits.maxPosition": "positive" });
});
