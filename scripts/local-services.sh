#!/usr/bin/env bash
# Starts (or stops) a private Redis and PostgreSQL for the demo and the tests, from the
# machine's own packages, in a directory of their own and on loopback only.
#
#   scripts/local-services.sh install [--with-browser]   install redis-server/postgresql (and chromium) from apt if missing
#   scripts/local-services.sh start DIR [REDIS_PORT PG_PORT]   prints REDIS_URL=... and DATABASE_URL=...
#   scripts/local-services.sh stop DIR
#   scripts/local-services.sh start-postgres DIR PG_PORT   PostgreSQL alone (again, on the same port and data)
#   scripts/local-services.sh stop-postgres DIR            a normal (fast) shutdown of that PostgreSQL
set -euo pipefail

pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }
  done
  command -v pg_ctl >/dev/null 2>&1 && { dirname "$(command -v pg_ctl)"; return; }
  return 1
}

have_services() { command -v redis-server >/dev/null 2>&1 && pg_bin >/dev/null; }
have_browser() { command -v chromium >/dev/null 2>&1; }

# The tests also drive the web page in Debian's Chromium: `install --with-browser`.
install_services() {
  local packages=(redis-server postgresql)
  [ "${1:-}" = "--with-browser" ] && packages+=(chromium)
  if have_services && { [ "${1:-}" != "--with-browser" ] || have_browser; }; then return 0; fi
  if [ "$(id -u)" -ne 0 ] && ! sudo -n true 2>/dev/null; then
    echo "${packages[*]} are not all installed, and installing them needs root:" >&2
    echo "  sudo apt-get install -y ${packages[*]}" >&2
    echo "or set REDIS_URL and DATABASE_URL to servers you already run." >&2
    exit 1
  fi
  local sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  echo "Installing ${packages[*]} from apt..." >&2
  $sudo apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${packages[@]}" >&2
}

# PostgreSQL refuses to run as root; run it as the packages' `postgres` user then.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

free_port() { node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }

start_services() {
  local dir=$1 redis_port=${2:-$(free_port)} pg_port=${3:-$(free_port)}
  mkdir -p "$dir/redis"
  redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
    --dir "$dir/redis" --daemonize yes --pidfile "$dir/redis/redis.pid" \
    --logfile "$dir/redis/redis.log" >/dev/null
  start_postgres "$dir" "$pg_port"
  for _ in $(seq 1 50); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  echo "REDIS_URL=redis://127.0.0.1:$redis_port"
  echo "DATABASE_URL=postgresql://gateway@127.0.0.1:$pg_port/gateway"
}

# Initialises the cluster on first use only, so a stopped server comes back with its data.
start_postgres() {
  local dir=$1 pg_port=$2 bin
  bin=$(pg_bin)
  mkdir -p "$dir/pg"
  [ "$(id -u)" -eq 0 ] && chown -R postgres "$dir/pg" && chmod 755 "$dir"
  if [ ! -f "$dir/pg/data/PG_VERSION" ]; then
    as_pg_user "$bin/initdb" -D "$dir/pg/data" -U gateway --auth=trust -E UTF8 >"$dir/pg/initdb.log" 2>&1
  fi
  as_pg_user "$bin/pg_ctl" -D "$dir/pg/data" -l "$dir/pg/server.log" -w -t 60 \
    -o "-p $pg_port -k $dir/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null
  as_pg_user "$bin/createdb" -h 127.0.0.1 -p "$pg_port" -U gateway gateway 2>/dev/null || true
}

stop_postgres() {
  local dir=$1 bin
  bin=$(pg_bin)
  [ -f "$dir/pg/data/postmaster.pid" ] && as_pg_user "$bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
}

stop_services() {
  local dir=$1
  [ -f "$dir/redis/redis.pid" ] && kill "$(cat "$dir/redis/redis.pid")" 2>/dev/null || true
  stop_postgres "$dir"
}

case "${1:-}" in
  install) install_services "${2:-}" ;;
  start) [ -n "${2:-}" ] || { echo "usage: $0 start DIR [REDIS_PORT PG_PORT]" >&2; exit 2; }
    start_services "$2" "${3:-}" "${4:-}" ;;
  stop) [ -n "${2:-}" ] || { echo "usage: $0 stop DIR" >&2; exit 2; }
    stop_services "$2" ;;
  start-postgres) [ -n "${2:-}" ] && [ -n "${3:-}" ] || { echo "usage: $0 start-postgres DIR PG_PORT" >&2; exit 2; }
    start_postgres "$2" "$3" ;;
  stop-postgres) [ -n "${2:-}" ] || { echo "usage: $0 stop-postgres DIR" >&2; exit 2; }
    stop_postgres "$2" ;;
  *) echo "usage: $0 install | start DIR [REDIS_PORT PG_PORT] | stop DIR | start-postgres DIR PG_PORT | stop-postgres DIR" >&2; exit 2 ;;
esac
