#!/bin/bash
# The dist build's artefacts (build/dist/artefacts, `cmake --workflow
# --preset dist`): every name there, each binary static, stripped and for
# the machine its name says, within its size budget; SHA256SUMS lists and
# matches every other file; the amd64 binary is the release build's, byte
# for byte; the source tarball builds that same binary; a second dist
# build, in another directory, gives the same bytes for every file.
. "$TEST_SRC/tests/integration/lib.sh"
: "${DIST:?DIST must point at the artefacts directory}" "${VERSION:?}" "${RELEASE_BIN:?}"
V=$VERSION

# Size budgets (bytes, whole pages): 128 KiB where that holds. The 64-bit
# targets other than amd64 are larger: arm64 and ppc64le align segments to
# 64 KiB pages, and ppc64le and s390x code is bulkier.
declare -A budget=([amd64]=151552 [arm64]=245760 [arm]=131072 [ppc64le]=303104
  [s390x]=172032 [386]=159744)
declare -A machine=([amd64]="Advanced Micro Devices X86-64" [arm64]=AArch64 [arm]=ARM
  [ppc64le]=PowerPC64 [s390x]="IBM S/390" [386]="Intel 80386")
declare -A order=([amd64]="little endian" [arm64]="little endian" [arm]="little endian"
  [ppc64le]="little endian" [s390x]="big endian" [386]="little endian")
want="SHA256SUMS"
for a in amd64 arm64 arm ppc64le s390x 386; do want="$want stepdown-$V-linux-$a"; done
want="$want stepdown-$V.1 stepdown-$V.tar.gz"
expect_eq "the artefacts, and nothing else" "$(tr ' ' '\n' <<< "$want" | LC_ALL=C sort | tr '\n' ' ')" \
  "$(cd "$DIST" && LC_ALL=C ls | tr '\n' ' ')"

for a in amd64 arm64 arm ppc64le s390x 386; do
  f=$DIST/stepdown-$V-linux-$a
  size=$(stat -c %s "$f")
  expect_eq "$a: ELF machine" "${machine[$a]}" "$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')"
  expect_eq "$a: byte order" "${order[$a]}" "$(readelf -h "$f" | sed -n 's/^ *Data: *[^,]*, *//p')"
  [ "$a" = arm ] && expect_match "arm: the hard-float ABI (armhf, not armel)" "hard-float ABI" \
    "$(readelf -h "$f" | sed -n 's/^ *Flags: *//p')"
  expect_eq "$a: static (no interpreter), stripped (no symbol table)" "" \
    "$(readelf -lW "$f" | grep -i interp; readelf -SW "$f" | grep -E '\.symtab|\.debug_')"
  if [ "$size" -le "${budget[$a]}" ]; then
    pass "$a: $size bytes, budget ${budget[$a]}"
  else
    fail "$a: $size bytes, past its budget of ${budget[$a]}"
  fi
done
expect_eq "SHA256SUMS lists every other file" 8 "$(wc -l < "$DIST/SHA256SUMS")"
expect_eq "SHA256SUMS matches" 0 "$(cd "$DIST" && sha256sum --quiet -c SHA256SUMS >&2; echo $?)"
expect_eq "the amd64 artefact is the release build's binary" 0 \
  "$(cmp "$RELEASE_BIN" "$DIST/stepdown-$V-linux-amd64" >&2; echo $?)"
expect_eq "the man page is man/stepdown.1" 0 "$(cmp "$TEST_SRC/man/stepdown.1" "$DIST/stepdown-$V.1" >&2; echo $?)"

# The source tarball alone builds the same amd64 binary.
capng=$(ls -d "$TEST_SRC"/build/dist/_deps/libcap-ng/src/libcap-ng-*/ 2>/dev/null | head -n 1)
mkdir "$T/src" && tar -xzf "$DIST/stepdown-$V.tar.gz" -C "$T/src"
if cmake -S "$T/src/stepdown-$V" -B "$T/tb" -DCMAKE_C_COMPILER=musl-gcc -DCMAKE_BUILD_TYPE=MinSizeRel \
     -DSTEPDOWN_MUSL=ON -DSTEPDOWN_WERROR=ON -DBUILD_TESTING=OFF ${capng:+-DSTEPDOWN_CAPNG_SOURCE=$capng} \
     >"$T/tb.log" 2>&1 && cmake --build "$T/tb" -j"$(nproc)" --target stepdown >>"$T/tb.log" 2>&1; then
  expect_eq "the source tarball builds the amd64 artefact, byte for byte" 0 \
    "$(cmp "$T/tb/stepdown" "$DIST/stepdown-$V-linux-amd64" >&2; echo $?)"
else
  tail -n 20 "$T/tb.log"
  fail "the source tarball does not build"
fi

# A second dist build elsewhere: the same bytes, every file.
if cmake -S "$TEST_SRC" -B "$T/dist2" -DSTEPDOWN_DIST=ON ${capng:+-DSTEPDOWN_CAPNG_SOURCE=$capng} \
     >"$T/d2.log" 2>&1 && cmake --build "$T/dist2" -j"$(nproc)" >>"$T/d2.log" 2>&1; then
  for f in "$DIST"/*; do
    expect_eq "second dist build: $(basename "$f") identical" 0 \
      "$(cmp "$f" "$T/dist2/artefacts/$(basename "$f")" >&2; echo $?)"
  done
else
  tail -n 20 "$T/d2.log"
  fail "the second dist build failed"
fi
finish
