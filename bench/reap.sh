#!/usr/bin/env bash
# Reaping benchmark: 10,000 orphaned grandchildren handed to PID 1 of a new
# PID namespace (`unshare -fp --mount-proc`), for stepdown, tini-static,
# tini, catatonit and dumb-init. The workload (bench/orphans.c) is the same
# program for every init and runs as uid 65534 under each. Two cases:
#
#   burst    the orphans are released at once; time from the release until
#            PID 1 has reaped the last one (their exits are part of it);
#   backlog  PID 1 is stopped (SIGSTOP from outside), the orphans all exit,
#            then PID 1 is continued: time until it has reaped them all,
#            i.e. the init's reaping alone.
#
# Every run checks that nothing is left in the namespace, zombie or not.
# Needs root. Prints Markdown tables; raw results are kept in
# build/bench/reap/. See bench/README.md.
#
# Knobs (environment): ORPHANS (10000), ROUNDS (20; each round runs every
# init once per case, in an order rotated from round to round), STEPDOWN,
# BENCH_TMPDIR (/var/tmp).
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cd "$repo"

ORPHANS=${ORPHANS:-10000}
ROUNDS=${ROUNDS:-20}

bench_install_tools
bench_build_stepdown
bench_workspace reap

"$CC" -O2 -static -o "$WORK/orphans" "$here/orphans.c"
O=$WORK/orphans

bench_machine "$results"
{
	echo "orphans=$ORPHANS"
	echo "rounds=$ROUNDS"
} >>"$results/machine.txt"

inits=(
	"stepdown|$SD -q --user nobody --"
	"tini-static|tini-static --"
	"tini|tini --"
	"catatonit|catatonit --"
	"dumb-init|dumb-init"
)

one() { # case name init-words...
	local case=$1 name=$2 out rc=0
	shift 2
	if [ "$case" = burst ]; then
		out=$(unshare -fp --mount-proc "$@" "$O" "$ORPHANS") || rc=$?
	else
		out=$("$O" --drive "$SHM" "$ORPHANS" -- \
			unshare -fp --mount-proc "$@" "$O" --backlog "$SHM" "$ORPHANS") || rc=$?
	fi
	printf '%s\t%s\t%s\t%s\n' "$r" "$case" "$name" "$out" >>"$results/runs.tsv"
	return $rc
}

: >"$results/runs.tsv"
n=${#inits[@]}
for r in $(seq "$ROUNDS"); do
	log "round $r/$ROUNDS: $n inits x (burst, backlog), $ORPHANS orphans each"
	for i in $(seq 0 $((n - 1))); do
		e=${inits[$(((i + r) % n))]}
		read -r -a argv <<<"${e#*|}"
		for case in burst backlog; do
			if ! one "$case" "${e%%|*}" "${argv[@]}"; then
				echo "reap.sh: ${e%%|*} ($case) left processes behind or failed" >&2
				exit 1
			fi
		done
	done
done

log "done"
python3 "$here/report_init.py" reap "$results" | tee "$results/report.md"
