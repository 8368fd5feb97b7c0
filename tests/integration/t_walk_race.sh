#!/bin/bash
# Rename races cannot redirect a chown: while stepdown walks a tree again and
# again, a concurrent process keeps exchanging (renameat2 RENAME_EXCHANGE)
# subdirectories with symlinks to a root-owned dir outside, regular files
# with symlinks to a root-owned file outside, and regular files with hard
# links to a root-owned file outside - at the top of the tree and 40 levels
# down, below levels the walk has to close and reopen. Nothing outside ever
# changes owner; each walk exits 0, or 125 when an entry changed under it.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
command -v python3 >/dev/null || skip "needs python3 for renameat2"

W=$T/w            # the declared dir
O=$T/outside      # root-owned, must stay so
R=$W/race         # where the swapped pairs live
mkdir -p "$O/sub" "$R" "$W/bulk"
echo o > "$O/file"; echo o > "$O/sub/f"; echo h > "$O/hfile"
# Bulk, so that walks last long enough to overlap many swaps.
python3 - "$W/bulk" <<'PY'
import os, sys
for d in range(5):
    p = os.path.join(sys.argv[1], "d%02d" % d)
    os.mkdir(p)
    for i in range(300):
        open(os.path.join(p, "f%03d" % i), "w").close()
PY
# The pairs, exchanged in a loop: dir <-> link to $O, file <-> link to
# $O/file, file <-> hard link to $O/hfile.
pairs=$T/pairs
: > "$pairs"
add_pairs() { # DIR
  local i
  for i in $(seq 1 15); do
    mkdir -p "$1/d$i/inner"
    for k in 1 2 3 4 5; do echo x > "$1/d$i/f$k"; echo y > "$1/d$i/inner/g$k"; done
    ln -s "$O" "$1/l$i"
    echo "$1 d$i l$i" >> "$pairs"
    echo r > "$1/r$i"; ln -s "$O/file" "$1/s$i"
    echo "$1 r$i s$i" >> "$pairs"
    echo p > "$1/p$i"; ln "$O/hfile" "$1/h$i"
    echo "$1 p$i h$i" >> "$pairs"
  done
}
add_pairs "$R"
deep=$W/chain
for i in $(seq 1 40); do deep=$deep/level$i; done
mkdir -p "$deep"
add_pairs "$deep"
# More levels below the deep pairs, so the walk closes the upper ones.
sub=$deep/d1/inner; for i in $(seq 1 30); do sub=$sub/below$i; done; mkdir -p "$sub"; echo b > "$sub/b"
chown -hR 0:0 "$W" "$O"
# The attacker is not root (root could chown anything itself): uid 4444,
# who can write the directories holding the pairs (world-writable, as a
# shared scratch dir left by an earlier run), whoever stepdown gives them to.
chown 4444:4444 "$R" "$deep"
chmod 0777 "$R" "$deep"
# Owners, modes and ctimes of everything outside; not hfile's ctime: the
# swapper's renames of its in-tree names move it.
outside_state() {
  find "$O" ! -name hfile -printf '%U:%G %m %C@ %p\n'
  find "$O" -name hfile -printf '%U:%G %m %n %p\n'
}
outside_before=$(outside_state)

# The swapper: exchanges every pair in turn until SIGTERM; keeps the number
# of successful exchanges (and failed ones) in $T/swaps.
cat > "$T/swapper.py" <<'PY'
import ctypes, os, signal, sys, time
libc = ctypes.CDLL(None, use_errno=True)
RENAME_EXCHANGE = 2
if hasattr(libc, "renameat2"):
    def exchange(dfd, a, b, f=libc.renameat2):
        return f(dfd, a, dfd, b, RENAME_EXCHANGE)
else:
    def exchange(dfd, a, b, f=libc.syscall):      # x86_64 renameat2
        return f(316, dfd, a, dfd, b, RENAME_EXCHANGE)
pairs, out = sys.argv[1], sys.argv[2]
stop = False
def on_term(*_):
    global stop
    stop = True
signal.signal(signal.SIGTERM, on_term)
fds, todo = {}, []
for line in open(pairs):
    d, a, b = line.split()
    if d not in fds:
        fds[d] = os.open(d, os.O_RDONLY | os.O_DIRECTORY)
    todo.append((fds[d], a.encode(), b.encode()))
n = failed = 0
def report():
    with open(out + ".tmp", "w") as f:
        f.write("%d %d\n" % (n, failed))
    os.rename(out + ".tmp", out)
last = time.monotonic()
while not stop:
    for dfd, a, b in todo:
        if exchange(dfd, a, b) == 0:
            n += 1
        else:
            failed += 1
    now = time.monotonic()
    if now - last > 0.2:
        report()
        last = now
report()
PY
mkdir "$T/att" && chown 4444 "$T/att"  # the attacker's own scratch space
echo "0 0" > "$T/att/swaps"; chown 4444 "$T/att/swaps"
timeout 120 setpriv --reuid 4444 --regid 4444 --clear-groups \
  /usr/bin/python3 "$T/swapper.py" "$pairs" "$T/att/swaps" &
swapper=$!
trap 'kill -TERM "$swapper" 2>/dev/null; wait; rm -rf "$T"' EXIT

walks=0 ok=0 refused=0 bad=0 outside_bad=0
start=$SECONDS
users=(app other); jobs=(1 4)
while :; do
  read -r swaps failed < "$T/att/swaps"
  elapsed=$((SECONDS - start))
  # Race for a while: each walk meets only a few exchanges mid-way.
  [ "$walks" -ge 40 ] && [ "$swaps" -ge 1000 ] && [ "$elapsed" -ge "${RACE_SECONDS:-12}" ] && break
  [ "$elapsed" -ge 40 ] && break
  # Alternate the target so that every walk has every entry to change.
  k=$((walks % 2))
  in_ns "$STEPDOWN" --jobs "${jobs[$k]}" -u "${users[$k]}" -w "$W" -- true 2>"$T/err"
  rc=$?
  walks=$((walks + 1))
  case $rc in
    0) ok=$((ok + 1)) ;;
    125) refused=$((refused + 1)) ;;
    *) bad=$((bad + 1)); fail "walk $walks: exit $rc: $(head -3 "$T/err")" ;;
  esac
  now=$(outside_state)
  if [ "$now" != "$outside_before" ]; then
    outside_bad=$((outside_bad + 1))
    fail "walk $walks (${users[$k]}, --jobs ${jobs[$k]}, exit $rc): the outside changed: $(diff <(echo "$outside_before") <(echo "$now") | grep '^>' | head -3)"
    [ "$outside_bad" -ge 3 ] && break
  fi
done
kill -TERM "$swapper"
wait "$swapper"
expect_eq "swapper ended cleanly" 0 "$?"
read -r swaps failed < "$T/att/swaps"
echo "info: $walks walks ($ok exit 0, $refused exit 125), $swaps exchanges ($failed failed) in $((SECONDS - start)) s"
[ "$swaps" -ge 1000 ] && pass "at least 1000 exchanges during the walks ($swaps)" \
  || fail "only $swaps exchanges during the walks"
[ "$walks" -ge 40 ] && pass "at least 40 walks ($walks)" || fail "only $walks walks"
expect_eq "every walk exited 0 or 125" 0 "$bad"
expect_eq "the outside never changed (owners, modes, ctimes), after every walk" 0 "$outside_bad"
expect_eq "the outside at the end" "$outside_before" "$(outside_state)"

# Quiet again: one more walk succeeds and owns everything in the tree except
# the hard-linked files, whichever names they have now.
in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "a walk without the race: exit 0" 0 "$?"
expect_eq "  every entry but the hard links owned by app" "" \
  "$(find "$W" \( ! -user 1000 -o ! -group 1000 \) ! \( -type f -links +1 \) -print | head -3)"
expect_eq "  the outside still unchanged" "$outside_before" "$(outside_state)"
finish
