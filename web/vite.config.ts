// Vite builds the dashboard (web/app) into web/dist: hashed asset names, no CDN, no sourcemaps.
// TSX compiles to Vue's h() (vue/jsx-runtime), so templates are type-checked by tsc.
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";

const api = { target: process.env.TRADEWIRE_URL ?? "http://127.0.0.1:8080", ws: true };

export default defineConfig({
  root: fileURLToPath(new URL(".", import.meta.url)),
  base: "/",
  logLevel: "warn",
  oxc: { jsx: { runtime: "automatic", importSource: "vue" } },
  define: {
    __VUE_OPTIONS_API__: "false",
    __VUE_PROD_DEVTOOLS__: "false",
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: "false",
  },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsDir: "assets",
    target: "es2022",
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: { proxy: { "/api": api, "/ready": api, "/metrics": api, "/health": api } },
});
