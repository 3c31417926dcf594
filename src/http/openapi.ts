// Route documentation kept next to each route and turned into /openapi.json from the zod schemas.
import { z } from "zod";

export type Method = "get" | "post" | "put" | "patch" | "delete";

export interface RouteDoc {
  method: Method;
  /** Hono-style path: `/api/users/:name`. */
  path: string;
  summary: string;
  tags: string[];
  /** Roles allowed; omitted means public. */
  roles?: string[];
  body?: z.ZodType;
  query?: z.ZodType;
  params?: z.ZodType;
  /** Status -> description (and optional schema of the JSON answer). */
  responses: Record<number, { description: string; schema?: z.ZodType; contentType?: string }>;
}

const docs: RouteDoc[] = [];

/** Records a route for /openapi.json; call it beside the route definition. */
export function doc(d: RouteDoc): RouteDoc {
  if (!docs.some((x) => x.method === d.method && x.path === d.path)) docs.push(d);
  return d;
}

export function routeDocs(): readonly RouteDoc[] {
  return docs;
}

const errorSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ field: z.string().optional(), message: z.string() })).optional(),
  }),
});

const json = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;

/** Builds the OpenAPI 3.1 document from every recorded route. */
export function buildOpenApi(info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const d of docs) {
    const oaPath = d.path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
    const parameters: unknown[] = [];
    for (const [where, schema] of [
      ["query", d.query],
      ["path", d.params],
    ] as const) {
      if (!schema) continue;
      const js = json(schema) as { properties?: Record<string, unknown>; required?: string[] };
      for (const [name, s] of Object.entries(js.properties ?? {})) {
        parameters.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, r] of Object.entries(d.responses)) {
      const ct = r.contentType ?? "application/json";
      responses[status] = { description: r.description, ...(r.schema ? { content: { [ct]: { schema: json(r.schema) } } } : {}) };
    }
    responses.default = { description: "error", content: { "application/json": { schema: json(errorSchema) } } };
    (paths[oaPath] ??= {})[d.method] = {
      summary: d.summary,
      tags: d.tags,
      ...(d.roles ? { security: [{ bearer: [] }, { cookie: [] }], description: `Roles: ${d.roles.join(", ")}` } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(d.body ? { requestBody: { required: true, content: { "application/json": { schema: json(d.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: "3.1.0",
    info,
    paths,
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" },
        cookie: { type: "apiKey", in: "cookie", name: "tw_access" },
      },
    },
  };
}
