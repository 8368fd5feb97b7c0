#!/bin/bash
# The ownership walk never follows a symlink: links below a declared dir are
# re-owned themselves, their root-owned targets outside stay 0:0. A symlink
# anywhere in the declared path itself (a middle or the last component), or a
# "." / ".." component, is refused with 125 before anything changes.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30

W=$T/w          # the declared dir
O=$T/outside    # root-owned things the links point at
mkdir -p "$W/sub/deeper" "$O/dir/inner"
echo secret > "$O/file"
echo inner > "$O/dir/inner/f"
echo data > "$W/plain"
echo data > "$W/sub/deeper/f"
ln -s "$O/file" "$W/link-file"          # absolute link to a root-owned file
ln -s "$O/dir" "$W/sub/link-dir"        # link to a root-owned dir
ln -s ../../outside/dir/inner/f "$W/link-rel"   # relative link out of the tree
ln -s "$O/dir" "$W/sub/deeper/link-dir2"
ln -s /nonexistent/target "$W/dangling"
mkfifo "$W/fifo"                        # never opened (it would block)
chown -R 0:0 "$T/w" "$O"
chmod 0600 "$O/file"

in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "walk with symlinks below: exit 0" 0 "$?"
for p in "$O" "$O/file" "$O/dir" "$O/dir/inner" "$O/dir/inner/f"; do
  expect_eq "outside ${p#$T/} stays 0:0" 0:0 "$(stat -c %u:%g "$p")"
done
for p in link-file sub/link-dir link-rel sub/deeper/link-dir2 dangling; do
  expect_eq "the link $p itself is re-owned (lstat)" 1000:1000 "$(stat -c %u:%g "$W/$p")"
  [ -L "$W/$p" ] && pass "  $p is still a symlink" || fail "  $p is no longer a symlink"
done
expect_eq "link target text unchanged" "$O/file" "$(readlink "$W/link-file")"
for p in "" /plain /sub /sub/deeper /sub/deeper/f /fifo; do
  expect_eq "tree entry ${p:-/} re-owned" 1000:1000 "$(stat -c %u:%g "$W$p")"
done
expect_eq "no complaint on stderr" "" "$(cat "$T/err")"

# owners PATH...: every entry below, without following links, with owners.
owners() { find "$@" -printf '%U:%G %p\n' | sort; }

# A symlink as a middle component of the declared path.
mkdir -p "$T/real/sub"
echo x > "$T/real/sub/f"
chown -R 0:0 "$T/real"
ln -s "$T/real" "$T/linkdir"
before=$(owners "$T/real")
ctime_before=$(stat -c %.9Z "$T/real/sub" "$T/real/sub/f")
in_ns "$STEPDOWN" -u app -w "$T/linkdir/sub" -- touch "$T/out/ran-mid" 2>"$T/err"
expect_eq "symlink in the middle of the declared path: 125" 125 "$?"
expect_match "  stderr names the symlink" "'$T/linkdir' is a symlink" "$(cat "$T/err")"
expect_eq "  nothing re-owned behind it" "$before" "$(owners "$T/real")"
expect_eq "  not even touched (ctimes)" "$ctime_before" "$(stat -c %.9Z "$T/real/sub" "$T/real/sub/f")"
[ ! -e "$T/out/ran-mid" ] && pass "  workload not run" || fail "  workload ran"

# ... and with missing components after it: nothing created behind the link.
in_ns "$STEPDOWN" -u app -w "$T/linkdir/new/deeper" -- touch "$T/out/ran-new" 2>"$T/err"
expect_eq "symlink then missing components: 125" 125 "$?"
expect_match "  stderr names the symlink" "'$T/linkdir' is a symlink" "$(cat "$T/err")"
[ ! -e "$T/real/new" ] && pass "  nothing created under the real dir" || fail "  $T/real/new was created"
expect_eq "  real dir unchanged" "$before" "$(owners "$T/real")"

# A symlink as the last component.
ln -s "$T/real/sub" "$T/lastlink"
in_ns "$STEPDOWN" -u app -w "$T/lastlink" -- touch "$T/out/ran-last" 2>"$T/err"
expect_eq "symlink as the last component: 125" 125 "$?"
expect_match "  stderr names the symlink" "'$T/lastlink' is a symlink" "$(cat "$T/err")"
expect_eq "  its target unchanged" "$before" "$(owners "$T/real")"
expect_eq "  the link itself not re-owned" 0:0 "$(stat -c %u:%g "$T/lastlink")"
[ ! -e "$T/out/ran-last" ] && pass "  workload not run" || fail "  workload ran"

# A symlink to a dir as the last component with a trailing slash.
in_ns "$STEPDOWN" -u app -w "$T/lastlink/" -- true 2>"$T/err"
expect_eq "symlink as the last component, trailing slash: 125" 125 "$?"
expect_eq "  its target unchanged" "$before" "$(owners "$T/real")"

# A symlink among several declared dirs (STEPDOWN_WRITABLE) is refused too.
STEPDOWN_WRITABLE="$T/linkdir/sub" in_ns "$STEPDOWN" -u app -- true 2>"$T/err"
expect_eq "symlink in STEPDOWN_WRITABLE: 125" 125 "$?"
expect_eq "  its target unchanged" "$before" "$(owners "$T/real")"

# "." and ".." components are refused, and refused before anything changes.
mkdir -p "$T/plain/x"
chown -R 0:0 "$T/plain"
pbefore=$(owners "$T/plain")
for spec in "$T/plain/./x" "$T/plain/x/.." "$T/plain/x/../x" "$T/plain/missing/../x"; do
  in_ns "$STEPDOWN" -u app -w "$spec" -- touch "$T/out/ran-dot" 2>"$T/err"
  expect_eq "'${spec#$T/}' refused: 125" 125 "$?"
  expect_match "  stderr names the component" "'(\.|\.\.)' component" "$(cat "$T/err")"
  expect_eq "  nothing changed" "$pbefore" "$(owners "$T/plain")"
done
[ ! -e "$T/plain/missing" ] && pass "a missing dir before '..' was not created" \
  || fail "'$T/plain/missing' was created before '..' was refused"
[ ! -e "$T/out/ran-dot" ] && pass "workload never run" || fail "workload ran"
rmdir "$T/plain/missing" 2>/dev/null   # so the next check stands on its own

# A bad declared path given after a good one: validated before anything changes.
in_ns "$STEPDOWN" -u app -w "$T/plain" -w "$T/plain/x/../x" -- true 2>"$T/err"
expect_eq "good dir then a '..' dir: 125" 125 "$?"
expect_eq "  the good dir was not re-owned either" "$pbefore" "$(owners "$T/plain")"
finish
