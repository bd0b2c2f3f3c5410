#!/usr/bin/env bash
# Starts the machine's PostgreSQL cluster for the tests (idempotent), makes sure the `gantry` role exists,
# and prints the connection string on stdout, ready for:
#   export GANTRY_TEST_POSTGRES="$(scripts/start-postgres.sh)"
# Run as root on Debian 12 with postgresql-15 installed. Everything but the connection string goes to stderr.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PG_CLUSTER="${PG_CLUSTER:-main}"
PG_PORT="${PG_PORT:-5432}"

log() { echo "start-postgres: $*" >&2; }

status="$(pg_lsclusters --no-header | awk -v v="$PG_VERSION" -v c="$PG_CLUSTER" '$1 == v && $2 == c { print $4 }')"
if [[ -z "$status" ]]; then
  log "no PostgreSQL cluster $PG_VERSION/$PG_CLUSTER on this machine"
  exit 1
fi
if [[ "$status" != online* ]]; then
  log "starting cluster $PG_VERSION/$PG_CLUSTER"
  pg_ctlcluster "$PG_VERSION" "$PG_CLUSTER" start >&2
fi

# Wait until the server accepts connections (up to 30 s).
for _ in $(seq 1 60); do
  if pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
    break
  fi
  sleep 0.5
done
if ! pg_isready -q -h 127.0.0.1 -p "$PG_PORT"; then
  log "PostgreSQL on 127.0.0.1:$PG_PORT does not accept connections"
  exit 1
fi

runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -q >&2 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gantry') THEN
    CREATE ROLE gantry LOGIN CREATEDB PASSWORD 'gantry';
  ELSE
    ALTER ROLE gantry LOGIN CREATEDB PASSWORD 'gantry';
  END IF;
  -- A role that may log in but not create databases: what 'gantry serve' says when its database is missing.
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'gantry_nocreatedb') THEN
    CREATE ROLE gantry_nocreatedb LOGIN NOCREATEDB PASSWORD 'gantry';
  END IF;
END
$$;
-- Tests drop their databases WITH (FORCE). On PostgreSQL 15 that also has to end an autovacuum worker that happens
-- to be in the database, which only a member of pg_signal_backend may do (else: 42501 "must be a member of the role
-- whose process is being terminated").
GRANT pg_signal_backend TO gantry;
SQL

echo "Host=127.0.0.1;Port=${PG_PORT};Username=gantry;Password=gantry;Database=postgres"
