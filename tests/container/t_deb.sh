#!/bin/bash
# The Debian packages of the dist build (build/dist/artefacts), installed
# the way a user does, `apt-get install ./stepdown_VERSION_ARCH.deb`, into a
# clean Debian 12 root filesystem made with debootstrap (the builder image,
# fresh for each container: no stepdown in it before), then run there as
# PID 1: the drop read from /proc, a --writable dir re-owned as seen on the
# host. amd64, then arm64 in the same kind of rootfs with arm64 added to
# dpkg (it runs through qemu-user's binfmt entry). apt-get remove takes
# every file away again.
. "$(dirname "$0")/lib.sh"
DIST=${STEPDOWN_DIST:-$REPO/build/dist/artefacts}
version=$(sed -n 's/^project(stepdown VERSION \([0-9.]*\).*/\1/p' "$REPO/CMakeLists.txt")
[ -f "$DIST/stepdown_${version}_amd64.deb" ] ||
  skip "no packages in $DIST: run cmake --workflow --preset dist first (tests/run does)"
ensure_builder

for arch in amd64 arm64; do
  deb=stepdown_${version}_$arch.deb
  if [ "$arch" != amd64 ]; then
    [ -e "/proc/sys/fs/binfmt_misc/qemu-aarch64" ] ||
      { fail "$arch: no qemu-aarch64 binfmt entry (tests/dist/run enables it)"; continue; }
    foreign="dpkg --add-architecture $arch &&"
  else
    foreign=
  fi
  new_out
  rm -rf "$T/data"; mkdir -p "$T/data/sub"; echo x > "$T/data/sub/f"; chown -R 0:0 "$T/data"
  # In the container, as root: install, look, run stepdown as PID 1 (exec),
  # which records the workload's and its own /proc status.
  c=$(name)
  prun --name "$c" --cap-drop=ALL --cap-add="$NEEDED_CAPS,DAC_OVERRIDE,FOWNER" \
    -v "$DIST:/dist:ro" -v "$T/out:/out" -v "$T/data:/data" "$BUILDER_IMAGE" sh -c "
    ! command -v stepdown >/dev/null || { echo 'stepdown before the install' > /out/pre; exit 9; }
    $foreign apt-get install -y -q /dist/$deb > /out/apt.log 2>&1 || exit 10
    dpkg-query -W -f='\${Package} \${Version} \${Architecture} \${Status}\n' stepdown > /out/dpkg
    dpkg -L stepdown | sort > /out/files
    dpkg --verify stepdown > /out/verify 2>&1; echo \$? >> /out/verify
    useradd -u 1000 -U -M -d /nonexistent app || exit 11
    exec stepdown -u app -w /data -- sh -c '$SNAP; touch /data/made; stepdown --version > /out/version'
  " 2>"$T/stderr"
  rc=$?
  [ $rc = 0 ] || { tail -n 20 "$T/out/apt.log" "$T/stderr" 2>/dev/null; }
  expect_eq "$arch: apt-get install ./$deb, then stepdown as PID 1: exit 0" 0 "$rc"
  expect_eq "  not there before the install" "" "$(cat "$T/out/pre" 2>/dev/null)"
  expect_eq "  dpkg: installed" "stepdown $version $arch install ok installed" "$(cat "$T/out/dpkg" 2>/dev/null)"
  expect_match "  dpkg -L: /usr/bin/stepdown" "^/usr/bin/stepdown$" "$(cat "$T/out/files" 2>/dev/null)"
  expect_match "  dpkg -L: the man page" "^/usr/share/man/man1/stepdown.1.gz$" "$(cat "$T/out/files" 2>/dev/null)"
  expect_eq "  dpkg --verify: every file as the md5sums say" 0 "$(cat "$T/out/verify" 2>/dev/null)"
  expect_match "  the installed binary runs: --version" "$version" "$(cat "$T/out/version" 2>/dev/null)"
  expect_dropped "  $arch workload" "$T/out/work.status" 1000 1000 "1000"
  expect_dropped "  $arch PID 1 (stepdown)" "$T/out/pid1.status" 1000 1000 "1000"
  expect_eq "  --writable /data re-owned, seen on the host" "1000:1000 1000:1000 1000:1000 1000:1000" \
    "$(stat -c %u:%g "$T/data" "$T/data/sub" "$T/data/sub/f" "$T/data/made" 2>&1 | xargs)"
  R=$(pm mount "$c")
  if [ -n "$R" ] && [ -x "$R/usr/bin/stepdown" ]; then
    expect_eq "  the installed /usr/bin/stepdown is the $arch artefact" 0 \
      "$(cmp "$R/usr/bin/stepdown" "$DIST/stepdown-$version-linux-$arch" >&2; echo $?)"
  else
    fail "  podman mount $c: no /usr/bin/stepdown in [$R]"
  fi
  expect_eq "  the package's files, all there: 5" 5 \
    "$(while read -r f; do [ -f "$R$f" ] && echo "$f"; done < "$T/out/files" | wc -l)"
  pm umount "$c" >/dev/null
  # apt-get remove in the same rootfs: no file of the package is left.
  cp "$T/out/files" "$T/files"
  pm commit -q "$c" "localhost/sd-deb-$arch:test" >/dev/null
  new_out; cp "$T/files" "$T/out/files"
  prun --rm -v "$T/out:/out" "localhost/sd-deb-$arch:test" sh -c '
    apt-get remove -y -q stepdown > /out/remove.log 2>&1 || exit 12
    while read -r f; do [ -f "$f" ] && echo "$f"; done < /out/files > /out/left
    dpkg-query -W -f="\${Status}" stepdown > /out/status 2>/dev/null; exit 0' 2>"$T/stderr"
  expect_eq "  apt-get remove: exit 0" 0 "$?"
  expect_eq "  no file of the package left" "" "$(cat "$T/out/left" 2>/dev/null)"
  expect_eq "  dpkg: not installed any more" "" \
    "$(grep -w installed "$T/out/status" 2>/dev/null | grep -v not-installed)"
  pm rm -f "$c" >/dev/null; pm rmi -f "localhost/sd-deb-$arch:test" >/dev/null
done
finish
