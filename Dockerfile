# Base image: the official Node 24 image by default. Where no image registry can be
# reached, scripts/cluster_test.sh passes a local stand-in built from Debian
# packages (scripts/make_base_images.sh): --build-arg NODE_IMAGE=...
ARG NODE_IMAGE=node:24-bookworm-slim

# Build: every dependency, then the TypeScript server and the playground.
# Needs BuildKit (default since Docker 23; on 20.10 set DOCKER_BUILDKIT=1). Behind a
# TLS-intercepting proxy, pass its CA bundle as a secret; without one nothing changes:
#   docker build --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt .
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY schemas ./schemas
COPY src ./src
COPY web ./web
RUN npm run build

# Load generator (`docker compose --profile load run --rm load`): the build stage and the load scenarios.
FROM build AS load
COPY load ./load
COPY test/support/server_process.ts ./test/support/
USER node

# Runtime: production dependencies and the compiled output only, as a non-root user.
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=secret,id=ca \
    if [ -f /run/secrets/ca ]; then export NODE_EXTRA_CA_CERTS=/run/secrets/ca; fi; \
    npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
USER node
EXPOSE 3000
# GET /healthz through bash's /dev/tcp: no second node process per check (no curl in the image).
HEALTHCHECK --interval=10s --timeout=4s --start-period=15s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${PORT:-3000} && printf 'GET /healthz HTTP/1.0\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]
# Exec form: node is PID 1 and gets SIGTERM directly (close-with-grace drains and exits 0).
# Compose adds `init: true` (tini) for zombie reaping.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/server.js"]
