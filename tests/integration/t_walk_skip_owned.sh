#!/bin/bash
# Entries already owned by uid AND gid are not touched at all: proven by
# their ctimes (any chown, even to the same owner, moves ctime), and on a
# real overlayfs by an upper dir that stays empty (no copy-up of model
# weights). A contrast run with chown -R shows the test sees copy-ups.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
export T STEPDOWN

# ctimes DIR: ctime (ns), owner and path of every entry, links not followed.
ctimes() { find "$1" -printf '%C@ %U:%G %p\n' | sort -k3; }

W=$T/w
mkdir -p "$W/a/b/c" "$W/d"
for i in $(seq 1 50); do echo "$i" > "$W/a/f$i"; echo "$i" > "$W/a/b/c/g$i"; done
echo x > "$W/d/x"; echo y > "$W/d/y"; echo z > "$W/d/z"
ln -s /etc/passwd "$W/d/link"
mkfifo "$W/d/fifo"
chown -R 0:0 "$W"
n=$(find "$W" | wc -l)

in_ns "$STEPDOWN" -v -u app -w "$W" -- true 2>"$T/err"
expect_eq "first run: exit 0" 0 "$?"
expect_match "first run: every entry changed" "$W: $n entries seen, $n changed, 0 already owned" "$(cat "$T/err")"

# Half-owned entries are not "owned": uid alone or gid alone is not enough.
chown 1000:0 "$W/d/x"
chown 0:1000 "$W/d/y"
chown -h 0:0 "$W/d/link"
before=$(ctimes "$W")
sleep 1.1
in_ns "$STEPDOWN" -v -u app -w "$W" -- true 2>"$T/err"
expect_eq "second run: exit 0" 0 "$?"
after=$(ctimes "$W")
expect_eq "second run: ctimes of owned entries unchanged" \
  "$(printf '%s\n' "$before" | grep -v -e " $W/d/x\$" -e " $W/d/y\$" -e " $W/d/link\$")" \
  "$(printf '%s\n' "$after" | grep -v -e " $W/d/x\$" -e " $W/d/y\$" -e " $W/d/link\$")"
for p in x y link; do
  b=$(printf '%s\n' "$before" | awk -v p="$W/d/$p" '$3 == p { print $1 }')
  a=$(printf '%s\n' "$after" | awk -v p="$W/d/$p" '$3 == p { print $1 }')
  [ -n "$a" ] && [ "$a" != "$b" ] && pass "half-owned $p was changed (ctime moved)" \
    || fail "half-owned $p: ctime $b -> $a"
  expect_eq "  $p now 1000:1000" 1000:1000 "$(stat -c %u:%g "$W/d/$p")"
done
expect_match "second run: summary" "$W: $n entries seen, 3 changed, $((n - 3)) already owned" "$(cat "$T/err")"

# ---- overlayfs: no copy-up ----------------------------------------------
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null ||
  skip "the kernel has no overlayfs"
O=$T/ovl
mkdir -p "$O/lower/models/m1" "$O/lower/cache" "$O/merged"
head -c 300000 /dev/urandom > "$O/lower/models/m1/weights.bin"
head -c 100000 /dev/urandom > "$O/lower/models/m1/tokenizer.json"
for i in $(seq 1 20); do echo "$i" > "$O/lower/cache/c$i"; done
ln -s m1 "$O/lower/models/current"
chown -hR 1000:1000 "$O/lower"
lower_entries=$(find "$O/lower" | wc -l)

# new_layer NAME: an empty upper and work dir, the upper owned by app (the
# overlay root takes its attributes from the upper root).
new_layer() {
  mkdir -p "$O/$1/upper" "$O/$1/work"
  chown 1000:1000 "$O/$1/upper"
  echo "lowerdir=$O/lower,upperdir=$O/$1/upper,workdir=$O/$1/work"
}
export O
opts=$(new_layer run)
OPTS=$opts in_ns /bin/sh -c 'mount -t overlay overlay -o "$OPTS" "$O/merged" || exit 92; exec "$@"' sh \
  "$STEPDOWN" -v -u app -w "$O/merged" -- /bin/sh -c 'cat "$0"/models/m1/* > /dev/null' "$O/merged" 2>"$T/err"
rc=$?
[ "$rc" = 92 ] && skip "cannot mount an overlayfs here"
expect_eq "overlay run: exit 0" 0 "$rc"
expect_match "overlay run: the walk saw every entry, changed none" \
  "$O/merged: $lower_entries entries seen, 0 changed, $lower_entries already owned" "$(cat "$T/err")"
expect_eq "overlay run: the upper dir is empty (no copy-up)" "" "$(find "$O/run/upper" -mindepth 1 | head -5)"

# One lower entry not owned yet: exactly that one is copied up.
chown 0:0 "$O/lower/cache/c7"
opts=$(new_layer one)
OPTS=$opts in_ns /bin/sh -c 'mount -t overlay overlay -o "$OPTS" "$O/merged" || exit 92; exec "$@"' sh \
  "$STEPDOWN" -u app -w "$O/merged" -- true 2>"$T/err"
expect_eq "overlay with one root-owned file: exit 0" 0 "$?"
expect_eq "  only that file (and its dir) copied up" "cache
cache/c7" "$(find "$O/one/upper" -mindepth 1 -printf '%P\n' | sort)"
expect_eq "  owned by app in the upper dir" 1000:1000 "$(stat -c %u:%g "$O/one/upper/cache/c7" 2>&1)"
expect_eq "  the lower file untouched" 0:0 "$(stat -c %u:%g "$O/lower/cache/c7")"
chown 1000:1000 "$O/lower/cache/c7"

# Contrast: chown -R to the owner the files already have copies them all up.
opts=$(new_layer contrast)
timeout 30 unshare -m /bin/sh -c 'mount -t overlay overlay -o "$1" "$2" && chown -R 1000:1000 "$2"' sh \
  "$opts" "$O/merged"
expect_eq "contrast: chown -R on the overlay: exit 0" 0 "$?"
copied=$(find "$O/contrast/upper" -mindepth 1 | wc -l)
[ "$copied" -gt 0 ] && pass "contrast: chown -R filled the upper dir ($copied entries copied up)" \
  || fail "contrast: chown -R copied nothing up: the test could not see a copy-up"
expect_eq "contrast: the weights were copied up" 300000 "$(stat -c %s "$O/contrast/upper/models/m1/weights.bin" 2>&1)"
finish
