#!/bin/bash
# Privilege and reporting around the walk: no CAP_CHOWN, or no
# CAP_DAC_READ_SEARCH/DAC_OVERRIDE to enter a dir, is one clear message
# naming the capability to add (125, workload not run); a missing declared
# dir is created (parents root 0755, the dir the target's, 0755); --dry-run
# counts without changing or creating; -v gives a summary line per dir;
# started as non-root, an unwritable declared dir is a warning, not a failure.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
command -v capsh >/dev/null || skip "needs capsh (libcap2-bin; tests/run installs it)"

# state DIR: owner, mode, ctime (ns) and path of every entry.
state() { find "$1" -printf '%U:%G %m %C@ %p\n' | sort -k4; }

# ---- no CAP_CHOWN -------------------------------------------------------
W=$T/w1
mkdir -p "$W/a"; echo f > "$W/a/f"; chown -R 0:0 "$W"
before=$(state "$W")
in_ns capsh --drop=cap_chown -- -c \
  "exec '$STEPDOWN' -u app -w '$W' -w '$T/missing1/x' -- touch '$T/out/MARK'" 2>"$T/err"
expect_eq "no CAP_CHOWN: 125" 125 "$?"
err=$(cat "$T/err")
expect_match "  names CAP_CHOWN" "CAP_CHOWN" "$err"
expect_match "  says what to add" "--cap-add CHOWN" "$err"
expect_eq "  one message" 1 "$(grep -c . "$T/err")"
[ ! -e "$T/out/MARK" ] && pass "  the workload did not run" || fail "  the workload ran (MARK exists)"
expect_eq "  owners, modes and ctimes unchanged" "$before" "$(state "$W")"
[ ! -e "$T/missing1" ] && pass "  the missing dir was not created" || fail "  $T/missing1 was created"

# ---- no CAP_CHOWN and no --writable: not needed, the workload runs ------
rm -f "$T/out/MARK"
in_ns capsh --drop=cap_chown -- -c \
  "exec '$STEPDOWN' -u app -- sh -c 'id -u > $T/out/MARK'" 2>"$T/err"
expect_eq "no CAP_CHOWN without --writable: the workload runs (0)" 0 "$?"
expect_eq "  as uid 1000" 1000 "$(cat "$T/out/MARK" 2>/dev/null)"
expect_eq "  no message" "" "$(cat "$T/err")"

# ---- no CAP_DAC_OVERRIDE: creating a dir in a parent root does not own ---
P=$T/apphome
mkdir -p "$P"; chown 1000:1000 "$P"; chmod 0755 "$P"
in_ns capsh --drop=cap_dac_override -- -c \
  "exec '$STEPDOWN' -u app -w '$P/.cache' -- touch '$T/out/MARK3'" 2>"$T/err"
expect_eq "no DAC_OVERRIDE, -w missing dir in a parent owned by 1000: 125" 125 "$?"
expect_match "  names DAC_OVERRIDE and what to add" "--cap-add DAC_OVERRIDE" "$(cat "$T/err")"
[ ! -e "$T/out/MARK3" ] && pass "  the workload did not run" || fail "  the workload ran"
[ ! -e "$P/.cache" ] && pass "  nothing created" || fail "  $P/.cache was created"
expect_eq "  (control) with DAC_OVERRIDE the same start works" 0 \
  "$(in_ns "$STEPDOWN" -u app -w "$P/.cache" -- true 2>/dev/null; echo $?)"
expect_eq "  control: created, owned by 1000" 1000 "$(stat -c %u "$P/.cache")"

# ---- no CAP_DAC_READ_SEARCH / CAP_DAC_OVERRIDE: a mode 000 dir ----------
W=$T/w2
mkdir -p "$W/open" "$W/locked/inner"
echo f > "$W/open/f"; echo s > "$W/locked/inner/s"
chown -R 0:0 "$W"
chmod 000 "$W/locked"
in_ns capsh --drop=cap_dac_read_search,cap_dac_override -- -c \
  "exec '$STEPDOWN' -u app -w '$W' -- touch '$T/out/MARK2'" 2>"$T/err"
expect_eq "no DAC_READ_SEARCH with a mode 000 dir: 125" 125 "$?"
err=$(cat "$T/err")
expect_match "  names DAC_READ_SEARCH" "DAC_READ_SEARCH" "$err"
expect_match "  says what to add" "--cap-add DAC_READ_SEARCH" "$err"
expect_match "  names the dir it could not enter" "$W/locked" "$err"
[ ! -e "$T/out/MARK2" ] && pass "  the workload did not run" || fail "  the workload ran (MARK2 exists)"
expect_eq "  the locked dir's content untouched" "0:0 0:0" "$(stat -c %u:%g "$W/locked/inner" "$W/locked/inner/s" | xargs)"
chmod 0755 "$W/locked"

# ---- a missing declared dir is created ----------------------------------
(umask 077; in_ns "$STEPDOWN" -u app -w "$T/new/a/b" -- /bin/sh -c 'echo ok > "$0/written"' "$T/new/a/b") 2>"$T/err"
expect_eq "missing declared dir: exit 0" 0 "$?"
expect_eq "  missing parents root-owned 0755 (despite umask 077)" "0:0 755 0:0 755" \
  "$(stat -c '%u:%g %a' "$T/new" "$T/new/a" | xargs)"
expect_eq "  the dir itself app-owned 0755" "1000:1000 755" "$(stat -c '%u:%g %a' "$T/new/a/b" 2>&1)"
expect_eq "  the workload wrote there as app" 1000:1000 "$(stat -c %u:%g "$T/new/a/b/written" 2>&1)"
# An existing parent keeps its owner and mode.
mkdir -p "$T/keep"; chown 1001:1001 "$T/keep"; chmod 0751 "$T/keep"
in_ns "$STEPDOWN" -u app -w "$T/keep/made" -- true 2>"$T/err"
expect_eq "missing dir under an existing parent: exit 0" 0 "$?"
expect_eq "  the existing parent unchanged" "1001:1001 751" "$(stat -c '%u:%g %a' "$T/keep")"
expect_eq "  the new dir app-owned 0755" "1000:1000 755" "$(stat -c '%u:%g %a' "$T/keep/made" 2>&1)"

# ---- --dry-run counts, changes nothing, creates nothing -----------------
W=$T/w3
mkdir -p "$W/sub" "$T/outside3"
echo 1 > "$W/f1"; echo 2 > "$W/f2"; echo 3 > "$W/sub/f3"; echo o > "$W/sub/owned"
echo h > "$T/outside3/h"; ln "$T/outside3/h" "$W/sub/hl"
chown -R 0:0 "$W" "$T/outside3"; chown 1000:1000 "$W/sub/owned"
before=$(state "$W")
out=$(in_ns "$STEPDOWN" --dry-run -u app -w "$W" -w "$T/missing3/x" -- touch "$T/out/MARK3" 2>"$T/err")
expect_eq "--dry-run: exit 0" 0 "$?"
expect_match "  counts what would change" \
  "$W: 7 entries, 5 would change, 1 already owned, 1 hard-linked left alone, 0 mounts not entered" "$out"
expect_match "  a missing dir: would be created" "$T/missing3/x \(missing: would be created, owned by 1000:1000\)" "$out"
expect_eq "  owners, modes and ctimes unchanged" "$before" "$(state "$W")"
expect_eq "  the outside file untouched" 0:0 "$(stat -c %u:%g "$T/outside3/h")"
[ ! -e "$T/missing3" ] && pass "  the missing dir was not created" || fail "  $T/missing3 was created"
[ ! -e "$T/out/MARK3" ] && pass "  the workload did not run" || fail "  the workload ran"

# ---- -v: one summary line per dir ---------------------------------------
mkdir -p "$T/w4/d" "$T/w5"; echo x > "$T/w4/d/x"; chown -R 0:0 "$T/w4" "$T/w5"
in_ns "$STEPDOWN" -v -u app -w "$T/w4" -w "$T/w5" -- true 2>"$T/err"
expect_eq "-v: exit 0" 0 "$?"
expect_eq "-v: one summary line per dir" 2 "$(grep -c 'entries seen' "$T/err")"
expect_match "  for the first" "$T/w4: 3 entries seen, 3 changed, 0 already owned" "$(cat "$T/err")"
expect_match "  for the second" "$T/w5: 1 entries seen, 1 changed, 0 already owned" "$(cat "$T/err")"
in_ns "$STEPDOWN" -u app -w "$T/w4" -- true 2>"$T/err"
expect_eq "without -v: no summary" "" "$(grep 'entries seen' "$T/err")"

# ---- started as non-root: an unwritable declared dir is a warning -------
mkdir -p "$T/notw" "$T/yesw"; chown 0:0 "$T/notw"; chmod 0755 "$T/notw"; chown 1234:1234 "$T/yesw"
nbefore=$(state "$T/notw"); ybefore=$(state "$T/yesw")
HOME=/tmp in_ns setpriv --reuid 1234 --regid 1234 --clear-groups \
  "$STEPDOWN" -u app -w "$T/notw" -w "$T/yesw" -- touch "$T/out/MARK6" 2>"$T/err"
expect_eq "non-root with an unwritable dir: exit 0" 0 "$?"
[ -e "$T/out/MARK6" ] && pass "  the workload ran" || fail "  the workload did not run"
expect_match "  warns naming the dir" "warning: .*$T/notw.* not writable by uid 1234" "$(cat "$T/err")"
expect_eq "  no warning about the writable one" "" "$(grep "$T/yesw" "$T/err")"
expect_eq "  nothing changed" "$nbefore|$ybefore" "$(state "$T/notw")|$(state "$T/yesw")"
finish
