// Access tokens: short-lived HS256 JWTs signed and checked with jose; only HS256 is accepted.
import { errors, jwtVerify, SignJWT } from "jose";
import { z } from "zod";
import { Unauthorized } from "../domain/errors.ts";
import { randomToken } from "./password.ts";
import { ROLES, type Role } from "./types.ts";

export const ISSUER = "tradewire";
const MAX_TOKEN_CHARS = 4096;

export interface AccessClaims {
  sub: string;
  role: Role;
  /** Refresh-token family (session) the token belongs to. */
  fam: string;
  jti: string;
  iat: number;
  exp: number;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  fam: z.string().min(1),
  jti: z.string().min(1),
  iat: z.number(),
  exp: z.number(),
});

export const invalidToken = () => new Unauthorized("invalid access token", { code: "invalid_token" });
export const expiredToken = () => new Unauthorized("access token expired", { code: "token_expired" });

export interface AccessTokens {
  readonly ttlS: number;
  sign(user: string, role: Role, family: string): Promise<string>;
  /** Signature, algorithm, issuer, expiry and claim shape; throws Unauthorized. */
  verify(token: string): Promise<AccessClaims>;
}

/**
 * @example
 * const tokens = accessTokens(key, 900)
 * const claims = await tokens.verify(await tokens.sign("alice", "trader", family))
 */
const VERIFIED_CACHE = 10_000;

export function accessTokens(key: Uint8Array, ttlS: number): AccessTokens {
  // Tokens whose signature was checked, until they expire: a stream client or an engine
  // sends the same token thousands of times, and an HMAC check costs ~55 us here. Only the
  // signature work is skipped; callers still check the family and the user every time.
  const verified = new Map<string, AccessClaims>();
  const remember = (token: string, claims: AccessClaims) => {
    if (verified.size >= VERIFIED_CACHE) verified.delete(verified.keys().next().value!);
    verified.set(token, claims);
  };
  return {
    ttlS,
    sign(user, role, family) {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ role, fam: family })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(user)
        .setIssuer(ISSUER)
        .setJti(randomToken(12))
        .setIssuedAt(now)
        .setExpirationTime(now + ttlS)
        .sign(key);
    },
    async verify(token) {
      if (token.length > MAX_TOKEN_CHARS) throw invalidToken();
      const hit = verified.get(token);
      if (hit) {
        if (hit.exp * 1000 > Date.now()) return hit;
        verified.delete(token);
        throw expiredToken();
      }
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ["HS256"],
          issuer: ISSUER,
          requiredClaims: ["sub", "fam", "jti", "iat", "exp"],
        });
        const parsed = claimsSchema.safeParse(payload);
        if (!parsed.success) throw invalidToken();
        remember(token, parsed.data);
        return parsed.data;
      } catch (err) {
        if (err instanceof errors.JWTExpired) throw expiredToken();
        throw invalidToken();
      }
    },
  };
}
