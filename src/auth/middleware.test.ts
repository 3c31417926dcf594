// Which credentials are accepted where, on bare Requests and through the Hono middleware.
import { describe, expect, test } from "bun:test";
import { Hono } from "hono";
import { testConfig } from "../config.ts";
import { DomainError } from "../domain/errors.ts";
import { createLogger } from "../log.ts";
import { accessTokens } from "./jwt.ts";
import { memoryStores } from "./memory.ts";
import { authenticator, requireAuthFactory } from "./middleware.ts";
import { hashPassword, successorTokens } from "./password.ts";
import { Sessions } from "./sessions.ts";

const log = createLogger("silent");
const config = testConfig();
const stores = memoryStores();
const now = Date.now();
await stores.users.create({
  name: "vic",
  role: "viewer",
  hash: await hashPassword("vic-password"),
  createdAt: now,
  updatedAt: now,
});
const key = new TextEncoder().encode("m".repeat(32));
const sessions = new Sessions(config, stores, accessTokens(key, 60), log, successorTokens(key));
const authenticate = authenticator(sessions, ["https://app.example"]);
const { accessToken, family } = await sessions.login("vic", "vic-password", "ip");

const req = (path: string, headers: Record<string, string> = {}, method = "GET") =>
  new Request(`http://api.local${path}`, { method, headers });

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    if (err instanceof DomainError) return `${err.name} ${err.code}`;
    throw err;
  }
}

describe("authenticateRequest", () => {
  test("accepts a bearer token and the access cookie", async () => {
    const bearer = await authenticate(req("/x", { Authorization: `Bearer ${accessToken}` }));
    expect(bearer).toEqual({ user: "vic", role: "viewer", via: "bearer", family });
    const cookie = await authenticate(req("/x", { Cookie: `other=1; tw_access=${accessToken}` }));
    expect(cookie.via).toBe("cookie");
  });

  test("refuses nothing, other schemes, and tokens in the URL", async () => {
    expect(await code(authenticate(req("/x")))).toBe("Unauthorized unauthorized");
    expect(await code(authenticate(req("/x", { Authorization: `Basic ${btoa("vic:vic-password")}` })))).toBe(
      "Unauthorized unauthorized",
    );
    for (const name of ["access_token", "token", "Token", "jwt"]) {
      const r = req(`/x?${name}=${accessToken}`, { Authorization: `Bearer ${accessToken}` });
      expect(await code(authenticate(r, { allowTicket: true }))).toBe("Unauthorized token_in_url");
    }
  });

  test("tickets only where allowed, once; a bearer header wins without using the ticket", async () => {
    const p = await authenticate(req("/x", { Authorization: `Bearer ${accessToken}` }));
    const { ticket } = await sessions.issueTicket(p);
    expect(await code(authenticate(req(`/x?ticket=${ticket}`)))).toBe("Unauthorized ticket_not_allowed");
    await authenticate(req(`/x?ticket=${ticket}`, { Authorization: `Bearer ${accessToken}` }), { allowTicket: true });
    expect((await authenticate(req(`/x?ticket=${ticket}`), { allowTicket: true })).via).toBe("ticket");
    expect(await code(authenticate(req(`/x?ticket=${ticket}`), { allowTicket: true }))).toBe(
      "Unauthorized invalid_ticket",
    );
  });

  test("cookie credentials from a foreign Origin are refused; own and configured origins pass", async () => {
    const cookie = `tw_access=${accessToken}`;
    const foreign = req("/x", { Cookie: cookie, Origin: "https://evil.example" }, "POST");
    expect(await code(authenticate(foreign))).toBe("Forbidden forbidden");
    expect(await code(authenticate(req("/x", { Cookie: cookie, Origin: "http://api.local" }, "POST")))).toBe("ok");
    expect(await code(authenticate(req("/x", { Cookie: cookie, Origin: "https://app.example" })))).toBe("ok");
    const bearer = req("/x", { Authorization: `Bearer ${accessToken}`, Origin: "https://evil.example" });
    expect(await code(authenticate(bearer))).toBe("ok");
  });
});

describe("requireAuth", () => {
  const requireAuth = requireAuthFactory(authenticate);
  const app = new Hono();
  // What the middleware threw, as the answer (statuses are http/'s business, tested there).
  app.onError((err) => Response.json({ error: err.name, code: (err as DomainError).code }, { status: 599 }));
  app.get("/any", requireAuth(), (c) => c.json(c.var.principal));
  app.get("/admin", requireAuth({ roles: ["admin"] }), (c) => c.text("ok"));

  test("is a named middleware", () => {
    expect(requireAuth().name).toBe("requireAuthMiddleware");
  });

  test("sets c.var.principal, throws Unauthorized without credentials and Forbidden for the wrong role", async () => {
    const auth = { Authorization: `Bearer ${accessToken}` };
    const ok = await app.request("/any", { headers: auth });
    expect(await ok.json()).toMatchObject({ user: "vic", role: "viewer" });
    expect(await (await app.request("/any")).json()).toEqual({ error: "Unauthorized", code: "unauthorized" });
    expect(await (await app.request("/admin", { headers: auth })).json()).toEqual({
      error: "Forbidden",
      code: "forbidden",
    });
  });
});
