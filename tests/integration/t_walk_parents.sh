#!/bin/bash
# Whoever can write a parent of a declared dir can rename another directory
# onto the declared name before a start, and its whole tree would be given
# to the user. stepdown says so, in a real run and in a dry run, for every
# parent that someone other than root can write (owner not root, or group
# or other write without the sticky bit); root-only parents and root's
# sticky dirs (/tmp) get no warning.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

P=$T/parents
mkdir -p "$P/rootonly/c" "$P/sticky/c" "$P/usr/c" "$P/grp/c" "$P/deep/x/y/c"
chown -R 0:0 "$P"
chmod 1777 "$P/sticky"
chown 1000:1000 "$P/usr"            # /home/app with -w /home/app/.cache
chmod 0775 "$P/grp"                 # group root may write (OpenShift's gid 0)
chown 4444:4444 "$P/deep"           # a writable ancestor, not the parent
warned() { grep -c "is writable by others than root" "$T/err"; }
for case in "rootonly 0" "sticky 0" "usr 1" "grp 1" "deep/x/y 1"; do
  set -- $case
  for dry in "" --dry-run; do
    in_ns "$STEPDOWN" $dry -u app -w "$P/$1/c" -- true >/dev/null 2>"$T/err"
    expect_eq "-w $1/c ${dry:-(real run)}: exit 0" 0 "$?"
    expect_eq "  warnings about a writable parent" "$2" "$(warned)"
  done
done
in_ns "$STEPDOWN" --dry-run -u app -w "$P/usr/missing" -- true >/dev/null 2>"$T/err"
expect_eq "a missing dir in such a parent, dry run: warned" 1 "$(warned)"
in_ns "$STEPDOWN" -u app -w "$P/usr/c" -- true 2>"$T/err"
expect_match "the warning names the parent, its owner and mode" \
  "parent dir $P/usr \(uid 1000, gid 1000, mode 0755\)" "$(cat "$T/err")"
in_ns "$STEPDOWN" -u app -w "$P/deep/x/y/c" -- true 2>"$T/err"
expect_match "a writable ancestor is named too" "parent dir $P/deep \(uid 4444" "$(cat "$T/err")"
finish
