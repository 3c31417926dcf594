// The type of the whole app, for a typed client: `hc<AppType>(baseUrl)` from "hono/client".
// Types only: importing this module runs nothing.
import type { createApp } from "./app.ts";

export type AppType = ReturnType<typeof createApp>;
