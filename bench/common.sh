# Shared by bench/startup.sh, bench/reap.sh and bench/latency.sh (sourced,
# not run): tools, the release binary, the peers' versions.
#
# Sets: here, repo, SD (the stepdown binary measured), CC.
# Knob: STEPDOWN=/path/to/stepdown measures that binary instead of building
# the release preset into build/bench-release.

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)
bench_name=$(basename "$0")

log() { printf '[%s %s] %s\n' "$bench_name" "$(date +%T)" "$*" >&2; }

if [ "$(id -u)" != 0 ]; then
	echo "$bench_name: needs root (the peers switch users; PID namespaces)" >&2
	exit 1
fi

# Debian packages: the peers, the harness, and what the release build needs.
bench_install_tools() {
	local need=() pkg cmd
	for pair in hyperfine:hyperfine time:/usr/bin/time util-linux:unshare \
		util-linux:setpriv gosu:gosu tini:tini tini:tini-static catatonit:catatonit \
		dumb-init:dumb-init gcc:cc cmake:cmake musl-tools:musl-gcc \
		dpkg-dev:dpkg-architecture python3:python3 util-linux:setarch util-linux:taskset \
		file:file binutils:strings "$@"; do
		pkg=${pair%%:*}
		cmd=${pair#*:}
		if ! command -v "$cmd" >/dev/null 2>&1; then
			case " ${need[*]-} " in *" $pkg "*) ;; *) need+=("$pkg") ;; esac
		fi
	done
	if [ ${#need[@]} -gt 0 ]; then
		log "installing ${need[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
	fi
}

# The release binary (static musl, stripped): the preset's configuration,
# in a build directory of its own so that other builds are left alone.
bench_build_stepdown() {
	if [ -n "${STEPDOWN:-}" ]; then
		SD=$STEPDOWN
		log "measuring $SD (STEPDOWN)"
	else
		log "building the release preset into build/bench-release"
		(cd "$repo" && cmake --preset release -B build/bench-release >/dev/null &&
			cmake --build build/bench-release -j"$(nproc)" >/dev/null)
		SD=$repo/build/bench-release/stepdown
	fi
	[ -x "$SD" ] || { echo "$bench_name: no stepdown binary at $SD" >&2; exit 1; }
	CC=${CC:-cc}
}

# How each binary is linked, as shipped.
bench_linkage() {
	local f
	f=$(file -L "$1")
	case $f in
	*"Go BuildID"*) echo "static (Go)" ;;
	*"statically linked"*)
		if strings "$1" | grep 'GLIBC_' >/dev/null; then echo "static (glibc)"
		elif [ "$1" = "$SD" ]; then echo "static (musl)"
		else echo "static"; fi ;;
	*"dynamically linked"*) echo "dynamic (glibc)" ;;
	*) echo "?" ;;
	esac
}

pkg_version() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo "?"; }

# machine.txt for the reporter
bench_machine() {
	{
		echo "nproc=$(nproc)"
		echo "kernel=$(uname -r)"
		echo "cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
		echo "mem_mib=$(free -m | awk '/^Mem:/ {print $2}')"
		echo "loadavg=$(cut -d' ' -f1-3 /proc/loadavg)"
		echo "hyperfine=$(hyperfine --version | awk '{print $2}')"
		echo "stepdown=$("$SD" --version | awk '{print $2}') $(stat -c %s "$SD") B, $(bench_linkage "$SD")"
		echo "git=$(cd "$repo" && git describe --always --dirty 2>/dev/null || echo '?')"
		echo "stepdown_sha256=$(sha256sum "$SD" | cut -c1-12)"
		for p in tini dumb-init gosu catatonit util-linux; do
			echo "pkg_$p=$(pkg_version "$p")"
		done
		for b in tini tini-static catatonit dumb-init gosu setpriv true sleep; do
			echo "link_$b=$(bench_linkage "$(type -P "$b")")"
		done
		echo "date=$(date -u +%Y-%m-%dT%H:%MZ)"
	} >"$1/machine.txt"
}

# bench_workspace NAME: a fresh results dir (build/bench/NAME, in $results),
# a scratch dir (WORK, mode 755 so dropped workloads can read it) and a
# /dev/shm name (SHM), both removed on exit.
bench_workspace() {
	results=$repo/build/bench/$1
	rm -rf "$results"
	mkdir -p "$results"
	WORK=$(mktemp -d "${BENCH_TMPDIR:-/var/tmp}/stepdown-$1.XXXXXX")
	SHM=$(mktemp -u "/dev/shm/stepdown-$1.XXXXXX")
	chmod 755 "$WORK"
	trap bench_cleanup EXIT
	trap 'exit 130' INT TERM
}
bench_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	rm -rf "$WORK" "$SHM"
	exit $rc
}
