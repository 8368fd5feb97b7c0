#!/bin/bash
# One architecture's release binary on that architecture, under qemu-user
# through binfmt_misc (tests/dist/run registers it), as PID 1 where it
# matters:
#   - its ELF machine matches its name;
#   - integration scripts run against it: identity and the drop read back
#     from /proc, exit statuses, reaping as PID 1, the walk with its symlink
#     and race cases, other mounts not entered (qemu's statx gives no
#     mount id: the walk must notice), --user-from (arm64: more of the
#     suite, QEMU_FULL);
#   - signals sent to PID 1 from outside reach the workload's handlers;
#   - Landlock: qemu-user 7.2 answers its system calls with ENOSYS, so
#     confinement cannot be tested here; the no-Landlock behaviour is,
#     instead: --confine-writes stops with 125 and says why, best-effort
#     runs unconfined with a warning.
# (linux/386 runs on the x86_64 kernel itself: no qemu, and confinement is
# tested for real.) Not run under qemu, and why: the test-hook binary's
# cases (t_walk_attacks, t_init_duties: the hooks are built for the host),
# the seccomp-simulated old kernels (qemu-user
# does not install a guest's seccomp filter: EINVAL), the set-id refusal
# (binfmt without the C flag never runs a guest binary set-id), the
# subreaper (qemu 7.2 refuses PR_SET_CHILD_SUBREAPER) and a disposition
# kept across --exec (qemu catches every signal on the host, so an
# ignored one is default again after the exec).
#   t_qemu.sh ARCH BINARY
set -u
arch=$1
export STEPDOWN=$2
export TEST_SRC=${TEST_SRC:?}
. "$TEST_SRC/tests/integration/lib.sh"
require_root
make_fixture

declare -A machine=([amd64]="Advanced Micro Devices X86-64" [arm64]=AArch64 [arm]=ARM
  [ppc64le]=PowerPC64 [s390x]="IBM S/390" [386]="Intel 80386")
expect_eq "$arch: ELF machine" "${machine[$arch]}" \
  "$(readelf -h "$STEPDOWN" | sed -n 's/^ *Machine: *//p')"
expect_eq "$arch: statically linked, no interpreter" "" "$(readelf -lW "$STEPDOWN" | grep -i interp)"

scripts="t_identity t_exit_status t_reap t_walk_symlinks t_walk_user_from t_walk_race t_walk_mounts"
[ -n "${QEMU_FULL:-}" ] && scripts="$scripts t_grace t_dry_run t_ident_files t_log_injection
  t_normal_paths t_tty t_keep_cap t_walk_caps t_walk_deep t_walk_hardlink t_walk_links
  t_walk_parents t_walk_skip_owned t_walk_race_attacks t_groups"
# arm64: every other integration script is named here with why it does not
# run under qemu-user; a new script without a reason fails this test.
declare -A why=(
  [t_bad_input]="checks each error before Landlock's, which qemu-user answers with ENOSYS (the no-Landlock path is checked below)"
  [t_confine]="Landlock: qemu-user answers it with ENOSYS (the no-Landlock path is checked below)"
  [t_confine_fallback]="Landlock: qemu-user answers it with ENOSYS (the no-Landlock path is checked below)"
  [t_old_seccomp]="qemu-user does not install a guest's seccomp filter (EINVAL)"
  [t_nonroot]="the set-id refusal: binfmt without the C flag never runs a guest binary set-id"
  [t_subreaper]="qemu 7.2 refuses PR_SET_CHILD_SUBREAPER"
  [t_exec_mode]="an ignored disposition kept across --exec: qemu catches every signal on the host"
  [t_signals]="the ignored dispositions a workload inherits: qemu catches every signal on the host (forwarding to PID 1 is checked below)"
  [t_init_duties]="its hooks need the test-hook binary, built for the host only"
  [t_walk_attacks]="its hooks need the test-hook binary, built for the host only"
  [t_walk_churn]="its hooks need the test-hook binary, built for the host only"
  [t_walk_hostile]="its hooks need the test-hook binary, built for the host only"
  [t_man]="the man page against the option table: no binary of this architecture involved"
  [t_static]="the host release build's link; this binary's static link is checked above"
)
if [ -n "${QEMU_FULL:-}" ]; then
  for f in "$TEST_SRC"/tests/integration/t_*.sh; do
    s=$(basename "$f" .sh)
    case " $(echo $scripts) " in *" $s "*) continue ;; esac
    if [ -n "${why[$s]:-}" ]; then
      echo "# $arch: $s not run under qemu-user: ${why[$s]}"
    else
      fail "$arch: $s is neither run here nor given a reason in t_qemu.sh"
    fi
  done
else
  echo "# $arch: the scripts the release needs on every architecture; arm64 runs the rest that qemu-user allows"
fi
for s in $scripts; do
  if bash "$TEST_SRC/tests/integration/$s.sh" > "$T/$s.log" 2>&1; then
    pass "$arch: $s ($(grep -c '^ok:' "$T/$s.log") checks)"
  else
    fail "$arch: $s"
    grep -E '^(FAIL|SKIP)' "$T/$s.log" | head -n 20
  fi
done

# Signals to PID 1 from outside its namespace.
rm -rf "$T/out"; mkdir -m 0777 "$T/out"
work='for s in HUP USR1 USR2 INT; do trap "echo $s >> $0/got" $s; done
  trap "echo TERM >> $0/got; exit 42" TERM; touch $0/ready; while :; do sleep 0.1; done'
in_ns "$STEPDOWN" -u app -- /bin/sh -c "$work" "$T/out" 2>/dev/null &
bg=$!
wait_for "$T/out/ready" || fail "$arch: the workload did not start"
pid1=$(pgrep -f "$SD_RE$STEPDOWN -u app -- /bin/sh -c" | head -1)
if [ -z "$pid1" ]; then
  fail "$arch: cannot find stepdown's host pid; signals not tested"
  kill -KILL "$bg" 2>/dev/null
  finish
fi
for s in HUP USR1 USR2 INT; do
  kill -s "$s" "$pid1"
  n=50; while ! grep -qx "$s" "$T/out/got" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
done
kill -s TERM "$pid1"
wait "$bg"
expect_eq "$arch: TERM to PID 1: the workload's handler's status" 42 "$?"
expect_eq "$arch: HUP USR1 USR2 INT TERM each reached the workload once, in order" \
  "HUP USR1 USR2 INT TERM" "$(tr '\n' ' ' < "$T/out/got" | sed 's/ $//')"

mkdir -p "$T/w"
if [ "$arch" = 386 ]; then
  # i386 runs on the x86_64 kernel itself, no qemu: Landlock is there.
  # (/tmp is writable under confinement by default: the other dir is not in it)
  other=$(mktemp -d /var/tmp/stepdown-qemu.XXXXXX); chmod 0777 "$other"
  in_ns "$STEPDOWN" -u app -w "$T/w" --confine-writes -- /bin/sh -c \
    'touch "$0/in" && ! touch "$1/x" 2>/dev/null' "$T/w" "$other" 2>"$T/err"
  expect_eq "$arch (native, no qemu): --confine-writes: the -w dir writable, a 0777 dir elsewhere not" \
    "0:" "$?:$(ls "$other")"
  rm -rf "$other"
  finish
fi
# No Landlock under qemu-user: the fallback is what runs.
echo "note: qemu-user answers Landlock's system calls with ENOSYS; the no-Landlock behaviour is tested instead of confinement"
in_ns "$STEPDOWN" -u app -w "$T/w" --confine-writes -- /bin/true 2>"$T/err"
expect_eq "$arch: --confine-writes without Landlock: 125" 125 "$?"
expect_match "  says the kernel has no Landlock" "has no Landlock" "$(cat "$T/err")"
in_ns "$STEPDOWN" -u app -w "$T/w" --confine-writes=best-effort -- /bin/sh -c 'touch "$0/x"' "$T/w" 2>"$T/err"
expect_eq "$arch: --confine-writes=best-effort: runs, unconfined" "0:yes" "$?:$([ -e "$T/w/x" ] && echo yes)"
expect_match "  with a warning" "warning: .*Landlock" "$(cat "$T/err")"
finish
