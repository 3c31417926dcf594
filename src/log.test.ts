import { expect, test } from "bun:test";
import { createLogger, redact } from "./log.ts";

test("secret-looking keys are redacted at any depth; ordinary keys are kept", () => {
  const out = redact({
    signal: "SIGTERM",
    password: "p",
    nested: { secretKey: "s", passphrase: "x", apiKey: "k", sign: "abc", user: "bob" },
    list: [{ refreshToken: "t" }],
  }) as any;
  expect(out.signal).toBe("SIGTERM");
  expect(out.password).toBe("[redacted]");
  expect(out.nested).toEqual({
    secretKey: "[redacted]",
    passphrase: "[redacted]",
    apiKey: "[redacted]",
    sign: "[redacted]",
    user: "bob",
  });
  expect(out.list[0].refreshToken).toBe("[redacted]");
});

test("levels filter lines; each line is JSON with the base fields", () => {
  const lines: string[] = [];
  const log = createLogger("warn", { app: "tw" }, (l) => lines.push(l)).child({ part: "x" });
  log.info("hidden");
  log.warn("shown", { token: "t", n: 1 });
  expect(lines.length).toBe(1);
  expect(JSON.parse(lines[0]!)).toMatchObject({
    level: "warn",
    msg: "shown",
    app: "tw",
    part: "x",
    token: "[redacted]",
    n: 1,
  });
});
