// Password hashing (argon2id via Bun.password) and the random secrets auth hands out.
import { createHmac } from "node:crypto";

/**
 * Hashes a password as an argon2id PHC string.
 * @example const hash = await hashPassword("correct horse battery")
 */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(password, ARGON2);
}

/**
 * OWASP's argon2id setting (19 MiB, 2 passes). Bun's default takes 64 MiB per hash: ten
 * logins at once would ask for 640 MiB, and a server's RSS stayed ~60 MB higher after one.
 * Hashes made with other settings still verify (the PHC string carries them).
 */
const ARGON2 = { algorithm: "argon2id", memoryCost: 19_456, timeCost: 2 } as const;

let dummy: Promise<string> | undefined;
/** A hash of a random password, so a login for an unknown user costs as much as a real one. */
function dummyHash(): Promise<string> {
  return (dummy ??= hashPassword(randomToken(16)));
}

/** Computes the dummy hash ahead of time, so even the first unknown-user login is not faster. */
export async function prepareDummyHash(): Promise<void> {
  await dummyHash();
}

/**
 * Checks a password against a stored hash. With no hash (unknown user) it still runs one
 * argon2id verification and answers false, so response time does not tell who exists.
 * A malformed stored hash counts as a mismatch instead of throwing.
 */
export async function verifyPassword(password: string, hash: string | undefined): Promise<boolean> {
  const target = hash ?? (await dummyHash());
  let ok = false;
  try {
    ok = await Bun.password.verify(password, target);
  } catch {
    ok = false;
  }
  return ok && hash !== undefined;
}

/** `bytes` random bytes as base64url (no padding): 32 bytes give 43 characters. */
export function randomToken(bytes = 32): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("base64url");
}

/** SHA-256 hex of a token: what stores keep, so a leaked store holds no usable token. */
export function tokenHash(token: string): string {
  return new Bun.CryptoHasher("sha256").update(token).digest("hex");
}

/**
 * The successor of a refresh token, derived from the SHA-256 of the token it replaces with an
 * HMAC under a key of the server's: a rotation presented again (two tabs, a retried request)
 * gets the very same successor, and no store ever holds a token in clear. Without the key the
 * successor cannot be computed from the old token.
 * @example const next = successorTokens(jwtKey)(tokenHash(oldRefreshToken))
 */
export function successorTokens(serverKey: Uint8Array): (parentHash: string) => string {
  // A key of its own for this use, so these values never coincide with any other HMAC of serverKey.
  const key = createHmac("sha256", serverKey).update("tradewire refresh-token successor v1").digest();
  return (parentHash) => createHmac("sha256", key).update(parentHash).digest("base64url");
}
