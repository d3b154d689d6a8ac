#!/usr/bin/env bash
# Installs (where missing) and starts a local PostgreSQL from Debian's packages, and creates the
# role and database the test suite uses. Prints the DATABASE_URL to use. Needs root.
#   bash .ci/postgres.sh        start (idempotent) and print the URL
#   bash .ci/postgres.sh stop   stop the server again
set -euo pipefail
# Only the URL goes to standard output (callers capture it); everything else to standard error.
exec 3>&1 1>&2

if ! ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)

if [ "${1:-}" = "stop" ]; then
    pg_ctlcluster "$version" main stop 3>&- || true
    exit 0
fi

if ! pg_lsclusters -h | grep -q "^$version main"; then
    pg_createcluster "$version" main 3>&- >/dev/null
fi
if ! pg_ctlcluster "$version" main status >/dev/null 2>&1 3>&-; then
    # The server outlives this script. It must not inherit the pipe the caller reads the URL
    # from (fd 3), nor the caller's output: the caller would wait for them to close for ever.
    pg_ctlcluster "$version" main start 3>&- </dev/null >/dev/null
fi
for _ in $(seq 1 30); do
    pg_isready -q -h 127.0.0.1 && break
    sleep 1
done
pg_isready -h 127.0.0.1

# CREATEDB: the test runner creates and drops its own test database.
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='netvaerk'\"" | grep -q 1 \
    || su postgres -c "psql -qc \"CREATE ROLE netvaerk LOGIN CREATEDB PASSWORD 'netvaerk'\""
su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='netvaerk'\"" | grep -q 1 \
    || su postgres -c "createdb -O netvaerk netvaerk"
echo "postgres://netvaerk:netvaerk@127.0.0.1:5432/netvaerk" >&3
