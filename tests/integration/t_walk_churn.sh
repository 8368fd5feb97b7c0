#!/bin/bash
# Ordinary concurrent changes do not abort a start: while another process
# creates, fills, moves (some 90 levels deep, below the levels the walk has
# to close and find again) and deletes directories in a declared tree at
# full speed, 120 starts in a row each exit 0. An entry that vanishes is
# not an error, a directory moved away mid-walk is reported once (no
# cascade of errors), and once the churn stops one start owns everything.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=60
: "${ATTACKER:?ATTACKER must point at the test attacker}"

W=$T/w
mkdir -p "$W/area" "$W/static"
for i in $(seq 1 20); do mkdir -p "$W/static/d$i"; for j in 1 2 3 4 5; do echo x > "$W/static/d$i/f$j"; done; done
chmod 0777 "$W/area"
# The churner is root (a sidecar, another replica's init): it can keep
# going whoever the walk gives the tree to.
"$ATTACKER" churn 120 "$W/area" > "$T/churn" &
churner=$!
trap 'kill -TERM "$churner" 2>/dev/null; wait; rm -rf "$T"' EXIT

users=(app other) jobs=(1 4)
bad=0 cascades=0 moved=0
for n in $(seq 1 120); do
  k=$((n % 2))
  in_ns "$STEPDOWN" --jobs "${jobs[$k]}" -u "${users[$k]}" -w "$W" -- true 2>"$T/err"
  rc=$?
  if [ "$rc" != 0 ]; then
    bad=$((bad + 1))
    [ "$bad" -le 3 ] && fail "start $n (${users[$k]}, --jobs ${jobs[$k]}): exit $rc: $(grep -v "moved away" "$T/err" | head -3)"
  fi
  [ "$(grep -c "error" "$T/err")" -gt 0 ] && cascades=$((cascades + 1))
  grep -q "moved away during the walk" "$T/err" && moved=$((moved + 1))
done
kill -TERM "$churner"; wait "$churner"
read -r ops rounds < "$T/churn"
echo "info: 120 starts, $ops churn operations in $rounds rounds; $moved starts reported a directory moved away"
[ "$ops" -ge 20 ] && pass "the churn kept changing the tree ($ops operations)" || fail "only $ops churn operations"
expect_eq "every start exited 0" 0 "$bad"
expect_eq "no start printed an error" 0 "$cascades"

in_ns "$STEPDOWN" -u app -w "$W" -- true 2>"$T/err"
expect_eq "quiet again: exit 0" 0 "$?"
expect_eq "  every entry is app's" "" "$(find "$W" \( ! -user 1000 -o ! -group 1000 \) -print | head -3)"

# At its exact window (test hooks): 40 levels down, below levels the walk
# has closed, a middle level is moved out of the tree and its parent
# renamed, so the closed levels cannot be found again (one walker: with
# more, another may hold the levels open). Reported once, not
# an error; the levels above are found again and finished.
: "${HOOKED:?HOOKED must point at stepdown_hooked}"
D=$T/deep; rm -rf "$D"; mkdir -p "$D/w"
p=$D/w/top; for i in $(seq 1 40); do p=$p/c$i; done; mkdir -p "$p"
touch "$p/deepest" "$D/w/top/c1/c2/sibling-file"; mkdir "$D/w/top/c1/c2/sibling-dir"
chown -R 0:0 "$D"
STEPDOWN_TEST_HOOK="seen deepest" \
STEPDOWN_TEST_HOOK_CMD="mv '$D/w/top/c1/c2/c3/c4' '$D/elsewhere' && mv '$D/w/top/c1/c2/c3' '$D/w/top/c1/c2/c3x'" \
  in_ns "$HOOKED" --jobs 1 -u app -w "$D/w" -- true 2>"$T/err"
expect_eq "a closed level moved away mid-walk: exit 0" 0 "$?"
[ -d "$D/w/top/c1/c2/c3x" ] && pass "  the attacker's step ran" || fail "  the attacker's step did not run"
expect_eq "  reported once" 1 "$(grep -c 'moved away during the walk' "$T/err")"
expect_eq "  and no error" 0 "$(grep -c 'error' "$T/err")"
expect_eq "  the levels above it finished: app's" "1000:1000 1000:1000 1000:1000 1000:1000" \
  "$(stat -c %u:%g "$D/w" "$D/w/top/c1" "$D/w/top/c1/c2/sibling-file" "$D/w/top/c1/c2/sibling-dir" | xargs)"
finish
