#!/bin/bash
# Situation 2: data processing that writes inside the container. The image
# ships /srv/data root-owned (as every COPY is) with a planted symlink to
# /etc/passwd; the entrypoint declares it and a missing /srv/scratch
# writable. The non-root workload writes both; the truth is read on the
# host, in the container's own filesystem (podman mount). A restart of the
# same container changes nothing that is already owned.
. "$(dirname "$0")/lib.sh"

mkdir -p "$T/ctx/srv/data/in/deep"
echo rows > "$T/ctx/srv/data/in/table.csv"
echo more > "$T/ctx/srv/data/in/deep/part.csv"
ln -s /etc/passwd "$T/ctx/srv/data/in/planted"
cat > "$T/ctx/Containerfile" <<EOF
FROM $BASE_IMAGE
COPY srv/ /srv/
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--writable", "/srv/data", "--writable", "/srv/scratch", "--"]
EOF
build_image localhost/sd-s2:test "$T/ctx"

# The job; on a restart (its output already there) it only records its status.
job="$SNAP"'
  [ -e /srv/data/out/status ] && exit 0
  cat /srv/data/in/table.csv /srv/data/in/deep/part.csv > /srv/data/result.csv &&
  mkdir /srv/data/out && echo done > /srv/data/out/status &&
  head -c 4096 /dev/zero > /srv/scratch/tmp.bin || exit 3
  if echo x > /etc/owned 2>/dev/null; then echo wrote > /out/etc; fi
  exit 0'

c=$(name)
new_out
prun --name "$c" "${CAPS[@]}" -v "$T/out:/out" localhost/sd-s2:test sh -c "$job" 2>"$T/stderr"
expect_eq "first start: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 1000 1000 "1000 2000"
expect_dropped "PID 1 (stepdown)" "$T/out/pid1.status" 1000 1000 "1000 2000"
[ ! -e "$T/out/etc" ] && pass "  the workload could not write /etc" || fail "  the workload wrote /etc"

R=$(pm mount "$c")
[ -n "$R" ] && [ -d "$R/srv" ] || { fail "podman mount $c gave [$R]"; finish; }
state() { (cd "$R/srv" && find data scratch -printf '%U:%G %m %C@ %p\n' | sort -k4); }
owners=$(cd "$R/srv" && find data scratch -printf '%U:%G %p\n' | sort -k2)
expect_eq "  every entry of /srv/data and /srv/scratch owned by 1000:1000" "" \
  "$(printf '%s\n' "$owners" | grep -v '^1000:1000 ')"
expect_match "  the walk re-owned what the image shipped" "1000:1000 data/in/deep/part.csv" "$owners"
expect_match "  the symlink itself re-owned" "1000:1000 data/in/planted" "$owners"
expect_match "  the workload's files" "1000:1000 data/out/status" "$owners"
expect_match "  the missing dir was created for it" "1000:1000 scratch/tmp.bin" "$owners"
expect_eq "  the symlink's target (/etc/passwd) still root's, unchanged" \
  "0:0 644 root:x:0:0:root:/root:/bin/sh" "$(stat -c '%u:%g %a' "$R/etc/passwd") $(head -1 "$R/etc/passwd")"
expect_eq "  the job's result" "rows more" "$(cat "$R/srv/data/result.csv" | xargs)"

# Restart: everything is already owned, so the walk writes nothing: no
# owner, mode or ctime changes, hence no overlayfs copy-up either.
before=$(state)
pm umount "$c" >/dev/null
sleep 1.1
new_out
pm start -a "$c" >/dev/null 2>"$T/stderr"
expect_eq "restart (podman start): exit 0" 0 "$(exit_code "$c")"
expect_dropped "restart: workload" "$T/out/work.status" 1000 1000 "1000 2000"
R=$(pm mount "$c")
expect_eq "  nothing re-owned or touched on restart" "$before" "$(state)"
pm umount "$c" >/dev/null
pm rm -f -t 0 "$c" >/dev/null
finish
