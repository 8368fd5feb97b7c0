#!/bin/bash
# Bad input, on the command line or in STEPDOWN_* variables, is refused
# before anything runs: exit 125, a "stepdown: error:" line on stderr that
# names what was wrong, and the command (which would create a marker file)
# never starts. The command line wins over the environment, and an empty
# variable counts as unset.
. "$(dirname "$0")/lib.sh"
require_root
make_fixture

# in_ns under a timeout, in case a run hangs.
in_ns_t() { timeout 20 bash -c "$(declare -f in_ns); T='$T'; in_ns \"\$@\"" _ "$@"; }

# label | environment (VAR=VALUE ..., or -) | arguments, where @CMD stands
# for "-- touch MARKER" | ERE that the "stepdown: error:" line must match
#
# The --writable rows for system directories add --dry-run: config refuses
# them the same way before anything else, and should that ever regress, a
# dry run only counts this machine's /usr instead of giving it to uid 1000.
cases=(
  "unknown option|-|-u app --frobnicate @CMD|--frobnicate"
  "missing command|-|-u app|command"
  "missing command after --|-|-u app --|command"
  "--user nosuchuser|-|--user nosuchuser @CMD|nosuchuser"
  "--user root|-|--user root @CMD|'root'"
  "--user 0|-|--user 0 @CMD|'0(:0)?'"
  "--user 0:0|-|--user 0:0 @CMD|'0(:0)?'"
  "--user -1|-|--user -1 @CMD|'-1'"
  "--user 4294967295|-|--user 4294967295 @CMD|4294967295"
  "--user app:nosuchgroup|-|--user app:nosuchgroup @CMD|nosuchgroup"
  "--user app:|-|--user app: @CMD|'app:'"
  "--umask 0888|-|-u app --umask 0888 @CMD|0888"
  "--umask 1777|-|-u app --umask 1777 @CMD|1777"
  "--grace -1|-|-u app --grace -1 @CMD|--grace.*'-1'"
  "--grace 1.5|-|-u app --grace 1.5 @CMD|--grace.*'1\\.5'"
  "--grace 86401|-|-u app --grace 86401 @CMD|--grace.*86401"
  "--rewrite KILL:TERM|-|-u app --rewrite KILL:TERM @CMD|KILL:TERM"
  "--rewrite TERM|-|-u app --rewrite TERM @CMD|--rewrite.*'TERM'"
  "--keep-cap NOPE|-|-u app --keep-cap NOPE @CMD|NOPE"
  "--keep-cap SETUID|-|-u app --keep-cap SETUID @CMD|SETUID"
  "--keep-cap SYS_ADMIN|-|-u app --keep-cap SYS_ADMIN @CMD|--keep-cap: SYS_ADMIN refused: .*cannot regain root"
  "--keep-cap CHOWN|-|-u app --keep-cap CHOWN @CMD|--keep-cap: CHOWN refused: .*/etc/passwd"
  "--keep-cap NET_RAW,cap_dac_override|-|-u app --keep-cap NET_RAW,cap_dac_override @CMD|--keep-cap: DAC_OVERRIDE refused"
  "--keep-cap SYS_PTRACE|-|-u app --keep-cap SYS_PTRACE @CMD|--keep-cap: SYS_PTRACE refused"
  "--keep-cap SETFCAP|-|-u app --keep-cap SETFCAP @CMD|--keep-cap: SETFCAP refused"
  "STEPDOWN_KEEP_CAPS=SYS_MODULE|STEPDOWN_KEEP_CAPS=SYS_MODULE|-u app @CMD|STEPDOWN_KEEP_CAPS: SYS_MODULE refused"
  "STEPDOWN_KEEP_CAPS=NET_BIND_SERVICE,BPF|STEPDOWN_KEEP_CAPS=NET_BIND_SERVICE,BPF|-u app @CMD|STEPDOWN_KEEP_CAPS: BPF refused"
  "-v -q together|-|-u app -v -q @CMD|(-v|verbose).*(-q|quiet)|(-q|quiet).*(-v|verbose)"
  "--writable relative/path|-|-u app --writable relative/path @CMD|relative/path"
  "--writable /|-|--dry-run -u app --writable / @CMD|--writable: '/' is the whole filesystem.*/var/lib/app"
  "--writable //|-|--dry-run -u app -w // @CMD|--writable: '//' is the whole filesystem"
  "--writable /usr|-|--dry-run -u app -w /usr @CMD|--writable: '/usr' is a system directory.*/var/lib/app"
  "--writable //usr/|-|--dry-run -u app -w //usr/ @CMD|--writable: '//usr/' is a system directory"
  "--writable /etc|-|--dry-run -u app -w /etc @CMD|--writable: '/etc' is a system directory"
  "--writable /var//lib|-|--dry-run -u app -w /var//lib @CMD|--writable: '/var//lib' is a system directory"
  "--writable /etc/ssl|-|--dry-run -u app -w /etc/ssl @CMD|--writable: '/etc/ssl' is below /etc"
  "--writable /proc/sys|-|--dry-run -u app -w /proc/sys @CMD|--writable: '/proc/sys' is below /proc"
  "--writable /sys/fs/cgroup|-|--dry-run -u app -w /sys/fs/cgroup @CMD|--writable: '/sys/fs/cgroup' is below /sys"
  "--writable after a good one|-|--dry-run -u app -w $T/ok -w /usr/local @CMD|--writable: '/usr/local' is a system directory"
  "STEPDOWN_WRITABLE=/srv/data:/usr|STEPDOWN_WRITABLE=/srv/data:/usr|--dry-run -u app @CMD|STEPDOWN_WRITABLE: '/usr' is a system directory"
  "STEPDOWN_WRITABLE=/|STEPDOWN_WRITABLE=/|--dry-run -u app @CMD|STEPDOWN_WRITABLE: '/' is the whole filesystem"
  "--home relative|-|-u app --home relative @CMD|--home.*relative"
  "STEPDOWN_GRACE=abc|STEPDOWN_GRACE=abc|-u app @CMD|STEPDOWN_GRACE.*abc"
  "STEPDOWN_WRITABLE=/a::/b|STEPDOWN_WRITABLE=/a::/b|-u app @CMD|STEPDOWN_WRITABLE.*/a::/b"
  "STEPDOWN_KEEP_CAPS=NOPE|STEPDOWN_KEEP_CAPS=NOPE|-u app @CMD|STEPDOWN_KEEP_CAPS.*NOPE"
  "STEPDOWN_SIGNAL_GROUP=maybe|STEPDOWN_SIGNAL_GROUP=maybe|-u app @CMD|STEPDOWN_SIGNAL_GROUP.*maybe"
  "--confine-writes=strict|-|-u app --confine-writes=strict @CMD|--confine-writes.*strict"
  "--allow-write without --confine-writes|-|-u app --allow-write /srv @CMD|--allow-write.*--confine-writes"
  "--allow-write relative/path|-|-u app --confine-writes --allow-write rel/path @CMD|--allow-write.*rel/path"
  "--allow-write /|-|-u app --confine-writes --allow-write / @CMD|--allow-write.*everywhere"
  "--allow-write a missing path|-|-u app --confine-writes --allow-write /nonexistent-stepdown-xyz @CMD|--allow-write.*/nonexistent-stepdown-xyz.*does not exist"
  "STEPDOWN_CONFINE_WRITES=maybe|STEPDOWN_CONFINE_WRITES=maybe|-u app @CMD|STEPDOWN_CONFINE_WRITES.*maybe"
  "STEPDOWN_ALLOW_WRITE without confinement|STEPDOWN_ALLOW_WRITE=/srv|-u app @CMD|STEPDOWN_ALLOW_WRITE.*--confine-writes"
  "STEPDOWN_ALLOW_WRITE=/a::/b|STEPDOWN_CONFINE_WRITES=1 STEPDOWN_ALLOW_WRITE=/a::/b|-u app @CMD|STEPDOWN_ALLOW_WRITE.*/a::/b"
  "root with no --user|-|@CMD|--user"
  "root with an empty STEPDOWN_USER|STEPDOWN_USER=|@CMD|--user"
)

owners() { stat -c '%n %u:%g' / /usr /usr/local /etc /var/lib /proc/sys /sys/fs/cgroup 2>/dev/null; }
owners_before=$(owners)

for row in "${cases[@]}"; do
  IFS='|' read -r label envs args re <<< "$row"
  marker="$T/out/marker"
  rm -f "$marker"
  read -ra words <<< "$args"
  argv=()
  for w in "${words[@]}"; do
    if [ "$w" = @CMD ]; then argv+=(-- touch "$marker"); else argv+=("$w"); fi
  done
  envv=()
  [ "$envs" = - ] || read -ra envv <<< "$envs"
  err=$(env "${envv[@]}" bash -c "$(declare -f in_ns_t in_ns); T='$T'; in_ns_t \"\$@\"" _ \
    "$STEPDOWN" "${argv[@]}" 2>&1 >/dev/null)
  rc=$?
  expect_eq "$label: exit status" 125 "$rc"
  line=$(printf '%s\n' "$err" | grep -E '^stepdown: error:')
  if [ -z "$line" ]; then
    fail "$label: no line starting 'stepdown: error:' on stderr: [$err]"
  else
    expect_match "$label: the error names the bad input" "$re" "$line"
  fi
  expect_eq "$label: nothing ran (no marker)" absent "$([ -e "$marker" ] && echo present || echo absent)"
done

expect_eq "system directories: ownership unchanged" "$owners_before" "$(owners)"

# The command line wins over a bad variable.
rm -f "$T/out"/*
err=$(STEPDOWN_GRACE=abc in_ns_t "$STEPDOWN" -u app --grace 1 -- touch "$T/out/marker" 2>&1)
expect_eq "--grace 1 beats STEPDOWN_GRACE=abc: exit status" 0 "$?"
expect_eq "--grace 1 beats STEPDOWN_GRACE=abc: the command ran" present "$([ -e "$T/out/marker" ] && echo present || echo absent)"
expect_eq "--grace 1 beats STEPDOWN_GRACE=abc: no error" "" "$err"

# An empty variable counts as unset: no parse error, and -u decides.
uid_probe='read -r _ a b c d < <(grep "^Uid:" "/proc/$$/status"); echo "$a $b $c $d" > "$0/uid"'
rm -f "$T/out"/*
err=$(STEPDOWN_USER='' STEPDOWN_GRACE='' STEPDOWN_UMASK='' STEPDOWN_KEEP_CAPS='' STEPDOWN_SIGNAL_GROUP='' \
  STEPDOWN_WRITABLE='' STEPDOWN_CONFINE_WRITES='' STEPDOWN_ALLOW_WRITE='' in_ns_t "$STEPDOWN" -u app -- /bin/bash -c "$uid_probe" "$T/out" 2>&1)
expect_eq "empty STEPDOWN_* variables: exit status" 0 "$?"
expect_eq "empty STEPDOWN_USER with -u app: runs as uid 1000" "1000 1000 1000 1000" "$(cat "$T/out/uid" 2>/dev/null)"
expect_eq "empty STEPDOWN_* variables: no error" "" "$err"

# A value missing at the end of the line names the option (musl's getopt
# leaves optind past the end: the name once came out as '(null)').
for args in "-u" "-vu" "--grace" "--user"; do
  err=$("$STEPDOWN" $args 2>&1)
  expect_eq "'$args' with its value missing: 125" 125 "$?"
  want=$args; [ "$args" = -vu ] && want=-u
  expect_match "  the message names it" "option '$want' needs a value" "$err"
done
finish
