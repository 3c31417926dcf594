# syntax=docker/dockerfile:1
# tradewire as one compiled binary (npm run build) on slim Debian, as a non-root user.
#   docker build -t tradewire .
#   docker run -p 8080:8080 -v tradewire-data:/data tradewire

# Build with the bun pinned in package-lock.json (a devDependency), exactly as on a developer machine.
FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm install --no-audit --no-fund
COPY . .
RUN npm run build

FROM debian:bookworm-slim
# curl is only for the HEALTHCHECK; the binary and chDB's library need nothing but glibc.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin tradewire \
 && mkdir -p /data && chown tradewire:tradewire /data
# chDB (the embedded ClickHouse that keeps users, strategies and history under /data) is a 566 MB
# native library, shipped beside the binary rather than inside it: the binary looks in
# ../lib/tradewire/chdb from its own directory (CHDB_LIB_DIR elsewhere). Owned by root, read-only
# for the service.
COPY --from=build --chown=root:root --chmod=0755 /src/dist/lib/chdb /usr/local/lib/tradewire/chdb
COPY --from=build --chown=root:root --chmod=0755 /src/dist/tradewire /usr/local/bin/tradewire
ENV PORT=8080 HOST=0.0.0.0 DATA_DIR=/data
# Runtime settings JavaScriptCore and mimalloc read once, at start: the same as `npm start`
# (package.json). README "Tuning a host for latency" says what each buys and costs.
ENV BUN_JSC_useFTLJIT=false BUN_JSC_useWarmUpMarkedBlocks=false MIMALLOC_PURGE_DELAY=1000 MIMALLOC_PURGE_HOLES_MIN_INTERVAL=500 BUN_JSC_usePollingTraps=true
# A new named volume takes /data's owner from the image; a bind mount must be writable by uid 10001.
VOLUME ["/data"]
WORKDIR /data
EXPOSE 8080
USER tradewire
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS -o /dev/null "http://127.0.0.1:${PORT}/health" || exit 1
ENTRYPOINT ["/usr/local/bin/tradewire"]
