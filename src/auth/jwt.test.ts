// Access tokens: only our HS256 tokens with the right issuer, unexpired and well-formed, pass.
import { describe, expect, test } from "bun:test";
import { base64url, generateKeyPair, type JWTPayload, SignJWT, UnsecuredJWT } from "jose";
import { Unauthorized } from "../domain/errors.ts";
import { accessTokens, ISSUER } from "./jwt.ts";

const key = new TextEncoder().encode("k".repeat(40));
const tokens = accessTokens(key, 60);
const now = () => Math.floor(Date.now() / 1000);
const good: JWTPayload = { sub: "admin", role: "admin", fam: "f1", jti: "j", iss: ISSUER };

/** Signs `payload` (iat now, exp in a minute unless given) with any algorithm and key. */
function sign(payload: JWTPayload = good, alg = "HS256", k: Uint8Array | CryptoKey = key) {
  return new SignJWT({ iat: now(), exp: now() + 60, ...payload }).setProtectedHeader({ alg }).sign(k);
}

/** The Unauthorized code a verification fails with, or "ok". */
async function outcome(token: string | Promise<string>): Promise<string> {
  try {
    await tokens.verify(await token);
    return "ok";
  } catch (err) {
    expect(err).toBeInstanceOf(Unauthorized);
    return (err as Unauthorized).code;
  }
}

describe("accessTokens", () => {
  test("round trip keeps sub, role, fam and sets jti, iat, exp", async () => {
    const c = await tokens.verify(await tokens.sign("alice", "trader", "fam1"));
    expect(c).toMatchObject({ sub: "alice", role: "trader", fam: "fam1" });
    expect(c.exp - c.iat).toBe(60);
    expect(c.jti.length).toBeGreaterThan(8);
    expect(await outcome(sign())).toBe("ok");
  });

  test("alg none is refused", async () => {
    const t = new UnsecuredJWT({ ...good, iat: now(), exp: now() + 60 }).encode();
    expect(await outcome(t)).toBe("invalid_token");
  });

  test("HS512 with the same secret is refused", async () => {
    expect(await outcome(sign(good, "HS512"))).toBe("invalid_token");
  });

  test("RS256 is refused", async () => {
    const { privateKey } = await generateKeyPair("RS256");
    expect(await outcome(sign(good, "RS256", privateKey))).toBe("invalid_token");
  });

  test("a bad signature or another key is refused", async () => {
    const [h, p] = (await sign()).split(".");
    expect(await outcome(`${h}.${p}.${base64url.encode(new Uint8Array(32))}`)).toBe("invalid_token");
    expect(await outcome(sign(good, "HS256", new TextEncoder().encode("z".repeat(40))))).toBe("invalid_token");
  });

  test("expired tokens say so", async () => {
    expect(await outcome(sign({ ...good, iat: now() - 120, exp: now() - 60 }))).toBe("token_expired");
  });

  test("wrong issuer, missing claims, unknown role and garbage are refused", async () => {
    expect(await outcome(sign({ ...good, iss: "someone-else" }))).toBe("invalid_token");
    expect(await outcome(sign({ ...good, fam: undefined }))).toBe("invalid_token");
    expect(await outcome(sign({ ...good, role: "god" }))).toBe("invalid_token");
    expect(await outcome("not.a.jwt")).toBe("invalid_token");
    expect(await outcome("x".repeat(5000))).toBe("invalid_token");
  });
});

test("a token verified once still expires on time (the verified-token cache honours exp)", async () => {
  const t = accessTokens(new Uint8Array(32).fill(3), 1);
  const token = await t.sign("ann", "viewer", "fam-x");
  expect((await t.verify(token)).sub).toBe("ann");
  expect((await t.verify(token)).sub).toBe("ann"); // from the cache
  await Bun.sleep(2100);
  await expect(t.verify(token)).rejects.toMatchObject({ code: "token_expired" });
});
