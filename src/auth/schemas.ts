// The zod schemas of every auth and user-management input and answer, shared by routes and docs.
import { z } from "zod";
import { ROLES } from "./types.ts";

/** A body that refuses unknown fields (the 400 answer names each one). */
export function strictBody<S extends z.ZodRawShape>(shape: S) {
  return z.strictObject(shape);
}

export const userName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_.-]+$/, "only letters, digits, '_', '.' and '-'");
export const newPassword = z.string().min(8, "at least 8 characters").max(256, "at most 256 characters");
export const role = z.enum(ROLES);

// A user is called `name` everywhere (login, /api/users, answers). Login also takes `username`,
// its first name for it, so existing clients keep working; one of the two, not both.
// Login takes any stored password (policies change); the cap keeps hashing cheap.
const loginName = z.string().min(1).max(64);
export const LoginBody = strictBody({
  name: loginName.optional(),
  username: loginName
    .optional()
    .meta({ deprecated: true, description: "the same as `name` (accepted for existing clients)" }),
  password: z.string().min(1).max(256),
})
  .superRefine((b, ctx) => {
    if (b.name === undefined && b.username === undefined)
      ctx.addIssue({ code: "custom", path: ["name"], message: "required" });
    if (b.name !== undefined && b.username !== undefined)
      ctx.addIssue({ code: "custom", path: ["username"], message: "give name or username, not both" });
  })
  .transform((b) => ({ name: (b.name ?? b.username)!, password: b.password }));
export const RefreshBody = strictBody({ refreshToken: z.string().min(1).max(512).optional() });

export const CreateUserBody = strictBody({ name: userName, password: newPassword, role });
// Not `username` here: only login ever took it, and one spelling per concept is the rule from now on.
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
