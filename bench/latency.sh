#!/usr/bin/env bash
# Signal-forwarding latency: from kill(PID 1) by a sender outside the PID
# namespace to the workload's signal handler, both read on CLOCK_MONOTONIC
# (bench/latency.c), for stepdown, tini, tini-static, catatonit and
# dumb-init as PID 1 under `unshare -fp`, and for direct delivery (the
# workload itself is PID 1 and gets the kill). SIGUSR1 and SIGTERM
# alternate, 1-2 ms apart so the init is idle again each time. Each
# configuration runs twice per round: free to use every CPU, and with the
# sender, PID 1 and the workload pinned to CPU 0. Needs root.
# Prints Markdown tables; raw samples are kept in build/bench/latency/.
# See bench/README.md.
#
# Knobs (environment): ITER (300 samples per signal per round), ROUNDS (10;
# every configuration once per round, order rotated, so that the noise of a
# shared machine is spread over all of them), STEPDOWN,
# BENCH_TMPDIR (/var/tmp).
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cd "$repo"

ITER=${ITER:-300}
ROUNDS=${ROUNDS:-10}

bench_install_tools
bench_build_stepdown
bench_workspace latency

"$CC" -O2 -Wall -o "$WORK/latency" "$here/latency.c"
L=$WORK/latency

bench_machine "$results"
{
	echo "iter=$ITER"
	echo "rounds=$ROUNDS"
} >>"$results/machine.txt"

# name|PID 1 (empty: the receiver is PID 1 itself)
configs=(
	"direct (workload is PID 1)|"
	"stepdown|$SD -q --user nobody --"
	"tini|tini --"
	"tini-static|tini-static --"
	"catatonit|catatonit --"
	"dumb-init|dumb-init"
)
# placements: "spread" leaves the scheduler free (the realistic case: a
# wake-up may need an interrupt to another, idle CPU); "one CPU" pins the
# sender, PID 1 and the workload to CPU 0, which leaves the code path
# between the two kills and the context switches
placements=("spread|" "one CPU|taskset -c 0")
n=${#configs[@]}
for r in $(seq "$ROUNDS"); do
	log "round $r/$ROUNDS: $n configurations x ${#placements[@]} placements x $ITER samples per signal"
	for i in $(seq 0 $((n - 1))); do
		k=$(((i + r) % n))
		e=${configs[$k]}
		read -r -a init <<<"${e#*|}"
		for j in "${!placements[@]}"; do
			pl=${placements[$j]}
			read -r -a pin <<<"${pl#*|}"
			"${pin[@]}" "$L" --send "${e%%|*}" "$ITER" "$results/r$r-c$k-p$j.json" "$SHM" -- \
				unshare -fp "${init[@]}" "$L" --receive "$SHM"
			echo "${pl%%|*}" >"$results/placement-$j.name"
		done
	done
done

log "done"
python3 "$here/report_init.py" latency "$results" | tee "$results/report.md"
