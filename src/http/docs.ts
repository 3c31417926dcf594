// The API reference: /openapi.json (generated from the routes' own schemas), /docs (Swagger UI
// from the swagger-ui-dist package's own files, served by us: no CDN, works offline and from the
// compiled binary), and / pointing a person to /docs.
import { createRoute, z } from "@hono/zod-openapi";
import favicon16File from "swagger-ui-dist/favicon-16x16.png" with { type: "file" };
import favicon32File from "swagger-ui-dist/favicon-32x32.png" with { type: "file" };
import cssFile from "swagger-ui-dist/swagger-ui.css" with { type: "file" };
import bundleFile from "swagger-ui-dist/swagger-ui-bundle.js" with { type: "file" };
import { NotFound } from "../domain/errors.ts";
import { errors, json, routes } from "./openapi.ts";

/** The files /docs/{file} serves: swagger-ui-dist's (embedded by `bun build --compile`) and our start script. */
const ASSETS: Record<string, { type: string; file?: string; text?: string }> = {
  "swagger-ui-bundle.js": { type: "text/javascript; charset=utf-8", file: bundleFile },
  "swagger-ui.css": { type: "text/css; charset=utf-8", file: cssFile },
  "favicon-32x32.png": { type: "image/png", file: favicon32File },
  "favicon-16x16.png": { type: "image/png", file: favicon16File },
  // Relative URLs: the page is /docs, so these resolve to /openapi.json on the same origin, which
  // is where "Try it out" sends requests (the document names no server). No validator badge: it
  // would call validator.swagger.io.
  "start.js": {
    type: "text/javascript; charset=utf-8",
    text: `window.ui = SwaggerUIBundle({
  url: "./openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  persistAuthorization: true,
  displayRequestDuration: true,
  validatorUrl: null,
});
`,
  },
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>tradewire API</title>
<link rel="stylesheet" href="./docs/swagger-ui.css">
<link rel="icon" type="image/png" href="./docs/favicon-32x32.png" sizes="32x32">
<link rel="icon" type="image/png" href="./docs/favicon-16x16.png" sizes="16x16">
</head>
<body>
<div id="swagger-ui"></div>
<script src="./docs/swagger-ui-bundle.js"></script>
<script src="./docs/start.js"></script>
</body>
</html>
`;

// Swagger UI sets inline styles and shows inline (data:) images; everything else comes from here.
const DOCS_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; font-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

const tags = ["ops"];
const html = (description: string) => ({ description, content: { "text/html": { schema: z.string() } } });

const openapi = createRoute({
  method: "get",
  path: "/openapi.json",
  summary: "This API as an OpenAPI 3.1 document",
  tags,
  responses: { 200: json(z.record(z.string(), z.unknown()), "the OpenAPI document") },
});
const docs = createRoute({
  method: "get",
  path: "/docs",
  summary: "This API as an interactive reference (Swagger UI)",
  tags,
  responses: { 200: html("HTML page") },
});
const asset = createRoute({
  method: "get",
  path: "/docs/{file}",
  summary: "A file of the reference page (Swagger UI's script, style and icons)",
  tags,
  request: { params: z.object({ file: z.string().max(64).openapi({ example: "swagger-ui.css" }) }) },
  responses: {
    200: {
      description: "the file",
      content: {
        "text/javascript": { schema: z.string() },
        "text/css": { schema: z.string() },
        "image/png": { schema: z.string().openapi({ format: "binary" }) },
      },
    },
    ...errors(400, [404, "no such file"]),
  },
});

/**
 * The reference routes; mount at the root. `document` builds the OpenAPI document of the whole
 * app (called once, on the first request for it).
 * @example app.route("/", docsRoutes(() => openApiDocument(app, info)))
 */
export function docsRoutes(document: () => object) {
  let spec: Record<string, unknown> | undefined;
  return routes()
    .openapi(openapi, (c) => {
      spec ??= document() as Record<string, unknown>;
      return c.json(spec, 200);
    })
    .openapi(docs, (c) => c.html(PAGE, 200, { "Content-Security-Policy": DOCS_CSP, "Cache-Control": "no-cache" }))
    .openapi(asset, (c) => {
      const a = ASSETS[c.req.valid("param").file];
      if (!a) throw new NotFound(`no file ${c.req.valid("param").file}`);
      const headers = { "Content-Type": a.type, "Cache-Control": "public, max-age=3600" };
      return c.body(a.file !== undefined ? Bun.file(a.file).stream() : (a.text ?? ""), 200, headers);
    });
}
