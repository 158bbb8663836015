#!/usr/bin/env bash
# What the test suite talks to, made ready before `pnpm test` runs it: a Redis on 127.0.0.1:6379
# (keeps nothing on disk), Debian's chromium (the HTML report is rendered in it) and docker-compose
# (docker-compose.yml is validated with `docker-compose config`; no Docker engine is needed).
# Installs with apt-get when it runs as root; otherwise says what is missing and fails.
set -euo pipefail

redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

if ! redis_up; then
  if command -v redis-server >/dev/null 2>&1; then
    echo "test-prerequisites: starting redis-server on 127.0.0.1:6379"
    redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 1 50); do redis_up && break; sleep 0.1; done
  fi
  redis_up || { echo "test-prerequisites: no Redis on 127.0.0.1:6379 and no redis-server to start (apt-get install -y redis-server)" >&2; exit 1; }
fi

missing=()
command -v chromium >/dev/null 2>&1 || [ -x "${CHROMIUM_PATH:-/usr/bin/chromium}" ] || missing+=(chromium)
command -v docker-compose >/dev/null 2>&1 || missing+=(docker-compose)
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-prerequisites: installing ${missing[*]} from Debian's packages"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq && apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "test-prerequisites: missing ${missing[*]}; install them (apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi
