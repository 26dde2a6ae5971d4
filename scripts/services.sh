#!/usr/bin/env bash
# Throw-away PostgreSQL and Redis on loopback, for CI and `make bench`.
#   eval "$(scripts/services.sh start)"   # prints export lines: DATABASE_URL, REDIS_URL, CREDO_SERVICES_DIR
#   scripts/services.sh stop "$CREDO_SERVICES_DIR"
# As root, PostgreSQL runs as the `postgres` user (it refuses to run as root).
# CREDO_PG_OPTIONS (e.g. "-c fsync=on -c shared_buffers=1GB") is appended to the server's options;
# the last value of a setting wins (bench/bench_scale.py starts a durable server this way).
set -euo pipefail

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    if [ -x "$dir/initdb" ]; then echo "$dir"; return; fi
  done
  dirname "$(command -v initdb)"
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

as_db_user() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local dir pg_port redis_port bin
  dir=$(mktemp -d /tmp/credo-services.XXXXXX)
  chmod 755 "$dir"
  bin=$(pg_bin)
  pg_port=$(free_port)
  redis_port=$(free_port)
  mkdir -p "$dir/pg" "$dir/redis"
  if [ "$(id -u)" = "0" ]; then chown postgres "$dir/pg"; fi
  as_db_user "$bin/initdb" -D "$dir/pg/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_db_user "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200 ${CREDO_PG_OPTIONS:-}" \
    start >/dev/null || { cat "$dir/pg/server.log" >&2; exit 1; }
  as_db_user "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres credo
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --daemonize yes --dir "$dir/redis" --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "export DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/credo"
  echo "export REDIS_URL=redis://127.0.0.1:$redis_port/0"
  echo "export CREDO_SERVICES_DIR=$dir"
}

stop() {
  local dir=${1:?services dir}
  local bin
  bin=$(pg_bin)
  [ -d "$dir/pg/data" ] && as_db_user "$bin/pg_ctl" -D "$dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  local pid=""
  [ -f "$dir/redis/redis.pid" ] && pid=$(cat "$dir/redis/redis.pid")
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    # Redis writes its log and removes its pid file as it exits: wait, or rm races with it.
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  rm -rf "$dir" || { sleep 1; rm -rf "$dir"; }
}

case "${1:-}" in
  start) start ;;
  stop) stop "${2:-}" ;;
  *) echo "usage: $0 start | stop DIR" >&2; exit 2 ;;
esac
