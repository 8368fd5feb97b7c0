#!/bin/bash
# Any depth and path length: a chain of 1200 nested dirs (full paths far
# beyond PATH_MAX), with files, side dirs and listings longer than one
# getdents buffer at many depths, so the walk must close levels on the way
# down and reopen them through ".." on the way back up and resume each
# listing where it stopped. And a wide dir of 20000 files. With --jobs 1 and
# --jobs 4, every single entry ends up owned by the target.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=20

command -v python3 >/dev/null || skip "needs python3 to build the trees"
D=$T/deep
W=$T/wide
mkdir -p "$D" "$W"

# Prints the number of entries it created below the root.
total_deep=$(python3 - "$D" <<'PY'
import os, sys
root, depth = sys.argv[1], 1200
fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY)
n = 0
def mkfile(name, dfd):
    global n
    os.close(os.open(name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644, dir_fd=dfd))
    n += 1
for lvl in range(1, depth + 1):
    if lvl in (1, 2, 31, 32, 33, 34, 64, 65) or lvl % 50 == 0:
        for i in range(20):          # siblings listed before and after the chain
            mkfile("file_%05d_%02d" % (lvl, i), fd)
        side = "side_%05d" % lvl
        os.mkdir(side, dir_fd=fd); n += 1
        sfd = os.open(side, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
        for i in range(3):
            mkfile("s%d" % i, sfd)
        os.close(sfd)
    if lvl % 200 == 0 or lvl == 40:  # a listing longer than one 8 KiB buffer
        for i in range(300):
            mkfile("a_rather_long_file_name_to_fill_the_getdents_buffer_%05d_%04d" % (lvl, i), fd)
    name = "level_%05d" % lvl       # 11 bytes a level: > 13000 bytes of path
    os.mkdir(name, dir_fd=fd); n += 1
    nfd = os.open(name, os.O_RDONLY | os.O_DIRECTORY, dir_fd=fd)
    os.close(fd)
    fd = nfd
for i in range(5):
    mkfile("bottom_%d" % i, fd)
os.symlink("/etc/passwd", "bottom_link", dir_fd=fd); n += 1
print(n)
PY
) || fail "building the deep tree"
python3 -c '
import os, sys
fd = os.open(sys.argv[1], os.O_RDONLY | os.O_DIRECTORY)
for i in range(20000):
    os.close(os.open("f%05d" % i, os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd))' "$W" || fail "building the wide dir"
chown -R 0:0 "$D" "$W"
deepest=$(find "$D" -name bottom_0)
expect_eq "setup: the deepest path is longer than PATH_MAX" yes "$([ ${#deepest} -gt 4096 ] && echo yes)"
expect_eq "setup: deep entries" $((total_deep + 1)) "$(find "$D" | wc -l)"
expect_eq "setup: wide entries" 20001 "$(find "$W" | wc -l)"

# not_owned DIR UID: entries below DIR (itself included) not owned by UID:UID.
not_owned() { find "$1" \( ! -user "$2" -o ! -group "$2" \) -print | head -3; }

for run in "1 app 1000" "4 other 1001"; do
  set -- $run
  jobs=$1 user=$2 id=$3
  t0=$(date +%s.%N)
  in_ns "$STEPDOWN" -v --jobs "$jobs" -u "$user" -w "$D" -w "$W" -- true 2>"$T/err"
  rc=$?
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
  expect_eq "--jobs $jobs: exit 0 (${secs}s)" 0 "$rc"
  expect_eq "--jobs $jobs: no deep entry left unowned by $id:$id" "" "$(not_owned "$D" "$id")"
  expect_eq "--jobs $jobs: deep entries owned by $id:$id" $((total_deep + 1)) \
    "$(find "$D" -user "$id" -group "$id" | wc -l)"
  expect_eq "--jobs $jobs: no wide entry left unowned" "" "$(not_owned "$W" "$id")"
  expect_eq "--jobs $jobs: wide entries owned by $id:$id" 20001 "$(find "$W" -user "$id" -group "$id" | wc -l)"
  err=$(cat "$T/err")
  expect_match "--jobs $jobs: summary counts every deep entry" \
    "$D: $((total_deep + 1)) entries seen, $((total_deep + 1)) changed, 0 already owned" "$err"
  expect_match "--jobs $jobs: summary counts every wide entry" \
    "$W: 20001 entries seen, 20001 changed, 0 already owned" "$err"
  if printf '%s\n' "$err" | grep -E 'error|warning' >/dev/null; then
    fail "--jobs $jobs: errors or warnings: $(printf '%s\n' "$err" | grep -E 'error|warning' | head -3)"
  else
    pass "--jobs $jobs: no error or warning"
  fi
done
finish
