#!/bin/bash
# --dry-run resolves and prints the whole plan, changes nothing, runs
# nothing and exits 0; a plan that cannot be resolved (unknown user) is
# still an error (125).
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# in_ns under a timeout, in case a run hangs.
in_ns_t() { timeout 20 bash -c "$(declare -f in_ns); T='$T'; in_ns \"\$@\"" _ "$@"; }
exists() { [ -e "$1" ] && echo present || echo absent; }

# /x is the writable dir of the brief's example: it must not be created. If
# it already exists on this host, that part cannot be observed.
x_before=$(exists /x)
cleanup_x() { [ "$x_before" = absent ] && [ -d /x ] && rmdir /x 2>/dev/null; true; }
trap 'cleanup_x; rm -rf "$T"' EXIT

touch_path=$(type -P touch)
[ -n "$touch_path" ] || skip "touch is not on PATH"

for how in option env; do
  rm -f "$T/out"/*
  if [ $how = option ]; then
    out=$(in_ns_t "$STEPDOWN" --dry-run -u app -w /x --keep-cap NET_BIND_SERVICE --rewrite TERM:QUIT \
      -- touch "$T/out/FILE" 2>"$T/err")
  else
    out=$(STEPDOWN_DRY_RUN=1 in_ns_t "$STEPDOWN" -u app -w /x --keep-cap NET_BIND_SERVICE --rewrite TERM:QUIT \
      -- touch "$T/out/FILE" 2>"$T/err")
  fi
  expect_eq "$how: dry run exits 0" 0 "$?"
  expect_eq "$how: the command did not run (no FILE)" absent "$(exists "$T/out/FILE")"
  expect_eq "$how: nothing written to the out dir" "" "$(ls -A "$T/out")"
  [ "$x_before" = absent ] && expect_eq "$how: the writable dir /x was not created" absent "$(exists /x)"
  cleanup_x
  expect_match "$how: names uid=1000" '(^|[^0-9])uid=1000([^0-9]|$)' "$out"
  expect_match "$how: names the groups 29,44,1000" '(^|[^0-9,])29,44,1000([^0-9,]|$)' "$out"
  expect_match "$how: names HOME /home/app" 'HOME:?[[:space:]=]+/home/app([[:space:]]|$)' "$out"
  expect_match "$how: names the kept cap net_bind_service" '(^|[^a-z_])(cap_)?net_bind_service([^a-z_]|$)' \
    "$(printf '%s\n' "$out" | tr '[:upper:]' '[:lower:]')"
  expect_match "$how: names the rewrite TERM->QUIT" '(SIG)?TERM[[:space:]]*->[[:space:]]*(SIG)?QUIT' "$out"
  expect_match "$how: says where touch was found" "(^|[[:space:]])$touch_path([[:space:]]|$)" "$out"
  expect_match "$how: says it would run as PID 1" 'PID 1' "$out"
  if printf '%s\n' "$out" | grep -qi subreaper; then
    fail "$how: as PID 1 the plan speaks of a subreaper: $out"
  else
    pass "$how: as PID 1 no subreaper"
  fi
  expect_eq "$how: nothing on stderr" "" "$(cat "$T/err")"
done

# Not PID 1 (no PID namespace): the plan says it would be a child subreaper.
# A numeric uid needs no passwd entry, so the host's files are fine here.
rm -f "$T/out"/*
out=$(timeout 20 "$STEPDOWN" --dry-run -u 4242 -- touch "$T/out/FILE")
expect_eq "not PID 1: dry run exits 0" 0 "$?"
expect_match "not PID 1: says it would be a subreaper" '[Ss]ubreaper' "$out"
expect_match "not PID 1: names uid=4242" '(^|[^0-9])uid=4242([^0-9]|$)' "$out"
expect_eq "not PID 1: the command did not run" absent "$(exists "$T/out/FILE")"

# An unknown user is an error even in a dry run.
rm -f "$T/out"/*
err=$(in_ns_t "$STEPDOWN" --dry-run -u nosuchuser -- touch "$T/out/FILE" 2>&1 >/dev/null)
expect_eq "unknown user: dry run exits 125" 125 "$?"
expect_match "unknown user: the error names the user" '^stepdown: error: .*nosuchuser' "$err"
expect_eq "unknown user: the command did not run" absent "$(exists "$T/out/FILE")"

# A command not on PATH is not an error in a dry run, but the plan says so.
out=$(in_ns_t "$STEPDOWN" --dry-run -u app -- stepdown-no-such-command-xyz 2>&1)
expect_eq "command not on PATH: dry run exits 0" 0 "$?"
expect_match "command not on PATH: the plan says it is not found" \
  "stepdown-no-such-command-xyz.*not (found|an executable)|not found.*stepdown-no-such-command-xyz" "$out"
finish
