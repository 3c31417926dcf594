// Every variable the service reads is in docs/configuration.md, so a new one cannot go undocumented.
import { expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { envSchema } from "../src/config.ts";

test("docs/configuration.md names every variable of the configuration schema", () => {
  const doc = readFileSync(join(import.meta.dir, "..", "docs", "configuration.md"), "utf8");
  const keys = Object.keys(envSchema.shape);
  expect(keys.length).toBeGreaterThan(40);
  expect(keys.filter((k) => !doc.includes(`\`${k}\``))).toEqual([]);
});
