#!/usr/bin/env bash
# npm run cluster:test — runs scripts/cluster_test.ts against a Docker engine.
# Uses the engine that answers; when none does and this is a Debian machine where
# we are root, installs docker.io (and docker-compose, debootstrap) if missing and
# starts dockerd for the run (log: artifacts/dockerd.log), stopping it afterwards.
# Exit: 0 passed, 1 failed, 2 no Docker engine could be had (nothing was run).
# Arguments are passed on (e.g. --duration 3, --base official).
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p artifacts

say() { echo "[cluster-test] $*"; }

# A CLI that can build with BuildKit: docker 23+ needs the buildx plugin for that,
# docker 20.10 (Debian's docker.io, /usr/bin/docker) has it built in.
pick_docker() {
  if [ -n "${DOCKER:-}" ]; then return; fi
  if docker buildx version >/dev/null 2>&1; then DOCKER=docker
  elif [ -x /usr/bin/docker ]; then DOCKER=/usr/bin/docker
  else DOCKER=docker; fi
}

started_dockerd=""
stop_engine() {
  [ -n "$started_dockerd" ] || return 0
  say "stopping the dockerd this script started (pid $started_dockerd)"
  kill "$started_dockerd" 2>/dev/null
  for _ in $(seq 1 60); do kill -0 "$started_dockerd" 2>/dev/null || return 0; sleep 0.5; done
  kill -9 "$started_dockerd" 2>/dev/null
}
trap stop_engine EXIT

pick_docker
if ! "$DOCKER" info >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    say "no Docker engine answers, and this is not a Debian machine where I am root: not run"; exit 2
  fi
  if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null || ! command -v debootstrap >/dev/null; then
    say "installing docker.io docker-compose debootstrap (artifacts/apt-docker.log)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io docker-compose debootstrap; } >artifacts/apt-docker.log 2>&1 \
      || { say "could not install Docker: not run"; exit 2; }
  fi
  DOCKER=""; pick_docker
  say "starting dockerd (artifacts/dockerd.log)"
  dockerd >artifacts/dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do "$DOCKER" info >/dev/null 2>&1 && break; sleep 0.5; done
  if ! "$DOCKER" info >/dev/null 2>&1; then
    say "dockerd did not start (tail of artifacts/dockerd.log below): not run"; tail -n 5 artifacts/dockerd.log; exit 2
  fi
fi
export DOCKER
say "engine $("$DOCKER" version --format '{{.Server.Version}}'), CLI $DOCKER"
# In the background so a SIGTERM (CI's timeout) reaches the test, which then cleans up.
node --import tsx scripts/cluster_test.ts "$@" &
test_pid=$!
trap 'kill -TERM "$test_pid" 2>/dev/null' TERM INT
wait "$test_pid"; status=$?
if [ "$status" -gt 128 ]; then wait "$test_pid"; status=$?; fi
exit "$status"
