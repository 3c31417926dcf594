// Input validation for routes: @hono/zod-validator with our error shape, plus the OpenAPI record.
import { zValidator } from "@hono/zod-validator";
import type { ValidationTargets } from "hono";
import type { z } from "zod";
import { validationError } from "./errors.ts";

/**
 * zValidator whose failures become a 400 `validation_failed` naming the field.
 * @example app.post("/x", validate("json", Body), (c) => c.json(c.req.valid("json")))
 */
export function validate<T extends z.ZodType, Target extends keyof ValidationTargets>(target: Target, schema: T) {
  return zValidator(target, schema, (result) => {
    if (!result.success) throw validationError(result.error as unknown as z.ZodError, target);
  });
}
