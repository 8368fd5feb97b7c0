#!/bin/bash
# Groups the runtime and the hardware grant:
#   1. started as root with supplementary groups (what --group-add and
#      supplementalGroups give PID 1), the workload keeps them, except 0
#      and a group root is listed in by the image's /etc/group;
#      --groups=strict gives only the user's own;
#   2. --device-groups joins the group of real device nodes (mknod, with
#      /dev/zero's numbers, in a tmpfs /dev of a private mount namespace):
#      the uid-1000 workload opens them read-write, and cannot without it;
#      a gid-0 node, a regular file and a symlink are not joined;
#   3. started as non-root, it says which gid a device needs;
#   4. -v and --dry-run say where each gid came from.
. "$(dirname "$0")/lib.sh"
require_root
command -v setpriv >/dev/null || skip "needs setpriv (util-linux)"
make_fixture
echo "disk:x:6:root" >> "$T/etc/group" # root's own, through the image's file

# The workload's Groups line, from the /proc copy it wrote; the copy is
# used up, so a run that never got to the workload cannot pass on an old one.
groups_of() {
  [ -e "$T/out/status" ] || { echo "(the workload did not run)"; return; }
  sed -n 's/^Groups:[[:space:]]*//p' "$T/out/status" | tr -s ' \t' ' ' | sed 's/ $//'
  rm -f "$T/out/status"
}
show='rm -f '"$T"'/out/status; cat /proc/self/status > '"$T"'/out/status'

# --- 1: the runtime's grant ---------------------------------------------------
in_ns setpriv --groups 6,2000,3000 -- "$STEPDOWN" -u app -- sh -c "$show" 2>"$T/err"
expect_eq "started with 6,2000,3000: exit 0" 0 "$?"
expect_eq "  app's own (29 44 1000) and the runtime's 2000 3000; not 6, root's own" \
  "29 44 1000 2000 3000" "$(groups_of)"
in_ns setpriv --groups 0,2000 -- "$STEPDOWN" -u 4000 -- sh -c "$show" 2>"$T/err"
expect_eq "uid 4000, no passwd entry, started with 0,2000: the grant kept, never gid 0" "2000" "$(groups_of)"
in_ns setpriv --groups 6,2000,3000 -- "$STEPDOWN" --groups=strict -u app -- sh -c "$show" 2>"$T/err"
expect_eq "--groups=strict: app's own only" "29 44 1000" "$(groups_of)"
STEPDOWN_GROUPS=strict in_ns setpriv --groups 2000 -- "$STEPDOWN" -u app -- sh -c "$show" 2>"$T/err"
expect_eq "STEPDOWN_GROUPS=strict: the same" "29 44 1000" "$(groups_of)"
in_ns setpriv --groups 2000 -- "$STEPDOWN" -v -u app -- true 2>"$T/err"
expect_match "-v: 2000 kept as the runtime's grant" "groups: 2000 kept, the runtime's grant" "$(cat "$T/err")"
in_ns setpriv --groups 6,2000 -- "$STEPDOWN" -v -u app -- true 2>"$T/err"
expect_match "-v: 6 not kept, and why" "groups: 6 not kept: root's own through the image's /etc/group" "$(cat "$T/err")"
in_ns setpriv --groups 6,2000 -- "$STEPDOWN" --dry-run -u app -- true >"$T/plan" 2>&1
expect_match "--dry-run: the final set" "groups: +29,44,1000,2000$" "$(cat "$T/plan")"
expect_match "--dry-run: 2000 from the runtime" "group: +2000 from the runtime" "$(cat "$T/plan")"
expect_match "--dry-run: 6 not kept" "group: +6 not kept: root's own" "$(cat "$T/plan")"
in_ns "$STEPDOWN" --groups=loose -u app -- true 2>"$T/err"
expect_eq "--groups=loose: refused" 125 "$?"
expect_match "  says what is allowed" "use strict .* or runtime" "$(cat "$T/err")"

# --- 2: device nodes ------------------------------------------------------------
# mkdev CMD...: in the namespace, a tmpfs /dev with the nodes, then CMD.
cat > "$T/mkdev.sh" <<'EOF'
set -e
mount -t tmpfs -o mode=0755 devs /dev
mknod -m 0666 /dev/null c 1 3
mkdir /dev/dri /dev/dri/by-path /dev/other
nod() { mknod -m "$1" "$2" c 1 5; chgrp "$3" "$2"; }
nod 0660 /dev/dri/renderD128 4242
nod 0660 /dev/kfd 4242
nod 0660 /dev/dri/card0 0
nod 0660 /dev/other/gpu 4848
nod 0666 /dev/nvidiactl 0
touch /dev/dri/card1; chgrp 5050 /dev/dri/card1; chmod 0660 /dev/dri/card1
ln -s ../other/gpu /dev/dri/card2
ln -s ../renderD128 /dev/dri/by-path/pci-0000:03:00.0-render
exec "$@"
EOF
mkdev() { in_ns sh "$T/mkdev.sh" "$@"; }
rw='exec 3<>/dev/dri/renderD128 && exec 4<>/dev/kfd && head -c 4 <&3 | wc -c > '"$T"'/out/read && echo ok >&4 && '"$show"

rm -f "$T/out/read"
mkdev "$STEPDOWN" --device-groups -u app -- sh -c "$rw" 2>"$T/err"
expect_eq "--device-groups: the workload opens renderD128 and kfd read-write" 0 "$?"
expect_eq "  and reads from them" 4 "$(cat "$T/out/read" 2>/dev/null)"
expect_eq "  Groups holds 4242 (by number: no /etc/group entry)" "29 44 1000 4242" "$(groups_of)"
expect_match "  the gid-0 node: not joined, and why" \
  "warning: --device-groups: /dev/dri/card0 is mode 0660, owned by 0:0: only group root may open it" \
  "$(cat "$T/err")"
expect_eq "  the regular file and the symlink: nothing said of them" "" \
  "$(grep -E 'card1|card2|by-path' "$T/err")"

mkdev "$STEPDOWN" -u app -- sh -c "$rw" 2>"$T/err"
expect_eq "without --device-groups: the open fails" 2 "$?"
expect_match "  with EACCES" "Permission denied" "$(cat "$T/err")"

mkdev "$STEPDOWN" -v --device-groups=/dev/other/gpu:/dev/dri/card2 -u app -- sh -c "$show" 2>"$T/err"
expect_eq "a node given by path is joined (4848), a symlink given is not followed" \
  "29 44 1000 4242 4848" "$(groups_of)"
expect_match "  -v: 4242 joined for renderD128" "groups: 4242 joined for /dev/dri/renderD128" "$(cat "$T/err")"
expect_match "  -v: kfd opens with it" "/dev/kfd \(mode 0660, 0:4242\): opens with group 4242" "$(cat "$T/err")"
expect_match "  the symlink given: a warning" \
  "/dev/dri/card2 has a symlink in it, not followed; ignored" "$(cat "$T/err")"
STEPDOWN_DEVICE_GROUPS=1 mkdev "$STEPDOWN" -u app -- sh -c "$show" 2>/dev/null
expect_eq "STEPDOWN_DEVICE_GROUPS=1: the same as --device-groups" "29 44 1000 4242" "$(groups_of)"

mkdev "$STEPDOWN" --dry-run --device-groups -u app -- true >"$T/plan" 2>/dev/null
plan=$(cat "$T/plan")
expect_match "--dry-run: 4242 for renderD128" "group: +4242 for /dev/dri/renderD128" "$plan"
expect_match "--dry-run: card0 not joined" "device: +/dev/dri/card0 \(mode 0660, 0:0\): not joined: only group root" "$plan"
expect_match "--dry-run: nvidiactl opens already" "device: +/dev/nvidiactl \(mode 0666, 0:0\): opens already" "$plan"

# --- 3: started as non-root ---------------------------------------------------
mkdev setpriv --reuid 1000 --regid 1000 --clear-groups -- "$STEPDOWN" --device-groups -- sh -c "$show" 2>"$T/err"
expect_eq "non-root, no groups: runs as it is" "" "$(groups_of)"
expect_match "  says once which gid renderD128 and kfd need, and the runtime flag" \
  "the workload cannot open /dev/dri/renderD128, /dev/kfd \(group 4242 may read and write\).*--group-add 4242 \(Kubernetes: supplementalGroups: \[4242\]\)" \
  "$(cat "$T/err")"
expect_eq "  once" 1 "$(grep -c 'group-add 4242' "$T/err")"
mkdev setpriv --reuid 1000 --regid 1000 --groups 4242 -- "$STEPDOWN" --device-groups -- sh -c "$rw" 2>"$T/err"
expect_eq "non-root with the gid granted: opens them, nothing said" "0:" "$?:$(grep 'cannot open' "$T/err")"
in_ns setpriv --reuid 1000 --regid 1000 --groups 2000 -- "$STEPDOWN" --groups=strict -- sh -c "$show" 2>"$T/err"
expect_eq "non-root with --groups=strict: the groups cannot be dropped" "2000" "$(groups_of)"
expect_match "  and it says so" "--groups=strict: started as non-root, stepdown cannot drop the 1 supplementary" "$(cat "$T/err")"
finish
