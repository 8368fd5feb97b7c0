#!/bin/bash
# Two release builds from the same tree are byte-identical: a second build
# in a different directory (so no build path can leak in) must produce the
# same bytes as the one under test.
. "$TEST_SRC/tests/integration/lib.sh"
command -v musl-gcc >/dev/null || skip "needs musl-gcc (apt-get install -y musl-tools)"
b2="$T/second-build"
mkdir -p "$b2"
args=(-DCMAKE_C_COMPILER=musl-gcc -DCMAKE_BUILD_TYPE=MinSizeRel -DSTEPDOWN_MUSL=ON
      -DSTEPDOWN_STATIC=ON -DSTEPDOWN_WERROR=ON -DBUILD_TESTING=OFF)
[ -n "${CAPNG_SOURCE:-}" ] && args+=("-DSTEPDOWN_CAPNG_SOURCE=$CAPNG_SOURCE")
if ! cmake -S "$TEST_SRC" -B "$b2" "${args[@]}" >"$T/cfg.log" 2>&1 ||
   ! cmake --build "$b2" -j"$(nproc)" >"$T/build.log" 2>&1; then
  tail -n 30 "$T/cfg.log" "$T/build.log"
  fail "second release build failed"
  finish
fi
echo "first:  $(sha256sum < "$STEPDOWN")"
echo "second: $(sha256sum < "$b2/stepdown")"
expect_eq "byte-identical release binaries" 0 "$(cmp "$STEPDOWN" "$b2/stepdown" >&2; echo $?)"
finish
