// Files of swagger-ui-dist imported `with { type: "file" }`: Bun gives their path, which a
// compiled binary (`bun build --compile`) embeds and Bun.file reads.
declare module "swagger-ui-dist/*" {
  const path: string;
  export default path;
}
