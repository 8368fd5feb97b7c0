#!/bin/sh
# A docker-library style entrypoint (the redis/mongo/postgres pattern), for
# bench/startup.sh: as root, give the data directory to the user with
# find + chown, then re-run this script as that user with gosu, which
# execs the command. BENCH_DATA names the data directory.
set -e

if [ "$(id -u)" = '0' ]; then
	find "${BENCH_DATA:?}" \! -user nobody -exec chown nobody:nogroup '{}' +
	exec gosu nobody "$0" "$@"
fi

exec "$@"
