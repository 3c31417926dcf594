// The zod schemas of every auth and user-management input and answer, shared by routes and docs.
import { z } from "zod";
import { ROLES } from "./types.ts";

/**
 * An object schema that names each unknown key as its own field ("foo: unknown field"),
 * where `.strict()` would report them all at the root with no field.
 */
export function strictBody<S extends z.ZodRawShape>(shape: S) {
  const known = new Set(Object.keys(shape));
  return z.preprocess((value, ctx) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (!known.has(key)) ctx.addIssue({ code: "custom", path: [key], message: "unknown field", input: value });
      }
    }
    return value;
  }, z.strictObject(shape));
}

export const userName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "only letters, digits, '_', '.' and '-'");
export const newPassword = z.string().min(8, "at least 8 characters").max(256, "at most 256 characters");
export const role = z.enum(ROLES);

// Login takes any stored password (policies change); the cap keeps hashing cheap.
export const LoginBody = strictBody({
  username: z.string().min(1).max(64),
  password: z.string().min(1).max(256),
});
export const RefreshBody = strictBody({ refreshToken: z.string().min(1).max(512).optional() });

export const CreateUserBody = strictBody({ name: userName, password: newPassword, role });
export const UpdateUserBody = strictBody({ password: newPassword.optional(), role: role.optional() }).refine(
  (b) => b.password !== undefined || b.role !== undefined,
  "give password and/or role",
);
export const UserParams = z.object({ name: userName });

export const PublicUser = z.object({ name: z.string(), role });
export const UserView = PublicUser.extend({ createdAt: z.string(), updatedAt: z.string() });
export const UserList = z.object({ users: z.array(UserView) });
export const LoginLockView = z.object({
  name: z.string(),
  failures: z.number().int(),
  limit: z.number().int(),
  locked: z.boolean(),
  retryAfterS: z.number().int(),
});

export const TokenPair = z.object({
  accessToken: z.string(),
  tokenType: z.literal("Bearer"),
  expiresIn: z.number().int(),
  refreshToken: z.string(),
  user: PublicUser,
});
export const StreamTicket = z.object({ ticket: z.string(), expiresIn: z.number().int() });
