#!/bin/bash
# The walk's races by luck rather than at their windows (t_walk_attacks.sh
# drives each window exactly): an attacker at full speed on the other CPU
# while stepdown starts again and again. After every start nothing outside
# the declared tree has changed owner or mode.
#   1. two replicas of stepdown on one volume, each re-owning directories
#      the other is still walking, while the user swaps (RENAME_EXCHANGE)
#      hard links to an outside root 0600 file with the entries;
#   1b. one stepdown with --jobs 4 walking one directory twice (the user
#      renames it back and forth), with the same swaps;
#   2. another uid links an outside file into a dir of the tree and unlinks
#      it again, over and over;
#   4. another uid flips a root 0700 directory onto the declared name that
#      stepdown is about to create, and back.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
export NS_TIMEOUT=30
: "${ATTACKER:?ATTACKER must point at the test attacker}"
SECONDS_EACH=${RACE_SECONDS:-10}

O=$T/outside
mkdir -p "$O" "$T/att"; chown 0:0 "$O"
echo 'root:$6$secret' > "$O/shadow"; chmod 0600 "$O/shadow"
echo public > "$O/pub"; chmod 0666 "$O/pub"
attacker_pid=
trap 'kill -TERM $attacker_pid 2>/dev/null; wait; rm -rf "$T"' EXIT
# (The attackers are started by setpriv directly, not through a shell
# function, so that $! is the attacker itself; each stops by itself too.)

# --- 1: two replicas, and the user swapping hard links in ------------------
W=$T/w1
pairs=()
for i in $(seq 1 8); do
  mkdir -p "$W/cache/d$i"
  for j in $(seq 1 25); do echo w > "$W/cache/d$i/f$j"; done
  mkdir -p "$W/att"; ln "$O/shadow" "$W/att/h$i"
  for j in 1 5 10 15 20 25; do pairs+=("$W/att/h$i" "$W/cache/d$i/f$j"); done
done
setpriv --reuid 1000 --regid 1000 --clear-groups "$ATTACKER" exchange 90 "${pairs[@]}" > "$T/att/ex" &
attacker_pid=$!
rounds=0 hurt=0 bad=0 start=$SECONDS
while [ $((SECONDS - start)) -lt "$SECONDS_EACH" ] || [ "$rounds" -lt 10 ]; do
  chown -R 0:0 "$W"; chown 1000:1000 "$W/att"   # every round: all to change again
  in_ns "$STEPDOWN" --jobs 2 -u app -w "$W" -- true 2>"$T/err1" & a=$!
  in_ns "$STEPDOWN" --jobs 2 -u app -w "$W" -- true 2>"$T/err2" & b=$!
  wait $a; ra=$?; wait $b; rb=$?
  rounds=$((rounds + 1))
  for rc in $ra $rb; do [ "$rc" = 0 ] || { bad=$((bad + 1)); [ "$bad" -le 2 ] && fail "1: round $rounds: exit $rc: $(head -2 "$T/err1" "$T/err2")"; }; done
  [ "$(stat -c '%u:%g %a' "$O/shadow")" = "0:0 600" ] || { hurt=$((hurt + 1)); chown 0:0 "$O/shadow"; chmod 0600 "$O/shadow"; }
  [ $((SECONDS - start)) -ge 60 ] && break
done
kill -TERM $attacker_pid; wait $attacker_pid
read -r swaps failed < "$T/att/ex"
echo "info: 1: $rounds rounds of two replicas, $swaps exchanges done ($failed refused)"
[ "$swaps" -gt 0 ] && pass "1: the user's exchanges went through ($swaps)" || fail "1: no exchange ever went through"
expect_eq "1: the outside file kept owner and mode after every round" 0 "$hurt"
expect_eq "1: every start exited 0" 0 "$bad"

# --- 1b: one stepdown with jobs, the same directory walked twice ----------
# A root-only dir inside a dir the user owns: the user renames it back and
# forth, so the listing shows it again under the other name and two
# walkers walk it at once; the first to leave it re-owns it while the
# other is still inside, and the user then swaps hard links in.
W=$T/w1b
mkdir -p "$W/u/r"
for j in $(seq 1 40); do echo w > "$W/u/r/f$j"; done
ln "$O/shadow" "$W/u/h"
pairs=(); for j in 1 10 20 30 40; do pairs+=("$W/u/h" "$W/u/r/f$j"); done
setpriv --reuid 1000 --regid 1000 --clear-groups "$ATTACKER" flip 90 "$W/u/r" "$W/u/r2" > "$T/att/fl1" &
flipper=$!
setpriv --reuid 1000 --regid 1000 --clear-groups "$ATTACKER" exchange 90 "${pairs[@]}" > "$T/att/ex1" &
attacker_pid="$flipper $!"
rounds=0 hurt=0 bad=0 start=$SECONDS
while [ $((SECONDS - start)) -lt "$SECONDS_EACH" ] || [ "$rounds" -lt 10 ]; do
  chown -R 0:0 "$W"; chown 1000:1000 "$W/u"
  in_ns "$STEPDOWN" --jobs 4 -u app -w "$W" -- true 2>"$T/err"
  rc=$?; rounds=$((rounds + 1))
  [ "$rc" = 0 ] || { bad=$((bad + 1)); [ "$bad" -le 2 ] && fail "1b: round $rounds: exit $rc: $(head -2 "$T/err")"; }
  [ "$(stat -c '%u:%g %a' "$O/shadow")" = "0:0 600" ] || { hurt=$((hurt + 1)); chown 0:0 "$O/shadow"; chmod 0600 "$O/shadow"; }
  [ $((SECONDS - start)) -ge 60 ] && break
done
kill -TERM $attacker_pid; wait $attacker_pid
read -r flips _ < "$T/att/fl1"; read -r swaps _ < "$T/att/ex1"
echo "info: 1b: $rounds starts with --jobs 4, $flips renames, $swaps exchanges"
[ "$flips" -gt 100 ] && pass "1b: the user renamed the dir at full speed ($flips)" || fail "1b: only $flips renames"
expect_eq "1b: the outside file kept owner and mode after every start" 0 "$hurt"
expect_eq "1b: every start exited 0" 0 "$bad"

# --- 2: link in, unlink, over and over --------------------------------------
W=$T/w2
mkdir -p "$W/d"; chown 4444:4444 "$W/d"; chmod 0777 "$W/d"
for i in $(seq 1 30); do echo x > "$W/d/own$i"; done
targets=(); for i in $(seq 1 30); do targets+=("$O/pub" "$W/d/n$i"); done
setpriv --reuid 4444 --regid 4444 --clear-groups "$ATTACKER" toggle-link 90 "${targets[@]}" > "$T/att/tl" &
attacker_pid=$!
rounds=0 hurt=0 bad=0 start=$SECONDS
while [ $((SECONDS - start)) -lt "$SECONDS_EACH" ] || [ "$rounds" -lt 20 ]; do
  chown 4444:4444 "$W/d"; chown 0:0 "$W" "$W"/d/own*
  in_ns "$STEPDOWN" --jobs 1 -u app -w "$W" -- true 2>"$T/err"
  rc=$?; rounds=$((rounds + 1))
  [ "$rc" = 0 ] || { bad=$((bad + 1)); [ "$bad" -le 2 ] && fail "2: round $rounds: exit $rc: $(head -2 "$T/err")"; }
  [ "$(stat -c '%u:%g %a' "$O/pub")" = "0:0 666" ] || { hurt=$((hurt + 1)); chown 0:0 "$O/pub"; }
  [ $((SECONDS - start)) -ge 60 ] && break
done
kill -TERM $attacker_pid; wait $attacker_pid
read -r toggles failed < "$T/att/tl"
echo "info: 2: $rounds starts, $toggles link/unlink pairs"
[ "$toggles" -gt 1000 ] && pass "2: the attacker ran at full speed ($toggles)" || fail "2: only $toggles toggles"
expect_eq "2: the outside file kept owner and mode after every start" 0 "$hurt"
expect_eq "2: every start exited 0" 0 "$bad"

# --- 4: a root 0700 dir flipped onto the name being created ----------------
P=$T/p4
mkdir -p "$P/secret"; echo k > "$P/secret/key"
chown 4444:4444 "$P"; chown -R 0:0 "$P/secret"; chmod 0700 "$P/secret"; chmod 0600 "$P/secret/key"
setpriv --reuid 4444 --regid 4444 --clear-groups "$ATTACKER" flip 90 "$P/secret" "$P/cache" > "$T/att/fl" &
attacker_pid=$!
rounds=0 opened=0 bad=0 refused=0 start=$SECONDS
secret_mode() { stat -c '%a' "$P/secret" 2>/dev/null || stat -c '%a' "$P/cache"; }
while [ $((SECONDS - start)) -lt "$SECONDS_EACH" ] || [ "$rounds" -lt 20 ]; do
  in_ns "$STEPDOWN" -u app -w "$P/cache" -- true 2>"$T/err"
  rc=$?; rounds=$((rounds + 1))
  case $rc in 0) ;; 125) refused=$((refused + 1)) ;; *) bad=$((bad + 1)) ;; esac
  # The secret, wherever the flipping left it (the attacker paused for
  # the look): still 0700, its file 0600.
  # (SIGSTOP is asynchronous: wait until the attacker is really stopped,
  # or a rename still in flight can hide the secret from the look.)
  kill -STOP $attacker_pid
  for _ in $(seq 500); do
    [ "$(awk '{print $3}' /proc/$attacker_pid/stat 2>/dev/null)" = T ] && break
    sleep 0.01
  done
  m=$(find "$P" -maxdepth 2 -name key -printf '%m %h' | head -1)
  if ! { [ "${m%% *}" = 600 ] && [ "$(stat -c %a "${m#* }")" = 700 ]; }; then
    opened=$((opened + 1))
    [ "$opened" -le 2 ] && fail "4: round $rounds: the secret's key is '${m:-not found}', its dir $(stat -c %a "${m#* }" 2>&1); $(ls -la "$P" | tr '\n' ' ')"
  fi
  rmdir "$P/cache" 2>/dev/null   # an empty dir we made: gone again for the next start
  kill -CONT $attacker_pid
  [ $((SECONDS - start)) -ge 60 ] && break
done
kill -TERM $attacker_pid; wait $attacker_pid
read -r flips failed < "$T/att/fl"
echo "info: 4: $rounds starts ($refused refused: the name appeared while being created), $flips flips"
[ "$flips" -gt 100 ] && pass "4: the attacker flipped at full speed ($flips)" || fail "4: only $flips flips"
expect_eq "4: no start opened the secret up (its mode and its file's)" 0 "$opened"
expect_eq "4: every start exited 0 or 125" 0 "$bad"
finish
