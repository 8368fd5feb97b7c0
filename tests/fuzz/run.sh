#!/usr/bin/env bash
# Build stepdown's libFuzzer targets with clang (build/fuzz) and run each one
# for SECONDS on a throw-away copy of its seed corpus. New inputs, logs and
# crash artifacts go to a temporary directory, never into the repository.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     (default: 60, all targets)
#
# Targets: ident parse config. Exit status: 0 all clean, 1 a target found a
# crash, leak, timeout or broken invariant (its work directory is kept and
# printed), 2 usage, toolchain or build failure.
set -uo pipefail

all_targets=(ident parse config)

# -max_len per target: ident holds two whole files (the largest seed is
# ~7.5 KiB), parse a single token, config up to 64 argv/env strings.
declare -A max_len=([ident]=16384 [parse]=256 [config]=4096)

die() {
	printf 'run.sh: %s\n' "$*" >&2
	exit 2
}

secs=${1:-60}
[[ $secs =~ ^[1-9][0-9]*$ ]] || die "SECONDS must be a positive integer, not '$secs'"
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]})) || targets=("${all_targets[@]}")
for t in "${targets[@]}"; do
	[[ -n ${max_len[$t]+set} ]] || die "unknown target '$t' (known: ${all_targets[*]})"
done

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd) || die "cannot find the repository"
cd "$repo" || die "cannot cd to $repo"
build=build/fuzz

work=$(mktemp -d "${TMPDIR:-/tmp}/stepdown-fuzz.XXXXXX") || die "mktemp failed"
keep_work=0
cleanup() {
	if ((keep_work)); then
		printf 'run.sh: logs and artifacts kept in %s\n' "$work" >&2
	else
		rm -rf -- "$work"
	fi
}
trap cleanup EXIT

# --- toolchain: clang plus the libFuzzer/ASan/UBSan runtimes --------------
toolchain_ok() {
	command -v clang >/dev/null 2>&1 || return 1
	printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
		'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }' \
		>"$work/probe.c"
	clang -fsanitize=fuzzer,address,undefined "$work/probe.c" -o "$work/probe" \
		>/dev/null 2>&1
}

if ! toolchain_ok; then
	echo "run.sh: clang or its fuzzer runtime is missing; installing clang libclang-rt-14-dev" >&2
	sudo=()
	if ((EUID != 0)); then
		command -v sudo >/dev/null 2>&1 || die "not root and no sudo: install clang libclang-rt-14-dev"
		sudo=(sudo -n)
	fi
	export DEBIAN_FRONTEND=noninteractive
	"${sudo[@]}" apt-get install -y -qq clang libclang-rt-14-dev >/dev/null 2>&1 ||
		{ "${sudo[@]}" apt-get update -qq >/dev/null 2>&1 &&
			"${sudo[@]}" apt-get install -y -qq clang libclang-rt-14-dev >/dev/null 2>&1; } ||
		die "apt-get install clang libclang-rt-14-dev failed"
	toolchain_ok || die "clang still cannot link -fsanitize=fuzzer after installing"
fi

# --- build ------------------------------------------------------------------
echo "run.sh: configuring and building in $build"
if ! CC=clang cmake -S . -B "$build" -DSTEPDOWN_FUZZ=ON -DCMAKE_BUILD_TYPE=Debug \
	>"$work/configure.log" 2>&1; then
	cat "$work/configure.log" >&2
	die "cmake configure failed"
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "fuzz_$t"); done
if ! cmake --build "$build" "${build_targets[@]}" -j "$(nproc)" >"$work/build.log" 2>&1; then
	tail -n 60 "$work/build.log" >&2
	die "build failed (full log: $work/build.log)"
fi

# --- fuzz -------------------------------------------------------------------
# The top-level flags let UBSan recover; make every report fatal so libFuzzer
# records it as a crash.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}

failed=()
summary=()
for t in "${targets[@]}"; do
	bin="$repo/$build/tests/fuzz/fuzz_$t"
	dir="$work/$t"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp -R "tests/fuzz/corpus/$t/." "$dir/corpus/"
	seeds=$(find "$dir/corpus" -type f | wc -l)
	echo "run.sh: fuzz_$t for ${secs}s, $seeds seeds, -max_len=${max_len[$t]}"

	# Run from the work directory so nothing libFuzzer writes lands in the repo.
	(cd "$dir" && exec "$bin" "$dir/corpus" \
		-max_total_time="$secs" -max_len="${max_len[$t]}" -timeout=10 \
		-dict="$repo/tests/fuzz/dict/$t.dict" -artifact_prefix="$dir/artifacts/" \
		-print_final_stats=1) >"$dir/fuzz.log" 2>&1
	rc=$?

	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz.log" | tail -n 1)
	rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$dir/fuzz.log" | tail -n 1)
	last=$(grep -E '^#[0-9]+.*cov: ' "$dir/fuzz.log" | tail -n 1)
	cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
	ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
	corpus=$(find "$dir/corpus" -type f | wc -l)
	crashes=$(find "$dir/artifacts" -type f | wc -l)

	status=ok
	if ((rc != 0 || crashes > 0)); then
		status="FAILED (exit $rc)"
		failed+=("$t")
		keep_work=1
		echo "run.sh: fuzz_$t FAILED; end of its log:" >&2
		tail -n 80 "$dir/fuzz.log" >&2
		for a in "$dir"/artifacts/*; do
			[[ -f $a ]] && echo "run.sh: reproduce with: $build/tests/fuzz/fuzz_$t $a" >&2
		done
	fi
	summary+=("$(printf '%-12s %10s %8s %6s %6s %7s %8s  %s' "fuzz_$t" "${execs:-?}" \
		"${rate:-?}" "${cov:-?}" "${ft:-?}" "$corpus" "$crashes" "$status")")
done

echo
printf '%-12s %10s %8s %6s %6s %7s %8s  %s\n' target execs exec/s cov ft corpus crashes status
printf '%s\n' "${summary[@]}"

if ((${#failed[@]})); then
	echo "run.sh: crashes in: ${failed[*]}" >&2
	exit 1
fi
echo "run.sh: no crashes (${secs}s per target)"
