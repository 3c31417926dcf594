// The JWT signing secret: JWT_SECRET, or one generated on first start and kept in
// ${DATA_DIR}/jwt-secret (mode 0600) so tokens survive a restart.
import { link, mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Config } from "../config.ts";
import type { Logger } from "../log.ts";
import { randomToken } from "./password.ts";

export interface JwtSecret {
  key: Uint8Array;
  source: "env" | "file" | "generated";
}

export class SecretError extends Error {
  override name = "SecretError";
}

const MIN_LENGTH = 32;

/**
 * Returns the HS256 key. The generated file is written under a temporary name and then
 * hard-linked into place, so two instances starting at once agree on one secret and no
 * reader ever sees a half-written file.
 * @example const { key } = await loadJwtSecret(config, log)
 */
export async function loadJwtSecret(config: Pick<Config, "JWT_SECRET" | "DATA_DIR">, log: Logger): Promise<JwtSecret> {
  const enc = new TextEncoder();
  if (config.JWT_SECRET) return { key: enc.encode(config.JWT_SECRET), source: "env" };

  const file = join(config.DATA_DIR, "jwt-secret");
  await mkdir(config.DATA_DIR, { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomToken(6)}.tmp`;
  await writeFile(tmp, `${randomToken(48)}\n`, { mode: 0o600, flag: "wx" });
  let source: JwtSecret["source"] = "generated";
  try {
    await link(tmp, file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    source = "file";
  } finally {
    await unlink(tmp).catch(() => {});
  }

  const secret = (await readFile(file, "utf8")).trim();
  if (secret.length < MIN_LENGTH) {
    throw new SecretError(`${file} holds fewer than ${MIN_LENGTH} characters; delete it to generate a new secret`);
  }
  const mode = (await stat(file)).mode & 0o777;
  if (mode & 0o077) log.warn("jwt secret file is readable by other users", { file, mode: mode.toString(8) });
  if (source === "generated") log.info("generated a new jwt secret", { file });
  return { key: enc.encode(secret), source };
}
