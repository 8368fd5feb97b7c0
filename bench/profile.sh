#!/usr/bin/env bash
# Where the start-up time of `stepdown --user nobody -- true` goes, next to
# the peers: the system calls of one run (strace -f, split into the
# entrypoint's own process, its child before exec, and the workload), the
# phases stepdown reports with -v (median over many runs), user-space
# instruction counts (valgrind --tool=callgrind, the entrypoint's own
# process only; the workload is bench/nop.c) and the native cost of each
# group of stepdown's system calls (bench/syscost.c). Needs root. Prints
# Markdown; raw output is kept in build/bench/profile/. See bench/README.md.
#
# Knobs (environment): PHASE_RUNS (300 runs of stepdown -v), SYSCOST_REPS
# (2000 children per group), STEPDOWN, BENCH_TMPDIR (/var/tmp).
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cd "$repo"

PHASE_RUNS=${PHASE_RUNS:-300}
SYSCOST_REPS=${SYSCOST_REPS:-2000}

bench_install_tools strace:strace valgrind:valgrind binutils:objcopy
bench_build_stepdown
results=$repo/build/bench/profile
rm -rf "$results"
mkdir -p "$results"

WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/stepdown-profile.XXXXXX")
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
# stepdown ends as nobody: callgrind writes its output then, so the
# directory must be writable by anyone
chmod 1777 "$WORK"

CPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cenv=(env -i "PATH=$CPATH" HOME=/root HOSTNAME=stepdown-bench)

"$CC" -static -nostdlib -O2 -o "$WORK/nop" "$here/nop.c"
"$CC" -O2 -Wall -static -o "$WORK/syscost" "$here/syscost.c"
NOP=$WORK/nop
chmod 755 "$NOP"

# symbols for callgrind: the release build keeps them in stepdown.debug
SDSYM=$SD
if [ -f "$SD.debug" ]; then
	SDSYM=$WORK/stepdown
	cp "$SD.debug" "$WORK/stepdown.debug" # found by name, next to the binary
	chmod 644 "$WORK/stepdown.debug"
	objcopy --add-gnu-debuglink="$WORK/stepdown.debug" "$SD" "$SDSYM"
fi

bench_machine "$results"
{ echo "phase_runs=$PHASE_RUNS"; echo "syscost_reps=$SYSCOST_REPS"; } >>"$results/machine.txt"

# name|command (@WL@ = the workload)
entries=(
	"stepdown|$SD --user nobody -- @WL@"
	"stepdown --exec|$SD --exec --user nobody -- @WL@"
	"tini-static|tini-static -- @WL@"
	"catatonit|catatonit -- @WL@"
	"tini|tini -- @WL@"
	"dumb-init|dumb-init @WL@"
	"gosu|gosu nobody @WL@"
	"setpriv|setpriv --reuid=65534 --regid=65534 --clear-groups @WL@"
)

log "strace -f of one run each"
i=0
for e in "${entries[@]}"; do
	c=${e#*|}
	read -r -a argv <<<"${c//@WL@/true}"
	"${cenv[@]}" strace -f -o "$results/strace-$i.txt" "${argv[@]}" >/dev/null 2>&1
	echo "${e%%|*}" >"$results/strace-$i.name"
	i=$((i + 1))
done

log "stepdown -v phases, $PHASE_RUNS runs"
for _ in $(seq "$PHASE_RUNS"); do
	"${cenv[@]}" "$SD" -v --user nobody -- true 2>&1 >/dev/null |
		sed -n 's/.*(\([0-9.]*\) ms.*/\1/p' | tr '\n' ' '
	echo
done >"$results/phases.txt"

log "callgrind (own process; the workload is nop)"
i=0
for e in "${entries[@]}"; do
	c=${e#*|}
	c=${c//@WL@/$NOP}
	c=${c/#$SD /$SDSYM }
	read -r -a argv <<<"$c"
	out=$WORK/callgrind.out
	rm -f "$out"
	install -m 0666 /dev/null "$out"
	"${cenv[@]}" valgrind --tool=callgrind --vgdb=no --callgrind-out-file="$out" --trace-children=no \
		"${argv[@]}" >/dev/null 2>"$results/callgrind-$i.log" || true
	echo "${e%%|*}" >"$results/callgrind-$i.name"
	if grep -q '^totals:' "$out"; then
		grep '^totals:' "$out" | awk '{print $2}' >"$results/callgrind-$i.total"
		callgrind_annotate --inclusive=yes "$out" 2>/dev/null >"$results/callgrind-$i.txt" || true
	fi
	i=$((i + 1))
done

log "syscost: $SYSCOST_REPS children per group"
"$WORK/syscost" "$SYSCOST_REPS" >"$results/syscost.md"

log "done"
python3 "$here/report_init.py" profile "$results" | tee "$results/report.md"
