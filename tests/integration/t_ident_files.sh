#!/bin/bash
# /etc/passwd and /etc/group must be regular files. A FIFO there used to
# block open() for ever, in PID 1 with every signal blocked; a device or a
# directory is no user database either, and a huge file is refused by size.
# Each is refused at once: exit 125, a message that names the file and what
# it is, and nothing runs.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

mkfifo "$T/fifo"
mkdir "$T/dir"
truncate -s $(( (64 << 20) + 1 )) "$T/huge"

# with_files PASSWD GROUP CMD...: CMD as PID 1 with PASSWD and GROUP
# bind-mounted over /etc/passwd and /etc/group (a private mount namespace),
# killed after 10 s.
with_files() {
  timeout -k 2 10 unshare -m -fp --mount-proc --kill-child -- /bin/sh -c '
    mount --bind "$0" /etc/passwd && mount --bind "$1" /etc/group && shift && exec "$@"' "$@"
}

# Become uid 1234 and exec argv[1:], without looking anything up.
as_1234='import os, sys
os.setgroups([]); os.setresgid(1234, 1234, 1234); os.setresuid(1234, 1234, 1234)
os.execv(sys.argv[1], sys.argv[1:])'
[ -x /usr/bin/python3 ] || skip "needs Debian's python3 to start stepdown as non-root (tests/run installs it)"

# label | passwd | group | ERE for the error | how stepdown is started
cases=(
  "FIFO as /etc/passwd|$T/fifo|$T/etc/group|'/etc/passwd' is not a regular file \\(a FIFO\\)|root"
  "FIFO as /etc/group|$T/etc/passwd|$T/fifo|'/etc/group' is not a regular file \\(a FIFO\\)|root"
  "/dev/zero as /etc/passwd|/dev/zero|$T/etc/group|'/etc/passwd' is not a regular file \\(a character device\\)|root"
  "/dev/null as /etc/group|$T/etc/passwd|/dev/null|'/etc/group' is not a regular file \\(a character device\\)|root"
  "a 64 MiB + 1 file as /etc/passwd|$T/huge|$T/etc/group|'/etc/passwd' is larger than 64 MiB|root"
  "FIFO as /etc/passwd, started as uid 1234|$T/fifo|$T/etc/group|'/etc/passwd' is not a regular file \\(a FIFO\\)|nonroot"
)
for row in "${cases[@]}"; do
  IFS='|' read -r label pw gr re how <<< "$row"
  rm -f "$T/out/ran"
  start=$(date +%s%N)
  if [ "$how" = root ]; then
    with_files "$pw" "$gr" "$STEPDOWN" -u app -- touch "$T/out/ran" 2>"$T/err"
  else
    # not setpriv: it reads /etc/passwd itself (NSS) and would block first
    with_files "$pw" "$gr" /usr/bin/python3 -c "$as_1234" "$STEPDOWN" -- touch "$T/out/ran" 2>"$T/err"
  fi
  rc=$?
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  expect_eq "$label: exit 125 (a hang ends in 124 or 137)" 125 "$rc"
  [ "$ms" -lt 5000 ] && pass "$label: refused at once (${ms} ms)" || fail "$label: took ${ms} ms"
  expect_match "$label: the error names it" "^stepdown: error: .*$re" "$(cat "$T/err")"
  expect_eq "$label: nothing ran" absent "$([ -e "$T/out/ran" ] && echo present || echo absent)"
done

# A directory cannot be bind-mounted over a file: give stepdown one where
# the files usually are, with the fixture's files in place otherwise.
rm -f "$T/out/ran"
timeout -k 2 10 unshare -m -fp --mount-proc --kill-child -- /bin/sh -c '
  mount -t tmpfs none /etc && mkdir /etc/passwd && cp "$0/etc/group" /etc/group && exec "$@"' \
  "$T" "$STEPDOWN" -u 1000 -- touch "$T/out/ran" 2>"$T/err"
expect_eq "a directory as /etc/passwd: exit 125" 125 "$?"
expect_match "  the error names it" "'/etc/passwd' is not a regular file \\(a directory\\)" "$(cat "$T/err")"
expect_eq "  nothing ran" absent "$([ -e "$T/out/ran" ] && echo present || echo absent)"

# The fixture's regular files still work, through the same bind mounts.
with_files "$T/etc/passwd" "$T/etc/group" "$STEPDOWN" -u app -- touch "$T/out/ran" 2>"$T/err"
expect_eq "regular files: exit 0" 0 "$?"
expect_eq "  the command ran" present "$([ -e "$T/out/ran" ] && echo present || echo absent)"
finish
