#!/bin/bash
# Groups in real containers, read from the host's /proc:
#   - `podman run --device` of a GPU-like node (mknod with /dev/zero's
#     numbers, mode 0660, gid 4242, a gid the image's /etc/group does not
#     know) plus `--group-add 3000`: with --device-groups the workload (app)
#     holds 3000 and 4242 and opens the node read-write; without it, the
#     runtime's 3000 is still kept, and the open fails;
#   - a Pod with securityContext.supplementalGroups under podman kube play:
#     the workload holds them (PID 1, stepdown, holds the workload's set
#     too once it dropped, so what it was given is not read from it).
. "$(dirname "$0")/lib.sh"

cat > "$T/Containerfile" <<EOF
FROM $BASE_IMAGE
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--device-groups", "--"]
EOF
build_image localhost/sd-groups:test "$T"

mknod -m 0660 "$T/render" c 1 5 && chgrp 4242 "$T/render" || fail "cannot make the device node"

# workload_groups HOSTPID1: the Groups of PID 1's one child (the workload).
workload_groups() {
  local kid
  kid=$(tr -d ' \n' < "/proc/$1/task/$1/children")
  sed -n 's/^Groups:[[:space:]]*//p' "/proc/$kid/status" | tr -s ' \t' ' ' | sed 's/ $//'
}
work='exec 3<>/dev/dri/renderD128 && head -c 4 <&3 | wc -c > /out/read && echo x >&3 && touch /out/ready; exec sleep 60'

c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" --device "$T/render:/dev/dri/renderD128" \
  --group-add 3000 localhost/sd-groups:test sh -c "$work" >/dev/null
wait_for "$T/out/ready" || { fail "the workload did not open the device"; pm logs "$c"; }
expect_eq "--device + --group-add 3000, --device-groups: the workload's groups" \
  "1000 2000 3000 4242" "$(workload_groups "$(host_pid "$c")")"
expect_eq "  it read the node" 4 "$(cat "$T/out/read" 2>&1)"
expect_match "  the node in the container keeps the host's gid" "^660 0:4242$" \
  "$(pm exec "$c" stat -c '%a %u:%g' /dev/dri/renderD128 2>&1)"
pm rm -f -t 0 "$c" >/dev/null

c=$(name); new_out
prun -d --name "$c" "${CAPS[@]}" -v "$T/out:/out" --device "$T/render:/dev/dri/renderD128" \
  --group-add 3000 --entrypoint '["/usr/local/bin/stepdown", "--user", "app", "--"]' \
  localhost/sd-groups:test sh -c '( exec 3<>/dev/dri/renderD128 ) || touch /out/refused; exec sleep 60' >/dev/null
wait_for "$T/out/refused" || fail "without --device-groups the open did not fail"
expect_eq "without --device-groups: 3000 kept, 4242 not joined" "1000 2000 3000" \
  "$(workload_groups "$(host_pid "$c")")"
expect_match "  the open failed with EACCES" "Permission denied" "$(pm logs "$c" 2>&1)"
pm rm -f -t 0 "$c" >/dev/null

# ---- a Pod's supplementalGroups --------------------------------------------
pod=sd-groups-$$
cat > "$T/pod.yaml" <<EOF
apiVersion: v1
kind: Pod
metadata:
  name: $pod
spec:
  restartPolicy: Never
  securityContext:
    supplementalGroups: [5000, 5001]
  containers:
  - name: w
    image: localhost/sd-groups:test
    args: ["sleep", "60"]
    securityContext:
      runAsUser: 0
      capabilities:
        drop: [ALL]
        add: [CHOWN, SETUID, SETGID, SETPCAP]
EOF
PM_TIMEOUT=120 pm kube play --network none "$T/pod.yaml" > "$T/play.log" 2>&1
expect_eq "podman kube play with supplementalGroups: exit 0" 0 "$?"
ctr=$pod-w
wait_running "$ctr" || { fail "the pod did not run"; cat "$T/play.log"; }
hp=$(host_pid "$ctr")
n=50
while [ -z "$(tr -d ' \n' < "/proc/$hp/task/$hp/children" 2>/dev/null)" ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
expect_eq "  the workload (app) holds them with its own" "1000 2000 5000 5001" "$(workload_groups "$hp")"
pm kube down "$T/pod.yaml" >/dev/null 2>&1 || pm pod rm -f "$pod" >/dev/null 2>&1
finish
