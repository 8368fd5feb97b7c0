#!/bin/bash
# Capabilities in a real container. The smallest set stepdown needs started
# as root is SETUID, SETGID, SETPCAP, plus CHOWN with --writable: with
# --cap-drop=ALL and exactly those it works, and without any one of them it
# stops with 125, names the capability to add, and runs nothing. When the
# writable tree holds a directory root cannot enter (0700, the user's: left
# by a previous run) DAC_READ_SEARCH is needed too, and creating a missing
# declared dir inside a directory root does not own needs DAC_OVERRIDE
# (README, "In containers"). With the runtime's default set everything is
# dropped, bounding set included; with --security-opt no-new-privileges it
# still works; started with --user 1234 it runs the workload.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/ctx/srv/data/sub" "$T/ctx/home/app"
echo a > "$T/ctx/srv/data/a"; echo b > "$T/ctx/srv/data/sub/b"
cat > "$T/ctx/Containerfile" <<EOF
FROM $BASE_IMAGE
COPY srv/ /srv/
COPY --chown=1000:1000 home/ /home/
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--writable", "/srv/data", "--"]
EOF
build_image localhost/sd-caps:test "$T/ctx"
IMG=localhost/sd-caps:test

# owners_in CONTAINER: owners of /srv/data's tree, read on the host.
owners_in() {
  local r
  r=$(pm mount "$1") && (cd "$r/srv/data" && find . -printf '%U:%G ' ) ; pm umount "$1" >/dev/null
}

# ---- exactly the smallest set ---------------------------------------------
c=$(name); new_out
prun --name "$c" --cap-drop=ALL --cap-add=CHOWN,SETUID,SETGID,SETPCAP -v "$T/out:/out" \
  "$IMG" sh -c "$SNAP"'; touch /srv/data/new' 2>"$T/stderr"
expect_eq "--cap-drop=ALL --cap-add=CHOWN,SETUID,SETGID,SETPCAP: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_dropped "PID 1 (stepdown)" "$T/out/pid1.status" 1000 1000 "1000 2000"
expect_eq "  /srv/data re-owned" "1000:1000 1000:1000 1000:1000 1000:1000 1000:1000 " "$(owners_in "$c")"
pm rm -f -t 0 "$c" >/dev/null

# Without --writable, CHOWN is not needed.
new_out
prun --rm --name "$(name)" --cap-drop=ALL --cap-add=SETUID,SETGID,SETPCAP -v "$T/out:/out" \
  --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--"]' "$IMG" sh -c "$SNAP" 2>"$T/stderr"
expect_eq "no --writable, --cap-add=SETUID,SETGID,SETPCAP: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"

# ---- each one of them missing ---------------------------------------------
for missing in CHOWN SETUID SETGID SETPCAP; do
  set=$(echo CHOWN,SETUID,SETGID,SETPCAP | tr , '\n' | grep -vx "$missing" | paste -sd,)
  c=$(name); new_out
  prun --name "$c" --cap-drop=ALL --cap-add="$set" -v "$T/out:/out" \
    "$IMG" sh -c 'touch /out/ran' 2>"$T/stderr"
  rc=$?
  expect_eq "without $missing (--cap-add=$set): 125" 125 "$rc"
  expect_eq "  the container's own status (stepdown's, not podman's)" 125 "$(exit_code "$c")"
  expect_match "  stepdown's error names $missing" "^stepdown: error: .*$missing" "$(cat "$T/stderr")"
  [ ! -e "$T/out/ran" ] && pass "  the workload did not run" || fail "  the workload ran without $missing"
  expect_eq "  nothing re-owned" "0:0 0:0 0:0 0:0 " "$(owners_in "$c")"
  pm rm -f -t 0 "$c" >/dev/null
done
# CHOWN missing: the message says what to add, in the runtime's words.
prun --rm --name "$(name)" --cap-drop=ALL --cap-add=SETUID,SETGID,SETPCAP "$IMG" true 2>"$T/stderr"
expect_match "without CHOWN: says to run with --cap-add CHOWN" "needs CAP_CHOWN.*--cap-add CHOWN" "$(cat "$T/stderr")"

# ---- a volume reused by a restart: the user's 0700 dir --------------------
vol=sd-caps-vol-$$
pm volume create "$vol" >/dev/null
V=$(pm volume inspect --format '{{.Mountpoint}}' "$vol")
run_vol() { # CAPS...
  new_out
  prun --rm --name "$(name)" --cap-drop=ALL --cap-add="$1" -v "$vol:/cache" -v "$T/out:/out" \
    --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--writable", "/cache", "--"]' \
    "$IMG" sh -c 'mkdir -p -m 0700 /cache/private && echo s > /cache/private/s && touch /out/ran' 2>"$T/stderr"
}
run_vol CHOWN,SETUID,SETGID,SETPCAP
expect_eq "first start on a fresh volume: exit 0" 0 "$?"
expect_eq "  the workload made a private (0700) dir" "1000:1000 700" "$(stat -c '%u:%g %a' "$V/private" 2>&1)"
before=$(tree_state "$V" | grep -v "$V/private/s$")   # s: rewritten by each run
run_vol CHOWN,SETUID,SETGID,SETPCAP
expect_eq "restart without DAC_READ_SEARCH: root cannot enter it: 125" 125 "$?"
expect_match "  the error says to add DAC_READ_SEARCH" "--cap-add DAC_READ_SEARCH" "$(cat "$T/stderr")"
[ ! -e "$T/out/ran" ] && pass "  the workload did not run" || fail "  the workload ran"
run_vol CHOWN,SETUID,SETGID,SETPCAP,DAC_READ_SEARCH
expect_eq "restart with DAC_READ_SEARCH: exit 0" 0 "$?"
expect_eq "  nothing re-owned or touched" "$before" "$(tree_state "$V" | grep -v "$V/private/s$")"
run_vol CHOWN,SETUID,SETGID,SETPCAP,DAC_OVERRIDE
expect_eq "restart with DAC_OVERRIDE instead: exit 0" 0 "$?"

# ---- creating a declared dir where root does not own the parent ------------
# /home/app is app's (as useradd --create-home makes it): root may not
# create /home/app/.cache in it without DAC_OVERRIDE.
cache_run() { # CAPS...
  new_out; c=$(name)
  prun --name "$c" --cap-drop=ALL --cap-add="$1" -v "$T/out:/out" \
    --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--writable", "/home/app/.cache", "--"]' \
    "$IMG" sh -c 'touch /home/app/.cache/x /out/ran' 2>"$T/stderr"
}
cache_run CHOWN,SETUID,SETGID,SETPCAP
expect_eq "missing dir in the user's home, without DAC_OVERRIDE: 125" 125 "$?"
expect_match "  the error names the dir" "/home/app/.cache" "$(cat "$T/stderr")"
[ ! -e "$T/out/ran" ] && pass "  the workload did not run" || fail "  the workload ran"
pm rm -f -t 0 "$c" >/dev/null
cache_run CHOWN,SETUID,SETGID,SETPCAP,DAC_OVERRIDE
expect_eq "with DAC_OVERRIDE: exit 0" 0 "$?"
r=$(pm mount "$c")
expect_eq "  the dir was made for app, and written" "1000:1000 755 1000:1000" \
  "$(stat -c '%u:%g %a' "$r/home/app/.cache" 2>&1) $(stat -c %u:%g "$r/home/app/.cache/x" 2>&1)"
pm umount "$c" >/dev/null; pm rm -f -t 0 "$c" >/dev/null

# ---- the runtime's default set (Docker's list) -------------------------------
new_out
prun --rm --name "$(name)" --cap-drop=ALL \
  --cap-add=AUDIT_WRITE,CHOWN,DAC_OVERRIDE,FOWNER,FSETID,KILL,MKNOD,NET_BIND_SERVICE,NET_RAW,SETFCAP,SETGID,SETPCAP,SETUID,SYS_CHROOT \
  -v "$T/out:/out" "$IMG" sh -c "$SNAP" 2>"$T/stderr"
expect_eq "Docker's default capabilities: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_dropped "PID 1 (stepdown)" "$T/out/pid1.status" 1000 1000 "1000 2000"

# ---- --security-opt no-new-privileges ----------------------------------------
new_out
prun --rm --name "$(name)" "${CAPS[@]}" --security-opt no-new-privileges -v "$T/out:/out" \
  "$IMG" sh -c "$SNAP"'; touch /srv/data/new' 2>"$T/stderr"
expect_eq "--security-opt no-new-privileges: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"

# ---- started with --user 1234 ------------------------------------------------
# Nothing to drop or re-own: the workload runs as 1234 (gid 0, podman's
# choice for a uid without an entry), with no capability in use and
# no_new_privs; stepdown is still PID 1 and reaps.
new_out
mkdir -p "$T/w1234"; chown 1234:0 "$T/w1234"
prun --rm --name "$(name)" --user 1234 "${CAPS[@]}" -v "$T/out:/out" -v "$T/w1234:/srv/data" \
  "$IMG" sh -c "$SNAP"'; sh -c "sleep 0.3 & exit 0"; sleep 0.6
    for s in /proc/[0-9]*/stat; do read l < $s; set -- ${l##*) }; echo $1; done > /out/states
    cat /proc/1/comm > /out/pid1.comm; touch /srv/data/written; exit 7' 2>"$T/stderr"
expect_eq "--user 1234: the workload ran, its status" 7 "$?"
expect_eq "  workload uid" "1234 1234 1234 1234" "$(status_field "$T/out/work.status" Uid)"
expect_eq "  workload gid" "0 0 0 0" "$(status_field "$T/out/work.status" Gid)"
for set in CapInh CapPrm CapEff CapAmb; do
  expect_eq "  workload $set empty" 0000000000000000 "$(status_field "$T/out/work.status" "$set")"
done
expect_eq "  no_new_privs" 1 "$(status_field "$T/out/work.status" NoNewPrivs)"
expect_eq "  PID 1 is stepdown" stepdown "$(cat "$T/out/pid1.comm" 2>&1)"
expect_eq "  PID 1 holds no capability either" 0000000000000000 "$(status_field "$T/out/pid1.status" CapEff)"
expect_eq "  the orphan was reaped (no zombie)" "" "$(grep Z "$T/out/states")"
expect_eq "  the writable mount it owns was written" 1234:0 "$(stat -c %u:%g "$T/w1234/written" 2>&1)"
expect_match "  says it keeps its identity" "started as uid 1234" "$(cat "$T/stderr")"
expect_eq "  no error" "" "$(grep error "$T/stderr")"
finish
