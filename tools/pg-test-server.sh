#!/usr/bin/env bash
# Start (or reuse) a throwaway PostgreSQL server on loopback for the test suite.
# Prints the server's URL; the tests create and drop their own databases on it.
set -euo pipefail
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$pg_bin" ] || { echo "PostgreSQL n'est pas installé (paquet postgresql)." >&2; exit 1; }
data_dir=${GUICHET_PG_DIR:-/tmp/guichet-test-pg}
port=${GUICHET_PG_PORT:-54329}

as_server_user() {
    # initdb refuses to run as root: use the postgres account Debian's package creates.
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if ! as_server_user "$pg_bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
    if [ ! -f "$data_dir/PG_VERSION" ]; then
        mkdir -p "$data_dir"
        [ "$(id -u)" = 0 ] && chown postgres: "$data_dir"
        as_server_user "$pg_bin/initdb" -D "$data_dir" -U guichet -A trust -E UTF8 \
            --locale=C.UTF-8 >/dev/null
    fi
    as_server_user "$pg_bin/pg_ctl" -D "$data_dir" -l "$data_dir/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $data_dir -c fsync=off" start >/dev/null
fi
# As an office sets its server up (README): the owner (here the superuser guichet) and
# guichet_signin, which only records failed sign-ins, come in without a password; every
# account gives its own (SCRAM-SHA-256). Rewritten on every start, reloaded when it changed.
hba=$(cat <<'HBA'
local   all   all                             trust
host    all   guichet          127.0.0.1/32   trust
host    all   guichet_signin   127.0.0.1/32   trust
host    all   all              127.0.0.1/32   scram-sha-256
HBA
)
if [ "$(cat "$data_dir/pg_hba.conf" 2>/dev/null)" != "$hba" ]; then
    printf '%s\n' "$hba" | as_server_user tee "$data_dir/pg_hba.conf" >/dev/null
    as_server_user "$pg_bin/pg_ctl" -D "$data_dir" reload >/dev/null
fi
echo "postgresql://guichet@127.0.0.1:$port/postgres"
