// HTTP routes of /api/users: admins list, create, change and delete users. Thin: validate,
// authorize, call Accounts, shape the answer (never a password hash).
import { createRoute } from "@hono/zod-openapi";
import type { Accounts } from "../auth/accounts.ts";
import { CreateUserBody, LoginLockView, UpdateUserBody, UserList, UserParams, UserView } from "../auth/schemas.ts";
import { ADMINS } from "../auth/types.ts";
import { access, BODY, errors, GUARDED, type Guard, json, jsonBody, reads, routes } from "../http/openapi.ts";

export interface UsersRouteDeps {
  accounts: Accounts;
  requireAuth: Guard;
}

const tags = ["users"];

/** Routes to mount at /api/users; every one needs the admin role. */
export function usersRoutes(deps: UsersRouteDeps) {
  const { accounts } = deps;
  const admin = access(deps.requireAuth, ADMINS);

  const list = createRoute({
    method: "get",
    path: "/",
    summary: "List users",
    tags,
    ...reads(deps.requireAuth, "users"),
    responses: { 200: json(UserList, "every user, without password hashes"), ...errors(...GUARDED) },
  });
  const create = createRoute({
    method: "post",
    path: "/",
    summary: "Create a user",
    tags,
    ...admin,
    request: { body: jsonBody(CreateUserBody) },
    responses: { 201: json(UserView, "created"), ...errors(...BODY, ...GUARDED, [409, "the name is taken"]) },
  });
  const update = createRoute({
    method: "patch",
    path: "/{name}",
    summary: "Change a user's password and/or role (ends the user's sessions)",
    tags,
    ...admin,
    request: { params: UserParams, body: jsonBody(UpdateUserBody) },
    responses: {
      200: json(UserView, "changed"),
      ...errors(...BODY, ...GUARDED, [404, "no such user"], [409, "would demote the last admin"]),
    },
  });
  const remove = createRoute({
    method: "delete",
    path: "/{name}",
    summary: "Delete a user (ends the user's sessions)",
    tags,
    ...admin,
    request: { params: UserParams },
    responses: {
      204: { description: "deleted" },
      ...errors(400, ...GUARDED, [404, "no such user"], [409, "would delete the last admin"]),
    },
  });

  const lockView = createRoute({
    method: "get",
    path: "/{name}/login-lock",
    summary:
      "The user's failed-login count across addresses; while locked, addresses the user never signed in from get 429 login_locked",
    tags,
    ...reads(deps.requireAuth, "users"),
    request: { params: UserParams },
    responses: { 200: json(LoginLockView, "the lock"), ...errors(400, ...GUARDED, [404, "no such user"]) },
  });
  const lockClear = createRoute({
    method: "delete",
    path: "/{name}/login-lock",
    summary: "Clear the user's login lock",
    tags,
    ...admin,
    request: { params: UserParams },
    responses: { 204: { description: "cleared" }, ...errors(400, ...GUARDED, [404, "no such user"]) },
  });

  return routes()
    .openapi(list, async (c) => c.json({ users: await accounts.list() }, 200))
    .openapi(create, async (c) => c.json(await accounts.create(c.req.valid("json"), c.var.principal.user), 201))
    .openapi(update, async (c) => {
      const { name } = c.req.valid("param");
      return c.json(await accounts.update(name, c.req.valid("json"), c.var.principal.user), 200);
    })
    .openapi(remove, async (c) => {
      await accounts.delete(c.req.valid("param").name, c.var.principal.user);
      return c.body(null, 204);
    })
    .openapi(lockView, async (c) => c.json(await accounts.loginLock(c.req.valid("param").name), 200))
    .openapi(lockClear, async (c) => {
      await accounts.clearLoginLock(c.req.valid("param").name, c.var.principal.user);
      return c.body(null, 204);
    });
}
