#!/usr/bin/env bash
# Ownership-walk benchmark: stepdown -w against chown -R, chown -R --from and
# the docker-library find/chown pattern, on on-disk trees of 100k and 1M
# entries (first start: everything to change; restart: everything already
# owned), peak RSS during the 1M walk, and the overlayfs copy-up case.
# Needs root (chown, mount). Prints Markdown tables; raw results are kept in
# build/bench/results/. See bench/README.md.
#
# Knobs (environment): BENCH_TMPDIR (default /var/tmp; must not be tmpfs),
# RUNS_100K (10), RUNS_1M_FIRST (3), RUNS_1M_RESTART (5), RUNS_OVERLAY (5),
# BENCH_SIZES ("100k 1m"), BENCH_OVERLAY (1; 0 skips the overlay case).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
cd "$repo"

if [ "$(id -u)" != 0 ]; then
	echo "walk.sh: needs root (it chowns trees and mounts an overlay)" >&2
	exit 1
fi

RUNS_100K=${RUNS_100K:-10}
RUNS_1M_FIRST=${RUNS_1M_FIRST:-3}
RUNS_1M_RESTART=${RUNS_1M_RESTART:-5}
RUNS_OVERLAY=${RUNS_OVERLAY:-5}
BENCH_SIZES=${BENCH_SIZES:-"100k 1m"}
BENCH_OVERLAY=${BENCH_OVERLAY:-1}
U=1000
G=1000

log() { printf '[walk.sh %s] %s\n' "$(date +%T)" "$*" >&2; }

# --- tools ---------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v cmake >/dev/null || need+=(cmake)
command -v unshare >/dev/null || need+=(util-linux)
if [ ${#need[@]} -gt 0 ]; then
	log "installing ${need[*]}"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
command -v python3 >/dev/null || { echo "walk.sh: python3 is required" >&2; exit 1; }

# --- release build -------------------------------------------------------
log "building release stepdown in build/bench"
cmake -S . -B build/bench -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/bench -j"$(nproc)" >/dev/null
SD=$repo/build/bench/stepdown
results=$repo/build/bench/results
rm -rf "$results"
mkdir -p "$results"

# --- scratch space on a real filesystem ----------------------------------
base=${BENCH_TMPDIR:-/var/tmp}
fstype=$(df --output=fstype "$base" | tail -1)
if [ "$fstype" = tmpfs ] || [ "$fstype" = ramfs ]; then
	echo "walk.sh: $base is $fstype; set BENCH_TMPDIR to a directory on disk" >&2
	exit 1
fi
WORK=$(mktemp -d "$base/stepdown-bench.XXXXXX")

cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	# the overlay lives in a private mount namespace that is gone by now;
	# unmount here too in case the host sees it (it should not)
	mountpoint -q "$WORK/ovl/merged" 2>/dev/null && umount "$WORK/ovl/merged" || true
	rm -rf "$WORK"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

{
	echo "nproc=$(nproc)"
	echo "kernel=$(uname -r)"
	echo "fstype=$fstype"
	echo "fs_source=$(df --output=source "$WORK" | tail -1)"
	echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
	echo "mem_mib=$(free -m | awk '/^Mem:/ {print $2}')"
	echo "hyperfine=$(hyperfine --version | awk '{print $2}')"
	echo "coreutils=$(chown --version | head -1 | awk '{print $NF}')"
	echo "findutils=$(find --version | head -1 | awk '{print $NF}')"
	echo "default_jobs=$(nproc | awk '{print ($1 > 8) ? 8 : $1}')"
	echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
} >"$results/machine.txt"
log "scratch dir $WORK ($fstype)"

not_owned() { find "$1" \( ! -user $U -o ! -group $G \) -printf . | wc -c; }

# --- trees ---------------------------------------------------------------
declare -A FILES=([100k]=100000 [1m]=1000000)
declare -A RUNS_FIRST=([100k]=$RUNS_100K [1m]=$RUNS_1M_FIRST)
declare -A RUNS_RESTART=([100k]=$RUNS_100K [1m]=$RUNS_1M_RESTART)

for size in $BENCH_SIZES; do
	dir=$WORK/tree-$size
	log "creating $size tree (${FILES[$size]} files in dirs of 100)"
	entries=$(python3 "$here/mktree.py" tree "$dir" "${FILES[$size]}" 100 10)
	echo "$size $entries" >>"$results/entries.txt"
	sync

	cmds=(
		-n "stepdown (default jobs)" "$SD --user $U -w $dir -- true"
		-n "stepdown --jobs 1" "$SD --jobs 1 --user $U -w $dir -- true"
		-n "chown -R" "chown -R $U:$G $dir"
		-n "chown -R --from=0:0" "chown -R --from=0:0 $U:$G $dir"
		-n "find ! -user -exec chown -h" "find $dir \\( ! -user $U -o ! -group $G \\) -exec chown -h $U:$G {} +"
	)

	# sanity: stepdown really owns everything, and leaves nothing behind
	chown -R 0:0 "$dir"
	"$SD" -q --user $U -w "$dir" -- true
	left=$(not_owned "$dir")
	if [ "$left" != 0 ]; then
		echo "walk.sh: stepdown left $left entries of $dir not owned by $U:$G" >&2
		exit 1
	fi

	log "$size first start: ${RUNS_FIRST[$size]} runs per command (each after chown -R 0:0 + sync)"
	hyperfine --style basic --warmup 1 --runs "${RUNS_FIRST[$size]}" \
		--prepare "chown -R 0:0 $dir && sync" \
		--export-json "$results/first-$size.json" "${cmds[@]}" >"$results/first-$size.txt"

	chown -R $U:$G "$dir"
	sync
	log "$size restart: ${RUNS_RESTART[$size]} runs per command (everything already $U:$G)"
	hyperfine --style basic --warmup 1 --runs "${RUNS_RESTART[$size]}" \
		--prepare "sync" \
		--export-json "$results/restart-$size.json" "${cmds[@]}" >"$results/restart-$size.txt"

	# peak RSS during the largest walk (first start: every entry changed)
	if [ "$size" = 1m ]; then
		log "1m peak RSS"
		rss() { # label, command...
			local label=$1
			shift
			chown -R 0:0 "$dir"
			sync
			/usr/bin/time -v "$@" 2>"$results/time.tmp" >/dev/null
			echo "$label	$(awk -F': ' '/Maximum resident set size/ {print $2}' "$results/time.tmp")" >>"$results/rss.txt"
		}
		rss "stepdown (default jobs)" "$SD" --user $U -w "$dir" -- true
		rss "stepdown --jobs 1" "$SD" --jobs 1 --user $U -w "$dir" -- true
		rss "chown -R" chown -R $U:$G "$dir"
		rss "true (the workload alone)" true
		# stepdown's own high-water mark, read by its workload after the walk
		chown -R 0:0 "$dir"
		sync
		hwm=$("$SD" --user $U -w "$dir" -- sh -c 'awk "/^VmHWM/ {print \$2}" /proc/$PPID/status')
		echo "stepdown (default jobs) own VmHWM	$hwm" >>"$results/rss.txt"
		rm -f "$results/time.tmp"
	fi
	log "removing $size tree"
	rm -rf "$dir"
done

# --- overlayfs -----------------------------------------------------------
if [ "$BENCH_OVERLAY" = 1 ]; then
	ovl=$WORK/ovl
	mkdir -p "$ovl/lower" "$ovl/merged"
	log "creating overlay lower layer (300 x 1 MiB + 5000 small files)"
	python3 "$here/mktree.py" overlay "$ovl/lower" 300 1048576 5000 >"$results/overlay-entries.txt"
	chown -R $U:$G "$ovl/lower"
	sync
	cat >"$ovl/remount.sh" <<REMOUNT
#!/bin/sh
set -e
if mountpoint -q $ovl/merged; then umount $ovl/merged; fi
rm -rf $ovl/upper $ovl/work
mkdir $ovl/upper $ovl/work
chown $U:$G $ovl/upper
mount -t overlay overlay -o lowerdir=$ovl/lower,upperdir=$ovl/upper,workdir=$ovl/work $ovl/merged
sync
REMOUNT
	chmod +x "$ovl/remount.sh"
	log "overlay: ${RUNS_OVERLAY} runs per command, a fresh upper dir before each"
	# everything below runs in a private mount namespace: the mount is gone
	# with it, whatever happens
	unshare -m --propagation private bash -euo pipefail -c '
		ovl=$1 SD=$2 results=$3 runs=$4 U=$5 G=$6
		hyperfine --style basic --warmup 1 --runs "$runs" --prepare "$ovl/remount.sh" \
			--export-json "$results/overlay.json" \
			-n "stepdown (default jobs)" "$SD --user $U -w $ovl/merged -- true" \
			-n "chown -R" "chown -R $U:$G $ovl/merged" >"$results/overlay.txt"
		for c in "stepdown (default jobs)|$SD --user $U -w $ovl/merged -- true" \
			 "chown -R|chown -R $U:$G $ovl/merged"; do
			"$ovl/remount.sh"
			empty=$(du -sb "$ovl/upper" | cut -f1)
			sh -c "${c#*|}" >/dev/null 2>&1
			sync
			bytes=$(du -sb "$ovl/upper" | cut -f1)
			n=$(find "$ovl/upper" -mindepth 1 -printf . | wc -c)
			printf "%s\t%s\t%s\t%s\n" "${c%%|*}" "$empty" "$bytes" "$n" >>"$results/overlay-bytes.txt"
		done
		umount "$ovl/merged"
	' overlay "$ovl" "$SD" "$results" "$RUNS_OVERLAY" "$U" "$G"
fi

log "done"
python3 "$here/report.py" "$results" | tee "$results/report.md"
