#!/bin/bash
# The walk stays on the declared dir's mount: a tmpfs or a bind mount (even
# of the same filesystem, where st_dev cannot tell) below a declared dir is
# not crossed, and neither is a single file bind-mounted into it. A
# read-only declared dir (situation 1: a model mounted read-only) is reported
# and skipped, not fatal: the workload runs and its status is stepdown's.
# Every mount is made inside a private mount namespace (in_ns).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
export T STEPDOWN

# inside_ns SCRIPT ARGS...: run SCRIPT (sh) in in_ns's private namespaces;
# it sets up its mounts, then execs stepdown ("$@") as PID 1.
inside_ns() { in_ns /bin/sh -c "$1" inside_ns "${@:2}"; }

# --- a tmpfs and a same-filesystem bind mount below a declared dir --------
W=$T/w1
mkdir -p "$W/d/e" "$W/tmp" "$W/bind" "$T/other/sub"
echo a > "$W/a"; echo b > "$W/d/e/b"
echo o > "$T/other/f"; echo o > "$T/other/sub/g"
chown -R 0:0 "$W" "$T/other"
[ "$(stat -c %d "$W")" = "$(stat -c %d "$T/other")" ] || fail "setup: the bind source is not on the same filesystem"
export W
inside_ns '
  mount -t tmpfs -o mode=0755 tmpfs "$W/tmp" || exit 90
  mkdir "$W/tmp/sub" && echo t > "$W/tmp/tf" && echo t > "$W/tmp/sub/tf2" || exit 91
  mount --bind "$T/other" "$W/bind" || exit 92
  exec "$@"' "$STEPDOWN" -v -u app -w "$W" -- /bin/sh -c \
  'for p in "$0/tmp" "$0/tmp/tf" "$0/tmp/sub" "$0/tmp/sub/tf2" "$0/bind" "$0/bind/f" \
     "$0/bind/sub/g"; do find "$p" -maxdepth 0 -printf "%U:%G %p\n"; done > "$1/out/inside"' \
  "$W" "$T" 2>"$T/err"
expect_eq "tmpfs and bind mount below: exit 0" 0 "$?"
expect_eq "tmpfs (seen from the workload) not crossed: all 0:0" \
  "0:0 $W/tmp|0:0 $W/tmp/tf|0:0 $W/tmp/sub|0:0 $W/tmp/sub/tf2" \
  "$(head -4 "$T/out/inside" 2>/dev/null | paste -sd'|')"
expect_eq "bind mount (seen from the workload) not crossed: all 0:0" \
  "0:0 $W/bind|0:0 $W/bind/f|0:0 $W/bind/sub/g" \
  "$(tail -n +5 "$T/out/inside" 2>/dev/null | paste -sd'|')"
expect_eq "the bind source on the host stays 0:0" "0:0 0:0 0:0 0:0" \
  "$(stat -c %u:%g "$T/other" "$T/other/f" "$T/other/sub" "$T/other/sub/g" | xargs)"
expect_eq "the rest of the tree re-owned" "1000:1000 1000:1000 1000:1000 1000:1000 1000:1000" \
  "$(stat -c %u:%g "$W" "$W/a" "$W/d" "$W/d/e" "$W/d/e/b" | xargs)"
expect_match "-v says 2 mounts were not entered" "(^|[^0-9])2 other mount" "$(cat "$T/err")"

# --- a single file bind-mounted into a declared dir -----------------------
W=$T/w2
mkdir -p "$W/d"
echo secret > "$T/outfile"; chmod 0600 "$T/outfile"
echo x > "$W/d/x"; : > "$W/d/config"
chown -R 0:0 "$W" "$T/outfile"
ctime_before=$(stat -c %.9Z "$T/outfile")
export W
inside_ns 'mount --bind "$T/outfile" "$W/d/config" || exit 92; exec "$@"' \
  "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "file bind mount below: exit 0" 0 "$?"
expect_eq "the bind-mounted outside file stays 0:0" 0:0 "$(stat -c %u:%g "$T/outfile")"
expect_eq "  and untouched (ctime)" "$ctime_before" "$(stat -c %.9Z "$T/outfile")"
expect_eq "the rest re-owned" "1000:1000 1000:1000 1000:1000" "$(stat -c %u:%g "$W" "$W/d" "$W/d/x" | xargs)"

# --- a read-only file bind mount below: not fatal, the rest still re-owned -
W=$T/w3
mkdir -p "$W/many"
echo ro > "$T/rofile"
for i in $(seq 1 200); do echo "$i" > "$W/many/f$i"; done
: > "$W/many/ro"
chown -R 0:0 "$W" "$T/rofile"
export W
inside_ns 'mount --bind "$T/rofile" "$W/many/ro" && mount -o remount,bind,ro "$W/many/ro" || exit 92
  exec "$@"' "$STEPDOWN" -u app -w "$W" -- touch "$T/out/ran3" 2>"$T/err"
expect_eq "read-only file mount below: exit 0" 0 "$?"
[ -e "$T/out/ran3" ] && pass "  the workload ran" || fail "  the workload did not run"
expect_eq "  the read-only file stays 0:0" 0:0 "$(stat -c %u:%g "$T/rofile")"
left=$(find "$W" \( ! -user 1000 -o ! -group 1000 \) -printf '%P\n' | grep -vx many/ro | head -3)
expect_eq "  all 202 other entries re-owned" "" "$left"

# --- a read-only dir mounted below a declared dir -------------------------
W=$T/w4
mkdir -p "$W/models" "$T/rosrc/m"
echo w > "$T/rosrc/m/weights"; echo y > "$W/y"
chown -R 0:0 "$W" "$T/rosrc"
export W
inside_ns 'mount --bind "$T/rosrc" "$W/models" && mount -o remount,bind,ro "$W/models" || exit 92
  exec "$@"' "$STEPDOWN" -u app -w "$W" -- touch "$T/out/ran4" 2>"$T/err"
expect_eq "read-only dir mount below: exit 0" 0 "$?"
[ -e "$T/out/ran4" ] && pass "  the workload ran" || fail "  the workload did not run"
expect_eq "  the mounted dir stays 0:0" "0:0 0:0 0:0" "$(stat -c %u:%g "$T/rosrc" "$T/rosrc/m" "$T/rosrc/m/weights" | xargs)"
expect_eq "  the rest re-owned" "1000:1000 1000:1000" "$(stat -c %u:%g "$W" "$W/y" | xargs)"

# --- the declared dir itself is a read-only bind mount (situation 1) ------
R=$T/model
mkdir -p "$R/sub" "$T/elsewhere"
echo w > "$R/weights"; echo w > "$R/sub/w2"
chown -R 0:0 "$R"; chmod 0777 "$T/elsewhere"
before=$(find "$R" -printf '%U:%G %C@ %p\n' | sort)
export R
for status in 0 3; do
  rm -f "$T/elsewhere/marker"
  inside_ns 'mount --bind "$R" "$R" && mount -o remount,bind,ro "$R" || exit 92; exec "$@"' \
    "$STEPDOWN" -u app -w "$R" -- /bin/sh -c 'id -u > "$0/marker"; exit "$1"' "$T/elsewhere" "$status" \
    2>"$T/err"
  expect_eq "read-only declared dir, workload exit $status: stepdown exits $status" "$status" "$?"
  expect_eq "  the workload really ran, as app" 1000 "$(cat "$T/elsewhere/marker" 2>/dev/null)"
  expect_match "  stderr reports the read-only filesystem" "$R.*read-only" "$(cat "$T/err")"
  expect_eq "  owners (and ctimes) unchanged" "$before" "$(find "$R" -printf '%U:%G %C@ %p\n' | sort)"
done
finish
