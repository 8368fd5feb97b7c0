#!/usr/bin/env bash
# Start-up benchmark: `stepdown --user nobody -- true` against gosu, setpriv,
# tini, tini-static, catatonit, dumb-init and a docker-library style shell
# entrypoint (find/chown + gosu), each as a plain process and as PID 1 of a
# new PID namespace (`unshare -fp`), with bare `true` as the floor; peak RSS
# of each (/usr/bin/time -v); and the resident memory of PID 1 while its
# workload sleeps. Needs root. Prints Markdown tables; raw results are kept
# in build/bench/startup/. See bench/README.md.
#
# Every command runs in a container-like environment: `env -i` with only
# PATH (Docker's default), HOME, HOSTNAME and the entrypoint's BENCH_DATA.
#
# Knobs (environment): ROUNDS (20; each round is a separate hyperfine run
# of every command, plain then PID 1: many short rounds spread the noise of
# a shared machine over every command), RUNS (50 per command per round),
# WARMUP (5), RSS_RUNS (11 /usr/bin/time runs per command and workload),
# PID1_RUNS (7 samples of PID 1's memory per init), STEPDOWN (a binary to
# measure instead of building the release preset), BENCH_TMPDIR (/var/tmp).
set -euo pipefail

. "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/common.sh"
cd "$repo"

ROUNDS=${ROUNDS:-20}
RUNS=${RUNS:-50}
WARMUP=${WARMUP:-5}
RSS_RUNS=${RSS_RUNS:-11}
PID1_RUNS=${PID1_RUNS:-7}

bench_install_tools
bench_build_stepdown
results=$repo/build/bench/startup
rm -rf "$results"
mkdir -p "$results"

WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/stepdown-startup.XXXXXX")
sleepers=()
cleanup() {
	local rc=$? p
	trap - EXIT INT TERM
	for p in "${sleepers[@]-}"; do [ -n "$p" ] && kill -KILL "$p" 2>/dev/null || true; done
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# nop: a workload with no C library, so that the peak RSS of entrypoint +
# workload is the entrypoint's own
"$CC" -static -nostdlib -O2 -o "$WORK/nop" "$here/nop.c"
NOP=$WORK/nop

# the entrypoint's data directory (and stepdown -w's): 100 files, already
# owned by nobody, as on every start but the first
export BENCH_DATA=$WORK/data
mkdir "$BENCH_DATA"
for i in $(seq 100); do : >"$BENCH_DATA/f$i"; done
chown -R nobody:nogroup "$BENCH_DATA"
chmod 755 "$WORK"

# what a container's entrypoint sees (Docker's default PATH)
CPATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cenv=(env -i "PATH=$CPATH" HOME=/root HOSTNAME=stepdown-bench "BENCH_DATA=$BENCH_DATA")

bench_machine "$results"
{
	echo "runs=$RUNS"
	echo "warmup=$WARMUP"
	echo "rounds=$ROUNDS"
	echo "rss_runs=$RSS_RUNS"
	echo "pid1_runs=$PID1_RUNS"
} >>"$results/machine.txt"

# name|command with @WL@ standing for the workload (true, nop or sleep)
entries=(
	"true (floor)|@WL@"
	"stepdown|$SD --user nobody -- @WL@"
	"stepdown --exec|$SD --exec --user nobody -- @WL@"
	"gosu|gosu nobody @WL@"
	"setpriv|setpriv --reuid=65534 --regid=65534 --clear-groups @WL@"
	"tini|tini -- @WL@"
	"tini-static|tini-static -- @WL@"
	"catatonit|catatonit -- @WL@"
	"dumb-init|dumb-init @WL@"
	"entrypoint.sh (find/chown + gosu)|$here/entrypoint.sh @WL@"
	"stepdown -w DATA|$SD --user nobody -w $BENCH_DATA -- @WL@"
)
cmd_for() { # entry workload
	local c=${1#*|}
	echo "${c//@WL@/$2}"
}

# --- sanity: each command really runs its workload, as nobody where it should
for e in "${entries[@]}"; do
	name=${e%%|*}
	c=$(cmd_for "$e" "id -u")
	[ "$name" = "true (floor)" ] && continue
	for pre in "" "unshare -fp "; do
		got=$("${cenv[@]}" $pre$c 2>/dev/null) || { echo "startup.sh: '$pre$c' failed" >&2; exit 1; }
		case $name in
		stepdown* | gosu | setpriv | entrypoint*) want=65534 ;;
		*) want=0 ;;
		esac
		if [ "$got" != "$want" ]; then
			echo "startup.sh: '$pre$c' ran its workload as uid $got, not $want" >&2
			exit 1
		fi
	done
done
[ "$("${cenv[@]}" unshare -fp "$SD" -q --user nobody -- sh -c 'echo $PPID')" = 1 ] ||
	{ echo "startup.sh: stepdown is not PID 1 under unshare -fp" >&2; exit 1; }
left=$(find "$BENCH_DATA" \( ! -user nobody -o ! -group nogroup \) | wc -l)
[ "$left" = 0 ] || { echo "startup.sh: $left entries of the data dir not nobody's" >&2; exit 1; }

# --- start-up time ---------------------------------------------------------
plain=()
pid1=()
for e in "${entries[@]}"; do
	name=${e%%|*}
	c=$(cmd_for "$e" true)
	plain+=(-n "$name" "$c")
	pid1+=(-n "$name" "unshare -fp $c")
done
for r in $(seq "$ROUNDS"); do
	log "round $r/$ROUNDS: plain, ${#entries[@]} commands x $RUNS runs"
	"${cenv[@]}" hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
		--export-json "$results/plain-$r.json" "${plain[@]}" >"$results/plain-$r.txt"
	log "round $r/$ROUNDS: as PID 1 under unshare -fp"
	"${cenv[@]}" hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" \
		--export-json "$results/pid1-$r.json" "${pid1[@]}" >"$results/pid1-$r.txt"
done

# --- peak RSS (/usr/bin/time -v: the maximum over the process and the
# children it waited for; exec keeps the high-water mark). Address-space
# randomisation is off for these runs (setarch -R, for every command alike):
# with it on, the peak of `true` alone varies between about 910 and
# 1110 KiB from run to run, which would decide the comparison. -------------
log "peak RSS: $RSS_RUNS runs per command, with true and with nop"
: >"$results/rss.txt"
for wl in true nop; do
	w=$wl
	[ "$wl" = nop ] && w=$NOP
	for e in "${entries[@]}"; do
		name=${e%%|*}
		read -r -a argv <<<"$(cmd_for "$e" "$w")"
		vals=()
		for _ in $(seq "$RSS_RUNS"); do
			"${cenv[@]}" setarch "$(uname -m)" -R /usr/bin/time -v "${argv[@]}" 2>"$WORK/time.txt" >/dev/null
			vals+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$WORK/time.txt")")
		done
		printf '%s\t%s\t%s\n' "$name" "$wl" "${vals[*]}" >>"$results/rss.txt"
	done
done

# --- PID 1's memory while the workload sleeps --------------------------------
pid1_entries=(
	"sleep as PID 1 (no init)|sleep 1000"
	"stepdown|$SD -q --user nobody -- sleep 1000"
	"tini|tini -- sleep 1000"
	"tini-static|tini-static -- sleep 1000"
	"catatonit|catatonit -- sleep 1000"
	"dumb-init|dumb-init sleep 1000"
)
status_kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
log "PID 1 memory: $PID1_RUNS samples per init"
: >"$results/pid1-mem.txt"
for _ in $(seq "$PID1_RUNS"); do
	for e in "${pid1_entries[@]}"; do
		name=${e%%|*}
		read -r -a argv <<<"${e#*|}"
		"${cenv[@]}" unshare -fp "${argv[@]}" >/dev/null 2>&1 &
		u=$!
		sleepers=("$u")
		init=
		# wait until PID 1 exists and (for an init) its workload is sleep
		for _ in $(seq 2000); do
			init=$(cut -d' ' -f1 "/proc/$u/task/$u/children" 2>/dev/null || true)
			if [ -n "$init" ] && [ "$(cat "/proc/$init/comm" 2>/dev/null)" = sleep ]; then
				break
			fi
			if [ -n "$init" ]; then
				wl=$(cut -d' ' -f1 "/proc/$init/task/$init/children" 2>/dev/null || true)
				[ -n "$wl" ] && [ "$(cat "/proc/$wl/comm" 2>/dev/null)" = sleep ] && break
			fi
			sleep 0.005
		done
		sleep 0.3
		printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$(status_kib "$init" VmRSS)" \
			"$(status_kib "$init" VmHWM)" "$(status_kib "$init" RssAnon)" \
			"$(status_kib "$init" RssFile)" >>"$results/pid1-mem.txt"
		kill -KILL "$init"
		wait "$u" 2>/dev/null || true
		sleepers=()
	done
done

log "done"
python3 "$here/report_init.py" startup "$results" | tee "$results/report.md"
