#!/bin/bash
# Started as non-root (docker run --user 1234, OpenShift): no failure; the
# identity is kept, said once, capabilities shed, init duties still done.
# Root without the capabilities to drop, or a setuid/setgid install: 125.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

snap='cat /proc/self/status > "$0/work.status"; echo "$HOME" > "$0/home"; ( sleep 0.2 & ); sleep 0.5
      set -- $(sed "s/.*) //" /proc/1/stat); echo "$1" > "$0/pid1.state"; exit 6'

HOME=/root in_ns setpriv --reuid 1234 --regid 1234 --clear-groups \
  "$STEPDOWN" -u app -- /bin/sh -c "$snap" "$T/out" 2>"$T/err"
expect_eq "exit status is the workload's" 6 "$?"
expect_eq "workload keeps uid 1234" "1234 1234 1234 1234" "$(status_field "$T/out/work.status" Uid | tr -s '\t ' ' ')"
expect_eq "workload keeps gid 1234" "1234 1234 1234 1234" "$(status_field "$T/out/work.status" Gid | tr -s '\t ' ' ')"
expect_eq "no capabilities" 0000000000000000 "$(status_field "$T/out/work.status" CapEff)"
expect_eq "no_new_privs set anyway" 1 "$(status_field "$T/out/work.status" NoNewPrivs)"
expect_eq "said once on stderr" 1 "$(grep -c "started as uid 1234 gid 1234, not root" "$T/err")"
expect_match "  naming the user it could not become" "not as 'app' \(uid 1000" "$(cat "$T/err")"
expect_eq "unwritable HOME replaced by /tmp" /tmp "$(cat "$T/out/home")"
expect_match "  and said so, with what stops it" "HOME /root is not writable by uid 1234: /root is mode 0700, owned by 0:0 \(not writable\); using /tmp" "$(cat "$T/err")"

# No --user at all as non-root is fine too, and a writable HOME is kept.
mkdir -p "$T/h1234" && chown 1234 "$T/h1234"
HOME="$T/h1234" in_ns setpriv --reuid 1234 --regid 1234 --clear-groups \
  "$STEPDOWN" -- /bin/sh -c 'echo "$HOME|$USER"' > "$T/out/env" 2>"$T/err"
expect_eq "no --user as non-root: exit 0" 0 "$?"
expect_eq "writable HOME kept, USER is the uid" "$T/h1234|1234" "$(cat "$T/out/env")"

# Root without SETUID in its effective set cannot drop for good: 125.
command -v capsh >/dev/null || skip "needs capsh (libcap2-bin; tests/run installs it)"
in_ns capsh --drop=cap_setuid -- -c "exec $STEPDOWN -u app -- touch $T/out/ran" 2>"$T/err"
expect_eq "root without CAP_SETUID: 125" 125 "$?"
expect_match "  names the missing capability" "missing: SETUID" "$(cat "$T/err")"
in_ns capsh --drop=cap_setpcap -- -c "exec $STEPDOWN -u app -- touch $T/out/ran" 2>"$T/err"
expect_eq "root without CAP_SETPCAP (bounding set): 125" 125 "$?"
expect_match "  names the missing capability" "missing: SETPCAP" "$(cat "$T/err")"
[ ! -e "$T/out/ran" ] && pass "the workload never ran" || fail "the workload ran"

# Installed setuid root or setgid root: refused.
cp "$STEPDOWN" "$T/stepdown-suid"; chown root:root "$T/stepdown-suid"
for mode in 4755 2755; do
  chmod "$mode" "$T/stepdown-suid"
  setpriv --reuid 1234 --regid 1234 --clear-groups "$T/stepdown-suid" -u app -- touch "$T/out/ran" 2>"$T/err"
  expect_eq "installed mode $mode: 125" 125 "$?"
  expect_match "  says why" "installed setuid, setgid or with file capabilities" "$(cat "$T/err")"
  # The refusal is the first thing it does: before options and environment
  # are read (no --help, no usage error, nothing parsed for the caller).
  for args in "--help" "--version" "--bogus-option" "-u"; do
    out=$(STEPDOWN_USER=app setpriv --reuid 1234 --regid 1234 --clear-groups "$T/stepdown-suid" $args 2>"$T/err")
    expect_eq "installed mode $mode, $args: 125" 125 "$?"
    expect_eq "  nothing on stdout" "" "$out"
    expect_eq "  only the refusal on stderr" 1 "$(grep -c . "$T/err")"
    expect_match "  which says why" "installed setuid, setgid or with file capabilities" "$(cat "$T/err")"
  done
done
# Installed with a file capability: the kernel runs it in secure mode, and a
# kept capability would otherwise become ambient for any command. (NET_RAW:
# one --keep-cap accepts.)
chmod 0755 "$T/stepdown-suid"
setcap cap_net_raw+ep "$T/stepdown-suid"
setpriv --reuid 1234 --regid 1234 --clear-groups "$T/stepdown-suid" --keep-cap NET_RAW \
  -- grep CapAmb /proc/self/status > "$T/out/ran" 2>"$T/err"
expect_eq "installed with a file capability: 125" 125 "$?"
expect_match "  says why" "file capabilities" "$(cat "$T/err")"
[ ! -s "$T/out/ran" ] && pass "nothing ran with the capability" || fail "the workload ran: $(cat "$T/out/ran")"
rm -f "$T/out/ran"
[ ! -e "$T/out/ran" ] && pass "the workload never ran" || fail "the workload ran"
finish
