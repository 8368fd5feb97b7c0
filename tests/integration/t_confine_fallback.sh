#!/bin/bash
# --confine-writes where the kernel has no Landlock. The deny_syscall helper
# (a test program, not part of stepdown) runs stepdown under a seccomp
# filter that makes the three Landlock system calls fail with the errno of
# a kernel without Landlock (ENOSYS), with Landlock not enabled at boot
# (EOPNOTSUPP), or of a seccomp profile that refuses them (EPERM, or
# EINVAL from a profile that answers unknown calls so); nothing
# else changes. Required confinement then refuses to start (125) before
# anything changes, with a message that says why and what to do;
# best-effort warns and runs the workload unconfined; a dry run says what a
# real run would do; bad --allow-write paths are refused either way.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture
: "${DENY_SYSCALL:?DENY_SYSCALL must point at the test helper (tests/integration/CMakeLists.txt)}"

A=$(mktemp -d /var/tmp/stepdown-confine.XXXXXX)   # outside /tmp, a default rule
trap 'rm -rf "$T" "$A"' EXIT
chmod 0755 "$A"
mkdir -m 1777 "$A/ww"

in_ns_t() { NS_TIMEOUT=30 in_ns "$@"; }
exists() { [ -e "$1" ] && echo present || echo absent; }

# The helper changes nothing else: without --confine-writes all is as usual.
out=$(in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" -u app -- sh -c 'echo "$(id -u)"')
expect_eq "helper alone: stepdown runs as usual" 1000 "$out"
# And the refusals below are the simulation's: with Landlock, this works.
if "$STEPDOWN" --dry-run --confine-writes -u 4242 -- true 2>/dev/null | grep -q 'with Landlock ABI'; then
  in_ns_t "$STEPDOWN" -u app --confine-writes -- true 2>/dev/null
  expect_eq "without the helper, --confine-writes starts" 0 "$?"
fi

# errno | ERE the reason must match
reasons=(
  "ENOSYS|has no Landlock \(Linux 5\.13"
  "EOPNOTSUPP|not enabled.*lsm="
  "EPERM|refused.*seccomp"
  "EINVAL|landlock_create_ruleset.*Invalid argument.*seccomp"
)
for row in "${reasons[@]}"; do
  IFS='|' read -r e re <<< "$row"
  for how in option env; do
    rm -f "$T/out"/*
    rm -rf "$A/made"
    if [ $how = option ]; then
      err=$(in_ns_t "$DENY_SYSCALL" landlock "$e" "$STEPDOWN" -u app -w "$A/made" --confine-writes \
        -- touch "$T/out/ran" 2>&1)
    else
      err=$(STEPDOWN_CONFINE_WRITES=1 in_ns_t "$DENY_SYSCALL" landlock "$e" "$STEPDOWN" -u app -w "$A/made" \
        -- touch "$T/out/ran" 2>&1)
    fi
    expect_eq "$e, required ($how): exit status" 125 "$?"
    expect_match "$e, required ($how): says why" "^stepdown: error: --confine-writes: .*$re" "$err"
    expect_match "$e, required ($how): says what to do" "best-effort" "$err"
    expect_eq "$e, required ($how): the workload did not run" absent "$(exists "$T/out/ran")"
    expect_eq "$e, required ($how): nothing changed (the -w dir was not created)" absent "$(exists "$A/made")"
  done
done

# best-effort: a warning, then the workload runs, unconfined.
for how in option env; do
  rm -f "$T/out"/* "$A/ww"/*
  if [ $how = option ]; then
    err=$(in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" -u app --confine-writes=best-effort \
      -- sh -c ': > "$0/ww/planted"; echo $? > "$1/out/rc"' "$A" "$T" 2>&1)
  else
    err=$(STEPDOWN_CONFINE_WRITES=best-effort in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" -u app \
      -- sh -c ': > "$0/ww/planted"; echo $? > "$1/out/rc"' "$A" "$T" 2>&1)
  fi
  expect_eq "best-effort ($how): exit status" 0 "$?"
  expect_match "best-effort ($how): warns" \
    "^stepdown: warning: --confine-writes=best-effort: the kernel has no Landlock.*WITHOUT write confinement" "$err"
  expect_eq "best-effort ($how): the workload ran" 0 "$(cat "$T/out/rc" 2>/dev/null)"
  expect_eq "best-effort ($how): unconfined, as warned (it wrote an undeclared dir)" present \
    "$(exists "$A/ww/planted")"
done

# A dry run says what a real run would do, and still exits 0.
out=$(in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" --dry-run -u app --confine-writes -- true 2>"$T/err")
expect_eq "dry run, required: exit status" 0 "$?"
expect_match "dry run, required: the plan says it would refuse" \
  '^  confine:   no Landlock: the kernel has no Landlock.*refuse to start \(exit 125\)' "$out"
expect_match "dry run, required: a warning says so" '^stepdown: warning: a real run would stop here: --confine-writes' "$(cat "$T/err")"
out=$(in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" --dry-run -u app --confine-writes=best-effort -- true 2>/dev/null)
expect_match "dry run, best-effort: the plan says it would run unconfined" \
  '^  confine:   no Landlock: .*best-effort: the workload would run WITHOUT write confinement' "$out"

# A missing --allow-write path is an error whatever the kernel.
rm -f "$T/out"/*
err=$(in_ns_t "$DENY_SYSCALL" landlock ENOSYS "$STEPDOWN" -u app --confine-writes=best-effort \
  --allow-write "$A/missing" -- touch "$T/out/ran" 2>&1)
expect_eq "best-effort, missing --allow-write: exit status" 125 "$?"
expect_match "best-effort, missing --allow-write: named" "--allow-write: '$A/missing' does not exist" "$err"
expect_eq "best-effort, missing --allow-write: the workload did not run" absent "$(exists "$T/out/ran")"
finish
