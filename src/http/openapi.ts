// Routes that document themselves: route groups are OpenAPIHono apps whose createRoute definitions
// (request and response schemas) both validate and make /openapi.json; this module holds what
// they share: the validation hook, the error schema, access (guard + security + roles), helpers.
import { OpenAPIHono, type OpenAPIHonoOptions, z } from "@hono/zod-openapi";
import type { Context, Env, MiddlewareHandler, TypedResponse } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { JSONParsed } from "hono/utils/types";
import { READERS, type Resource, type Role } from "../auth/types.ts";
import { validationError } from "./errors.ts";

/** The auth middleware factory routes are guarded with (auth's requireAuth). */
export type Guard = (opts?: { roles?: readonly Role[]; allowTicket?: boolean }) => MiddlewareHandler;

/** A failed request check becomes 400 `validation_failed` naming each field (`query.limit`, `px`). */
const validationHook: NonNullable<OpenAPIHonoOptions<Env>["defaultHook"]> = (result) => {
  if (!result.success) throw validationError(result.error, result.target);
};

/**
 * A route group (mount it with `.route()`); its inputs are checked by the route's own schemas.
 * @example export const pingRoutes = () => routes().openapi(pingRoute, (c) => c.json({ pong: true }, 200))
 */
export function routes(): OpenAPIHono {
  return new OpenAPIHono({ defaultHook: validationHook });
}

/** The one error body of every 4xx/5xx. */
export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: "validation_failed", description: "stable machine-readable name" }),
      message: z.string().openapi({ example: "px: required for limit orders" }),
      details: z
        .array(z.object({ field: z.string().optional().openapi({ example: "px" }), message: z.string() }))
        .optional()
        .openapi({ description: "the fields involved; `field` is dotted (`query.limit`, `header.idempotency-key`)" }),
    }),
  })
  .openapi("Error");

const ERROR_TEXT = {
  400: "invalid input (`validation_failed`; `details` name each field), or a body that is not JSON (`bad_request`)",
  401: "no valid credential (`unauthorized`, `invalid_token`, `token_expired`, `session_revoked`, ...)",
  403: "the caller's role may not do this, or a cookie credential came from another origin (`forbidden`)",
  404: "no such thing (`not_found`)",
  409: "conflicts with the current state (`conflict`)",
  413: "body larger than MAX_BODY_BYTES (`payload_too_large`)",
  415: "the body is not `application/json` (`unsupported_media_type`)",
  422: "refused (`risk_rejected`, `exchange_rejected`, `insufficient_balance`)",
  426: "not a WebSocket upgrade (`upgrade_required`)",
  429: "too many requests (`rate_limited`); Retry-After says when to try again",
  502: "the exchange refused the request as a whole (`exchange_error`)",
  503: "a dependency is unreachable (`redis_unavailable`, Retry-After 1); retry shortly",
} as const;

type ErrorStatus = keyof typeof ERROR_TEXT;
type ErrorItem = ErrorStatus | readonly [ErrorStatus, string];
type StatusOf<I> = I extends readonly [infer S, string] ? S : I;
type ErrorResponse = { description: string; content: { "application/json": { schema: typeof ErrorSchema } } };

/**
 * Error responses of an operation, each with the shared error schema; `[status, text]` says
 * what that status means for this operation.
 * @example responses: { 200: json(User, "the user"), ...errors(400, 401, [404, "no such user"]) }
 */
export function errors<const I extends readonly ErrorItem[]>(
  ...items: I
): { [K in StatusOf<I[number]> & ErrorStatus]: ErrorResponse } {
  const out: Record<number, ErrorResponse> = {};
  for (const item of items) {
    const [status, text] = typeof item === "number" ? [item, ERROR_TEXT[item]] : item;
    out[status] = { description: text, content: { "application/json": { schema: ErrorSchema } } };
  }
  return out as { [K in StatusOf<I[number]> & ErrorStatus]: ErrorResponse };
}

/** Errors of every guarded operation: no credential, wrong role, session store unreachable. */
export const GUARDED = [401, 403, 503] as const;
/** Errors of every operation with a JSON body besides its own validation. */
export const BODY = [400, 413, 415] as const;

/** A JSON answer. */
export const json = <S extends z.ZodType>(schema: S, description: string) => ({
  description,
  content: { "application/json": { schema } },
});

/**
 * A JSON answer already encoded (events are encoded once, on the bus), typed as the schema says
 * so the typed client sees it like any `c.json` answer.
 */
export function encodedJson<T, S extends ContentfulStatusCode>(
  c: Context,
  text: string,
  status: S,
  headers: Record<string, string> = {},
) {
  return c.body(text, status, { ...headers, "Content-Type": "application/json" }) as unknown as Response &
    TypedResponse<JSONParsed<T>, S, "json">;
}

/** A required JSON request body. */
export const jsonBody = <S extends z.ZodType>(schema: S) => ({
  required: true,
  content: { "application/json": { schema } },
});

type SecurityRequirement = Record<string, string[]>;
const SECURITY: SecurityRequirement[] = [{ bearer: [] }, { cookie: [] }];

/**
 * Who may call an operation: the guard as the route's middleware, and the same roles in the
 * document (bearer JWT or the tw_access cookie; `x-roles`, and a line of the description).
 * @example createRoute({ method: "get", path: "/", ...access(guard, ["admin"]), responses })
 */
export function access(
  guard: Guard,
  roles: readonly Role[],
  opts: { allowTicket?: boolean; description?: string } = {},
) {
  const how = opts.allowTicket ? " Also `?ticket=` from POST /api/auth/stream-ticket." : "";
  return {
    middleware: guard({ roles, ...(opts.allowTicket ? { allowTicket: true } : {}) }),
    security: opts.allowTicket ? [...SECURITY, { ticket: [] }] : SECURITY,
    description: `${opts.description ? `${opts.description}\n\n` : ""}Roles: ${roles.join(", ")}.${how}`,
    "x-roles": [...roles],
  };
}

/**
 * A read of a resource: `access` with the roles auth's READERS table gives it (the same rule its
 * stream channels follow), and the resource named in the document (`x-resource`).
 * @example createRoute({ method: "get", path: "/", ...reads(guard, "orders"), responses })
 */
export function reads(guard: Guard, resource: Resource, opts: { allowTicket?: boolean; description?: string } = {}) {
  return { ...access(guard, READERS[resource], opts), "x-resource": resource };
}

/**
 * The OpenAPI 3.1 document of an app (every route mounted into it), with the security schemes.
 * @example const doc = openApiDocument(app, { title: "tradewire", version: "0.1.0" })
 */
export function openApiDocument(app: OpenAPIHono, info: { title: string; version: string; description?: string }) {
  const registry = app.openAPIRegistry;
  const known = registry.definitions.some((d) => d.type === "component" && d.componentType === "securitySchemes");
  if (!known) registerSecuritySchemes(app);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info });
}

function registerSecuritySchemes(app: OpenAPIHono): void {
  const registry = app.openAPIRegistry;
  registry.registerComponent("securitySchemes", "bearer", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "accessToken from POST /api/auth/login",
  });
  registry.registerComponent("securitySchemes", "cookie", {
    type: "apiKey",
    in: "cookie",
    name: "tw_access",
    description: "set by POST /api/auth/login (httpOnly): a browser on this origin sends it by itself",
  });
  registry.registerComponent("securitySchemes", "ticket", {
    type: "apiKey",
    in: "query",
    name: "ticket",
    description: "single-use stream ticket from POST /api/auth/stream-ticket (stream endpoints only)",
  });
}
