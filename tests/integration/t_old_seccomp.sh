#!/bin/bash
# Under a container runtime whose seccomp profile predates openat2 or statx
# (or an old kernel), stepdown takes its fallbacks, and says so once at -v:
# declared paths opened one name at a time with O_NOFOLLOW, the walk on
# fstatat with mount ids from /proc/self/fdinfo. (The walk, confine and
# identity tests run again under each refusal: *.no_openat2_* and
# *.no_statx_* in ctest; this test shows the fallback is the one taken.)
# Where the mount ids cannot be read from a real procfs either, the walk
# does not guess: a real run stops, a dry run warns.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
: "${DENY_SYSCALL:?DENY_SYSCALL must point at the test helper}"
export NS_TIMEOUT=30

tree() { # DIR: a small root-owned tree with a link out
  rm -rf "$1"; mkdir -p "$1/a/b"; echo x > "$1/a/b/f"; ln -s /etc/shadow "$1/l"
  chown -R 0:0 "$1"
}
owners() { find "$1" -printf '%U:%G\n' | sort -u | xargs; }

shadow=$(stat -c '%u:%g %a %.9Z' /etc/shadow)
for row in "openat2|openat2 is refused" "statx|statx is refused"; do
  IFS='|' read -r call said <<< "$row"
  for e in ENOSYS EPERM EINVAL; do
    case $e in ENOSYS) why="Function not implemented";; EPERM) why="Operation not permitted";;
                EINVAL) why="Invalid argument";; esac
    tree "$T/w"
    in_ns "$DENY_SYSCALL" "$call" "$e" "$STEPDOWN" -v -u app -w "$T/w" -w "$T/w2/new" -- true 2>"$T/err"
    expect_eq "$call $e: exit 0" 0 "$?"
    expect_eq "$call $e: the fallback is taken, said once" 1 "$(grep -c "$said ($why)" "$T/err")"
    expect_eq "$call $e: the tree is app's" 1000:1000 "$(owners "$T/w")"
    expect_eq "$call $e: a missing dir was made, app's" 1000:1000 "$(stat -c %u:%g "$T/w2/new" 2>&1)"
    expect_eq "$call $e: the link's target untouched" "$shadow" "$(stat -c '%u:%g %a %.9Z' /etc/shadow)"
    rm -rf "$T/w2"
  done
done
# Without the refusal, nothing is said.
tree "$T/w"
in_ns "$STEPDOWN" -v -u app -w "$T/w" -- true 2>"$T/err"
expect_eq "no refusal: no fallback said" 0 "$(grep -c "is refused" "$T/err")"

# statx refused and no procfs to read mount ids from: not guessed.
# (in_ns's own /proc is mounted over the host's: unmount both.)
no_proc() { in_ns /bin/sh -c 'while mountpoint -q /proc; do umount -l /proc || exit 90; done; exec "$@"' no_proc "$@"; }
fake_proc() { # a tmpfs with a forged fdinfo for every fd
  in_ns /bin/sh -c 'while mountpoint -q /proc; do umount -l /proc || exit 90; done;
    mount -t tmpfs fake /proc && mkdir -p /proc/self/fdinfo &&
    for n in $(seq 0 64); do printf "pos:\t0\nflags:\t0\nmnt_id:\t7\n" > /proc/self/fdinfo/$n; done &&
    exec "$@"' fake_proc "$@"
}
for how in no_proc fake_proc; do
  tree "$T/w"
  $how "$DENY_SYSCALL" statx EPERM "$STEPDOWN" -u app -w "$T/w" -- touch "$T/out/ran" 2>"$T/err"
  expect_eq "$how: a real run stops: 125" 125 "$?"
  expect_match "$how: it names the cause" "statx is refused and /proc/self/fdinfo cannot be read" "$(cat "$T/err")"
  expect_eq "$how: nothing re-owned" 0:0 "$(owners "$T/w")"
  [ ! -e "$T/out/ran" ] && pass "$how: the workload did not run" || fail "$how: the workload ran"
  rm -f "$T/out/ran"
  out=$($how "$DENY_SYSCALL" statx EPERM "$STEPDOWN" --dry-run -u app -w "$T/w" -- true 2>"$T/err")
  expect_eq "$how: a dry run exits 0" 0 "$?"
  expect_match "$how: and warns that a real run would stop" "warning: a real run would stop here: $T/w: .*could not be read.*statx is refused" "$(cat "$T/err")"
done

# Where the walk cannot watch a directory (inotify refused or used up, or
# no /proc to name the directory by), a change cannot be proven to stay
# inside the tree (src/walk.c): a real run stops before the workload and
# says what to do; no file is re-owned; a dry run warns.
files() { find "$1" ! -type d -printf '%U:%G\n' | sort -u | xargs; }
for how in "inotify ENOSYS" "inotify EPERM" "inotify EMFILE" "no_proc"; do
  tree "$T/w"
  if [ "$how" = no_proc ]; then run=(no_proc); said="/proc is not mounted"
  else run=(in_ns "$DENY_SYSCALL" $how); said="inotify: "; fi
  "${run[@]}" "$STEPDOWN" -u app -w "$T/w" -- touch "$T/out/ran" 2>"$T/err"
  expect_eq "$how: a real run stops: 125" 125 "$?"
  expect_match "$how: it names the cause" "cannot be watched .$said" "$(cat "$T/err")"
  expect_match "$how: and what to do" "raise fs.inotify.max_user_instances" "$(cat "$T/err")"
  expect_eq "$how: no file re-owned" 0:0 "$(files "$T/w")"
  [ ! -e "$T/out/ran" ] && pass "$how: the workload did not run" || fail "$how: the workload ran"
  rm -f "$T/out/ran"
  "${run[@]}" "$STEPDOWN" --dry-run -u app -w "$T/w" -- true >/dev/null 2>"$T/err"
  expect_eq "$how: a dry run exits 0" 0 "$?"
  expect_match "$how: and warns that a real run would stop" "warning: a real run would stop here: $T/w: .*cannot be watched" "$(cat "$T/err")"
done
# Once everything is owned there is nothing to prove: no watch is needed.
tree "$T/w"; chown -R 1000:1000 "$T/w"
in_ns "$DENY_SYSCALL" inotify EPERM "$STEPDOWN" -u app -w "$T/w" -- true 2>"$T/err"
expect_eq "inotify refused, nothing to change: exit 0" 0 "$?"

# --allow-write needs only search permission on the parents, as the
# openat2 O_PATH open did (a non-root start, a 0711 parent).
mkdir -p "$T/srch/a/b"; chmod 0711 "$T/srch/a"
for e in none EPERM; do
  if [ $e = none ]; then wrap=(); else wrap=("$DENY_SYSCALL" openat2 EPERM); fi
  setpriv --reuid 65534 --regid 65534 --clear-groups "${wrap[@]}" "$STEPDOWN" --dry-run \
    --confine-writes=best-effort --allow-write "$T/srch/a/b" -- true >/dev/null 2>"$T/err"
  expect_eq "--allow-write below a search-only parent (openat2 $e): accepted" 0 "$?"
done
finish
