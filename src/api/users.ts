// HTTP routes of /api/users: admins list, create, change and delete users. Thin: validate,
// authorize, call Accounts, shape the answer (never a password hash).
import { Hono } from "hono";
import type { Accounts } from "../auth/accounts.ts";
import type { requireAuthFactory } from "../auth/middleware.ts";
import { ADMINS } from "../auth/types.ts";
import { CreateUserBody, UpdateUserBody, UserList, UserParams, UserView } from "../auth/schemas.ts";
import { doc } from "../http/openapi.ts";
import { validate } from "../http/validate.ts";

export interface UsersRouteDeps {
  accounts: Accounts;
  requireAuth: ReturnType<typeof requireAuthFactory>;
}

const tags = ["users"];
const roles = [...ADMINS];

/** Routes to mount at /api/users; every one needs the admin role. */
export function usersRoutes(deps: UsersRouteDeps): Hono {
  const { accounts } = deps;
  const app = new Hono();
  app.use("*", deps.requireAuth({ roles: ADMINS }));

  doc({
    method: "get",
    path: "/api/users",
    summary: "List users",
    tags,
    roles,
    responses: { 200: { description: "every user, without password hashes", schema: UserList } },
  });
  app.get("/", async (c) => c.json({ users: await accounts.list() }));

  doc({
    method: "post",
    path: "/api/users",
    summary: "Create a user",
    tags,
    roles,
    body: CreateUserBody,
    responses: { 201: { description: "created", schema: UserView }, 409: { description: "name taken" } },
  });
  app.post("/", validate("json", CreateUserBody), async (c) => {
    return c.json(await accounts.create(c.req.valid("json"), c.var.principal.user), 201);
  });

  doc({
    method: "patch",
    path: "/api/users/:name",
    summary: "Change a user's password and/or role (ends the user's sessions)",
    tags,
    roles,
    params: UserParams,
    body: UpdateUserBody,
    responses: {
      200: { description: "changed", schema: UserView },
      404: { description: "no such user" },
      409: { description: "would demote the last admin" },
    },
  });
  app.patch("/:name", validate("param", UserParams), validate("json", UpdateUserBody), async (c) => {
    const { name } = c.req.valid("param");
    return c.json(await accounts.update(name, c.req.valid("json"), c.var.principal.user));
  });

  doc({
    method: "delete",
    path: "/api/users/:name",
    summary: "Delete a user (ends the user's sessions)",
    tags,
    roles,
    params: UserParams,
    responses: {
      204: { description: "deleted" },
      404: { description: "no such user" },
      409: { description: "would delete the last admin" },
    },
  });
  app.delete("/:name", validate("param", UserParams), async (c) => {
    await accounts.delete(c.req.valid("param").name, c.var.principal.user);
    return c.body(null, 204);
  });

  return app;
}
