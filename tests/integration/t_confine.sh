#!/bin/bash
# --confine-writes: with Landlock, the workload (uid 1000, as PID 1's child,
# and with --exec as PID 1 itself) cannot create, write, truncate, rename
# into, unlink, mkdir, symlink, hard-link, mkfifo or bind a socket in an
# undeclared world-writable dir (1777) or in an undeclared dir it owns,
# while the same operations work in the --writable dir, /tmp and an
# --allow-write dir, and devices, /dev/shm and /proc/self stay usable. A
# control run without the option shows the same operations succeed, so each
# refusal is the confinement's. What was refused is checked on disk from
# outside. Children and orphans inherit it; started as non-root it applies
# too; a missing or symlinked --allow-write stops the start before anything
# changes; --dry-run lists the rules and -v names the ABI.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# The undeclared dirs must be outside /tmp (a default rule, and $T is there).
A=$(mktemp -d /var/tmp/stepdown-confine.XXXXXX)
trap 'rm -rf "$T" "$A"' EXIT
chmod 0755 "$A"
case "$(realpath "$A")" in /tmp/*) fail "/var/tmp leads into /tmp here"; finish ;; esac
[ -x /usr/bin/python3 ] || { fail "needs /usr/bin/python3 for truncate(2) and bind(2) (tests/run installs it)"; finish; }

in_ns_t() { NS_TIMEOUT=60 in_ns "$@"; }
exists() { [ -e "$1" ] || [ -L "$1" ] && echo present || echo absent; }

landlock=$("$STEPDOWN" --dry-run --confine-writes -u 4242 -- true 2>/dev/null | grep -m1 '^  confine:')
case "$landlock" in
  *"with Landlock ABI"*) pass "this kernel offers Landlock: $landlock" ;;
  *) skip "this kernel has no Landlock ($landlock); t_confine_fallback.sh covers that case" ;;
esac

# probe DIR SRC OUT: every kind of write in DIR, one "op status" line each.
# SRC is a writable dir holding 'in' (to rename into DIR) and 'hl' (to link).
cat > "$T/probe" <<'EOF'
d=$1 src=$2 out=$3
: > "$out" || exit 99
try() { name=$1; shift; "$@" 2>/dev/null; echo "$name $?" >> "$out"; }
try create       sh -c ': > "$1/new"' _ "$d"
try append       sh -c 'echo more >> "$1/old"' _ "$d"
try trunc_open   sh -c ': > "$1/old2"' _ "$d"
try truncate     truncate -s 0 "$d/old3"
try truncate2    /usr/bin/python3 -c 'import os, sys; os.truncate(sys.argv[1], 0)' "$d/old4"
try rename_in    mv "$src/in" "$d/moved"
try rename_here  mv "$d/ren" "$d/renamed"
try unlink       rm -f "$d/del"
try mkdir        mkdir "$d/newdir"
try rmdir        rmdir "$d/emptydir"
try symlink      ln -s target "$d/sym"
try hardlink     ln "$src/hl" "$d/hard"
try mkfifo       mkfifo "$d/fifo"
try socket       /usr/bin/python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$d/sock"
EOF
ops="create append trunc_open truncate truncate2 rename_in rename_here unlink mkdir rmdir symlink hardlink mkfifo socket"

# populate DIR SRC MODE OWNER: the files the probe works on in DIR, and in
# SRC (a dir the workload may write, on the same file system) the file to
# rename into DIR and the one to hard-link there.
populate() {
  mkdir -p "$1" "$2" && chmod "$3" "$1" && chown "$4" "$1"
  for f in old old2 old3 old4 ren del; do echo old > "$1/$f"; done
  mkdir "$1/emptydir"
  echo in > "$2/in"; echo hl > "$2/hl"
  chown 1000:1000 "$1"/* "$2" "$2"/*
}

# expect_all WHAT RESULTS 0|fail: every op's status is 0, or every one is not.
expect_all() {
  local op st
  for op in $ops; do
    st=$(awk -v o="$op" '$1 == o { print $2 }' "$2" 2>/dev/null)
    if [ -z "$st" ]; then fail "$1: $op did not run"
    elif [ "$3" = 0 ]; then expect_eq "$1: $op works" 0 "$st"
    elif [ "$st" != 0 ]; then pass "$1: $op refused (status $st)"
    else fail "$1: $op was allowed"
    fi
  done
}

# Seen from outside: nothing the probe tried in DIR (with SRC) happened.
expect_untouched() {
  local d=$1 src=$2 what=$3 f
  for f in new moved renamed newdir sym hard fifo sock; do
    expect_eq "$what: $f was not made (seen from outside)" absent "$(exists "$d/$f")"
  done
  for f in old old2 old3 old4; do
    expect_eq "$what: $f still holds its data" old "$(cat "$d/$f" 2>/dev/null)"
  done
  for f in ren del emptydir; do
    expect_eq "$what: $f is still there" present "$(exists "$d/$f")"
  done
  expect_eq "$what: the rename source is still there" present "$(exists "$src/in")"
}

# Seen from outside: everything the probe tried in DIR happened.
expect_done() {
  local d=$1 what=$2 f
  for f in new moved renamed newdir sym hard fifo sock; do
    expect_eq "$what: $f was made" present "$(exists "$d/$f")"
  done
  expect_eq "$what: old was appended to" "old more" "$(cat "$d/old" 2>/dev/null | xargs)"
  expect_eq "$what: old3 was truncated" "" "$(cat "$d/old3" 2>/dev/null)"
  expect_eq "$what: old4 was truncated" "" "$(cat "$d/old4" 2>/dev/null)"
  for f in del emptydir; do expect_eq "$what: $f was removed" absent "$(exists "$d/$f")"; done
}

# --- control: without --confine-writes every probe succeeds ----------------
populate "$A/ctl-ww" "$A/ctl-ww.src" 1777 root:root
populate "$A/ctl-own" "$A/ctl-own.src" 0755 1000:1000
in_ns_t "$STEPDOWN" -u app -- sh -c '
  sh "$0/probe" "$1/ctl-ww" "$1/ctl-ww.src" "$0/out/ctl-ww"
  sh "$0/probe" "$1/ctl-own" "$1/ctl-own.src" "$0/out/ctl-own"' "$T" "$A"
expect_eq "control run: exit status" 0 "$?"
expect_all "control, undeclared 1777 dir" "$T/out/ctl-ww" 0
expect_all "control, undeclared dir owned by the user" "$T/out/ctl-own" 0

# --- confined, supervised ---------------------------------------------------
mkdir "$A/data"; echo root > "$A/data/by-root"      # re-owned by the walk
populate "$A/ww" "$A/data/src-ww" 1777 root:root
populate "$A/own" "$A/data/src-own" 0755 1000:1000
echo keep > "$A/own/allowed-file"; chown 1000:1000 "$A/own/allowed-file"
populate "$A/data/d" "$A/data/d.src" 0755 1000:1000
populate "$A/extra" "$A/extra/.src" 0755 1000:1000
populate "$T/tmpd" "$T/tmpd.src" 0755 1000:1000
etc_probe=/etc/stepdown-confine-probe-$$
rm -f "$etc_probe"

workload='T=$0 A=$1 etc=$2
  sh "$T/probe" "$A/ww" "$A/data/src-ww" "$T/out/ww"
  sh "$T/probe" "$A/own" "$A/data/src-own" "$T/out/own"
  sh "$T/probe" "$A/data/d" "$A/data/d.src" "$T/out/data"
  sh "$T/probe" "$A/extra" "$A/extra/.src" "$T/out/extra"
  sh "$T/probe" "$T/tmpd" "$T/tmpd.src" "$T/out/tmp"
  # (a redirection that fails on ":" would end the shell: subshells)
  (: > "$etc") 2>/dev/null; echo "etc $?" > "$T/out/misc"
  (echo ok >> "$A/own/allowed-file"); echo "allowed_file $?" >> "$T/out/misc"
  (: > "$A/own/beside-allowed-file") 2>/dev/null; echo "beside_allowed_file $?" >> "$T/out/misc"
  echo x > /dev/null; echo "dev_null $?" >> "$T/out/misc"
  (exec 3>/dev/zero) 2>/dev/null; echo "dev_zero $?" >> "$T/out/misc"
  (exec 3>/dev/full) 2>/dev/null; echo "dev_full $?" >> "$T/out/misc"
  (exec 3<>/dev/ptmx) 2>/dev/null; echo "dev_ptmx $?" >> "$T/out/misc"
  f=/dev/shm/stepdown-confine-${T##*/}; (: > "$f") && rm "$f"; echo "dev_shm $?" >> "$T/out/misc"
  echo 500 > /proc/self/oom_score_adj; echo "proc_self $?" >> "$T/out/misc"
  echo "$HOME" > "$T/out/home"
  cat "/proc/$$/status" > "$T/out/status"
  sh -c ": > \"$A/ww/child\"" 2>/dev/null; echo "child $?" >> "$T/out/misc"
  sh -c "sh -c \": > $A/ww/grandchild\"" 2>/dev/null; echo "grandchild $?" >> "$T/out/misc"
  # an orphan: its parent exits at once, it is reparented to PID 1
  (sh -c "sleep 0.3; (: > $A/ww/orphan) 2>/dev/null; echo \$? > $T/out/orphan.rc; cat /proc/\$\$/status > $T/out/orphan.status" &)
  n=0; while [ ! -s "$T/out/orphan.status" ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done'
in_ns_t "$STEPDOWN" -u app -w "$A/data" --confine-writes --allow-write "$A/extra" \
  --allow-write "$A/own/allowed-file" -- sh -c "$workload" "$T" "$A" "$etc_probe" 2>"$T/err"
expect_eq "confined run: exit status" 0 "$?"

expect_all "confined, undeclared 1777 dir" "$T/out/ww" fail
expect_untouched "$A/ww" "$A/data/src-ww" "confined, undeclared 1777 dir"
expect_all "confined, undeclared dir owned by the user" "$T/out/own" fail
expect_untouched "$A/own" "$A/data/src-own" "confined, undeclared dir owned by the user"
expect_all "confined, the --writable dir" "$T/out/data" 0
expect_done "$A/data/d" "confined, the --writable dir"
expect_eq "the --writable dir was re-owned before the confinement" 1000 "$(stat -c %u "$A/data/by-root")"
expect_all "confined, an --allow-write dir" "$T/out/extra" 0
expect_done "$A/extra" "confined, an --allow-write dir"
expect_all "confined, /tmp (default)" "$T/out/tmp" 0
expect_done "$T/tmpd" "confined, /tmp (default)"

misc() { awk -v o="$1" '$1 == o { print $2 }' "$T/out/misc" 2>/dev/null; }
if [ "$(misc etc)" != 0 ]; then pass "/etc (root-owned) not writable"; else fail "/etc was writable"; fi
expect_eq "/etc: nothing made there (seen from outside)" absent "$(exists "$etc_probe")"
expect_eq "an --allow-write file can be written" 0 "$(misc allowed_file)"
expect_eq "an --allow-write file: the write reached the disk" "keep ok" "$(xargs < "$A/own/allowed-file")"
if [ "$(misc beside_allowed_file)" != 0 ]; then pass "an --allow-write file allows nothing beside it"; else fail "a file beside an --allow-write file was created"; fi
expect_eq "an --allow-write file allows nothing beside it (seen from outside)" absent "$(exists "$A/own/beside-allowed-file")"
for dev in dev_null dev_zero dev_full dev_ptmx dev_shm proc_self; do
  expect_eq "default: $dev usable" 0 "$(misc "$dev")"
done
expect_eq "HOME not declared: the workload gets /tmp" /tmp "$(cat "$T/out/home" 2>/dev/null)"
expect_match "HOME not declared: a notice says so" 'HOME /home/app .*--confine-writes.*/tmp' "$(cat "$T/err")"
f="$T/out/status"
expect_eq "workload: Uid" "1000 1000 1000 1000" "$(status_field "$f" Uid | tr -s '\t ' ' ')"
expect_eq "workload: NoNewPrivs" 1 "$(status_field "$f" NoNewPrivs)"
expect_eq "workload: CapEff" 0000000000000000 "$(status_field "$f" CapEff)"
if [ "$(misc child)" != 0 ]; then pass "a child is confined too"; else fail "a child could write"; fi
if [ "$(misc grandchild)" != 0 ]; then pass "a grandchild is confined too"; else fail "a grandchild could write"; fi
rc=$(cat "$T/out/orphan.rc" 2>/dev/null)
if [ -n "$rc" ] && [ "$rc" != 0 ]; then pass "an orphan (reparented to PID 1) is confined too"; else fail "orphan: [$rc]"; fi
expect_eq "orphan: still NoNewPrivs" 1 "$(status_field "$T/out/orphan.status" NoNewPrivs)"
for f in child grandchild orphan; do
  expect_eq "$f: nothing made (seen from outside)" absent "$(exists "$A/ww/$f")"
done

# --- HOME declared with -w: kept, and writable -----------------------------
rm -f "$T/out"/*
in_ns_t "$STEPDOWN" -u app -w /home/app --confine-writes -- sh -c \
  'echo "$HOME" > "$0/out/home"; : > "$HOME/.cache-probe"; echo $? > "$0/out/rc"' "$T"
expect_eq "-w HOME: exit status" 0 "$?"
expect_eq "-w HOME: HOME kept" /home/app "$(cat "$T/out/home" 2>/dev/null)"
expect_eq "-w HOME: writable" 0 "$(cat "$T/out/rc" 2>/dev/null)"
expect_eq "-w HOME: the file is on disk" present "$(exists "$T/home/app/.cache-probe")"

# --- --exec: the workload is PID 1 itself, confined -------------------------
rm -f "$T/out"/*
populate "$A/ww-exec" "$A/data/src-ww-exec" 1777 root:root
populate "$A/data/e" "$A/data/e.src" 0755 1000:1000
in_ns_t "$STEPDOWN" --exec -u app -w "$A/data" --confine-writes -- sh -c '
  echo $$ > "$0/out/pid"
  sh "$0/probe" "$1/ww-exec" "$1/data/src-ww-exec" "$0/out/ww-exec"
  sh "$0/probe" "$1/data/e" "$1/data/e.src" "$0/out/data-exec"' "$T" "$A" 2>/dev/null
expect_eq "--exec: exit status" 0 "$?"
expect_eq "--exec: the workload is PID 1" 1 "$(cat "$T/out/pid" 2>/dev/null)"
expect_all "--exec, undeclared 1777 dir" "$T/out/ww-exec" fail
expect_untouched "$A/ww-exec" "$A/data/src-ww-exec" "--exec, undeclared 1777 dir"
expect_all "--exec, the --writable dir" "$T/out/data-exec" 0

# --- started as non-root: Landlock needs no privilege ----------------------
rm -f "$T/out"/*
populate "$A/ww-nonroot" "$A/data/src-ww-nonroot" 1777 root:root
populate "$A/data/n" "$A/data/n.src" 0755 1000:1000
STEPDOWN_CONFINE_WRITES=1 in_ns_t setpriv --reuid=1000 --regid=1000 --clear-groups -- \
  "$STEPDOWN" -w "$A/data" -- sh -c '
  sh "$0/probe" "$1/ww-nonroot" "$1/data/src-ww-nonroot" "$0/out/ww-nonroot"
  sh "$0/probe" "$1/data/n" "$1/data/n.src" "$0/out/data-nonroot"' "$T" "$A" 2>/dev/null
expect_eq "non-root start (STEPDOWN_CONFINE_WRITES=1): exit status" 0 "$?"
expect_all "non-root start, undeclared 1777 dir" "$T/out/ww-nonroot" fail
expect_untouched "$A/ww-nonroot" "$A/data/src-ww-nonroot" "non-root start, undeclared 1777 dir"
expect_all "non-root start, the --writable dir" "$T/out/data-nonroot" 0

# --- a bad --allow-write stops the start before anything changes -----------
mkdir -p "$A/real"; ln -s real "$A/link"
for bad in "$A/missing" "$A/link" "$A/link/x"; do
  rm -f "$T/out"/*
  err=$(in_ns_t "$STEPDOWN" -u app -w "$A/created" --confine-writes --allow-write "$bad" \
    -- touch "$T/out/ran" 2>&1)
  expect_eq "--allow-write $bad: exit status" 125 "$?"
  expect_match "--allow-write $bad: the error names it" \
    "^stepdown: error: --allow-write: '($A/missing|$A/link)' (does not exist|is a symlink)" "$err"
  expect_eq "--allow-write $bad: the workload did not run" absent "$(exists "$T/out/ran")"
  expect_eq "--allow-write $bad: the -w dir was not created" absent "$(exists "$A/created")"
done

# --- --dry-run lists the rules; -v names the ABI -----------------------------
out=$(in_ns_t "$STEPDOWN" --dry-run -u app -w "$A/planned" --confine-writes \
  --allow-write "$A/extra" --allow-write /dev/null -- true 2>"$T/err")
expect_eq "dry run: exit status" 0 "$?"
expect_eq "dry run: nothing on stderr" "" "$(cat "$T/err")"
expect_eq "dry run: the -w dir was not created" absent "$(exists "$A/planned")"
expect_match "dry run: the ABI" '^  confine:   writes, with Landlock ABI [1-9].*rights handled: write_file' "$out"
expect_match "dry run: the -w dir, every right" "^  may write: $A/planned \(--writable, would be created\): every write right" "$out"
expect_match "dry run: /tmp" '^  may write: /tmp(| -> .*) \(default\): every write right' "$out"
expect_match "dry run: /dev, existing files only" '^  may write: /dev \(default\): write_file(,truncate)? \(existing files only' "$out"
expect_match "dry run: an --allow-write dir" "^  may write: $A/extra \(--allow-write\): every write right" "$out"
expect_match "dry run: an --allow-write file, file rights" '^  may write: /dev/null \(--allow-write, a file\): write_file(,truncate)?$' "$out"
expect_match "dry run: HOME would become /tmp" '^  confine:   HOME /home/app is not under a writable rule: the workload gets HOME=/tmp' "$out"

err=$(in_ns_t "$STEPDOWN" -v -u app --confine-writes -- true 2>&1)
expect_eq "-v: exit status" 0 "$?"
expect_match "-v: the ABI used" '^stepdown: --confine-writes: Landlock ABI [1-9]' "$err"
expect_match "-v: the rules enforced" '^stepdown: writes confined with Landlock ABI [1-9]: [0-9]+ rules' "$err"
finish
