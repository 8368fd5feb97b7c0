#!/bin/bash
# cmake --install puts the binary and the man page in the usual places, and
# the installed binary reports the project's version.
. "$TEST_SRC/tests/integration/lib.sh"
cmake --install "$BUILD_DIR" --prefix "$T/usr/local" >"$T/install.log" 2>&1 ||
  { cat "$T/install.log"; fail "cmake --install failed"; finish; }
expect_eq "binary in PREFIX/bin, identical to the build's" 0 \
  "$(cmp -s "$STEPDOWN" "$T/usr/local/bin/stepdown"; echo $?)"
expect_eq "binary mode 0755" 755 "$(stat -c %a "$T/usr/local/bin/stepdown")"
expect_eq "man page in PREFIX/share/man/man1" 0 \
  "$(cmp -s "$TEST_SRC/man/stepdown.1" "$T/usr/local/share/man/man1/stepdown.1"; echo $?)"
expect_eq "--version prints the project version" "stepdown $PROJECT_VERSION" \
  "$("$T/usr/local/bin/stepdown" --version)"
expect_eq "-V too" "stepdown $PROJECT_VERSION" "$("$T/usr/local/bin/stepdown" -V)"
# Packagers stage with DESTDIR.
DESTDIR="$T/stage" cmake --install "$BUILD_DIR" --prefix /usr >/dev/null 2>&1
expect_eq "DESTDIR staging: /usr/bin/stepdown" 0 "$(test -x "$T/stage/usr/bin/stepdown"; echo $?)"
expect_eq "DESTDIR staging: /usr/share/man/man1/stepdown.1" 0 \
  "$(test -f "$T/stage/usr/share/man/man1/stepdown.1"; echo $?)"
finish
