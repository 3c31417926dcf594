// Session cookie attributes: httpOnly, SameSite=Strict, paths, Secure only over https.
import { expect, test } from "bun:test";
import { Hono } from "hono";
import { clearSessionCookies, setSessionCookies } from "./cookies.ts";

const app = new Hono();
app.get("/set", (c) => {
  setSessionCookies(c, { accessToken: "A", refreshToken: "R" }, { accessS: 60, refreshS: 600 });
  return c.text("ok");
});
app.get("/clear", (c) => {
  clearSessionCookies(c);
  return c.text("ok");
});

const cookies = async (url: string, headers: Record<string, string> = {}) =>
  (await app.request(url, { headers })).headers.getSetCookie();

test("access cookie for the whole site, refresh cookie only for /api/auth", async () => {
  const [access, refresh] = await cookies("http://h/set");
  expect(access).toBe("tw_access=A; Max-Age=60; Path=/; HttpOnly; SameSite=Strict");
  expect(refresh).toBe("tw_refresh=R; Max-Age=600; Path=/api/auth; HttpOnly; SameSite=Strict");
});

test("Secure over https, directly or as told by the proxy", async () => {
  for (const c of await cookies("https://h/set")) expect(c).toContain("; Secure");
  for (const c of await cookies("http://h/set", { "X-Forwarded-Proto": "https" })) expect(c).toContain("; Secure");
});

test("clearing expires both cookies on their paths", async () => {
  const [access, refresh] = await cookies("http://h/clear");
  expect(access).toMatch(/^tw_access=; Max-Age=0; .*Path=\//);
  expect(refresh).toMatch(/^tw_refresh=; Max-Age=0; .*Path=\/api\/auth/);
});
