#!/usr/bin/env bash
# Starts the services the tests talk to, where none is running: Redis (the cluster tests) and
# PostgreSQL (the school's records in a cluster), and makes sure PostgreSQL has a database `test`
# that postgres@127.0.0.1 uses without a password (the school tests' COSMO_TEST_POSTGRES_URL
# default). Idempotent: prints one line per service and changes nothing that is already right.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
# The postgres system user reaches the server over its Unix socket (peer auth, whatever TCP wants).
as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -c "$1"; else sudo -u postgres sh -c "$1"; fi; }

wait_for() {
  local what=$1 check=$2
  for _ in $(seq 1 60); do
    if eval "$check" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  echo "$what did not start in 30 s" >&2
  return 1
}

# ---- Redis -------------------------------------------------------------------------------------
if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
  echo "redis: already running on 127.0.0.1:6379"
else
  as_root mkdir -p /var/lib/redis /var/log/redis
  as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for redis 'redis-cli -h 127.0.0.1 -p 6379 ping'
  echo "redis: started on 127.0.0.1:6379 (log: /var/log/redis/ci.log)"
fi

# ---- PostgreSQL --------------------------------------------------------------------------------
if pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_state="already running"
else
  if [ ! -d /etc/postgresql ] || [ -z "$(ls /etc/postgresql)" ]; then
    echo "postgresql: not installed (scripts/setup.sh installs it)" >&2
    exit 1
  fi
  pg_version=$(ls /etc/postgresql | sort -V | tail -n 1)
  as_root pg_ctlcluster --skip-systemctl-redirect "$pg_version" main start
  wait_for postgresql 'pg_isready -q -h 127.0.0.1 -p 5432'
  pg_state="started"
fi

if [ "$(as_postgres "psql -Atqc \"SELECT 1 FROM pg_database WHERE datname = 'test'\"")" != 1 ]; then
  as_postgres "createdb test"
  pg_state="$pg_state, database test created"
fi

tcp_ok() { psql -w -h 127.0.0.1 -p 5432 -U postgres -d test -Atqc 'SELECT 1' >/dev/null 2>&1; }
if ! tcp_ok; then
  # A fresh Debian cluster asks TCP clients for a password (scram-sha-256). The tests connect
  # without one, so only then is user postgres trusted from 127.0.0.1, to database test only,
  # ahead of the other rules (the first matching line wins).
  hba=$(as_postgres "psql -Atqc 'SHOW hba_file'")
  marker='# scripts/services.sh: the tests connect without a password'
  if ! as_root grep -qF "$marker" "$hba"; then
    as_root sed -i "1i host test postgres 127.0.0.1/32 trust $marker" "$hba"
  fi
  as_postgres "psql -Atqc 'SELECT pg_reload_conf()'" >/dev/null
  wait_for 'postgresql (trust for 127.0.0.1)' tcp_ok
  pg_state="$pg_state, trusting postgres@127.0.0.1 to database test (in $hba)"
fi
echo "postgresql: $pg_state; postgresql://postgres@127.0.0.1:5432/test ready"
