#!/bin/bash
# Kubernetes: examples/kubernetes/pod.yaml, run with `podman kube play` as
# written (only the hostPath of the model and the pod's name changed). The
# server's identity and capabilities are read from the host's /proc: user
# 'model', nothing in any capability set, no_new_privs, seccomp filter on,
# root filesystem read-only; it answers from inside the pod; the emptyDirs
# are the user's; the pod stops cleanly. Without CHOWN in the manifest's
# add list, the container fails with an error naming what to add.
. "$(dirname "$0")/lib.sh"

ensure_model_server_image

M=$T/models
mkdir -p "$M"; chmod 0755 "$M"
make_model "$M/model.txt" 500
models_before=$(tree_state "$M")
want=$(model_score "$M/model.txt" tok7 tok8)

pod=model-server-$$
sed -e "s|path: /srv/models|path: $M|" -e "s|^  name: model-server$|  name: $pod|" \
  "$REPO/examples/kubernetes/pod.yaml" > "$T/pod.yaml"
expect_eq "the manifest, with only the model's path and the pod's name changed" 2 \
  "$(diff "$REPO/examples/kubernetes/pod.yaml" "$T/pod.yaml" | grep -c '^>')"
PM_TIMEOUT=120 pm kube play --network none "$T/pod.yaml" > "$T/play.log" 2>&1
expect_eq "podman kube play examples/kubernetes/pod.yaml: exit 0" 0 "$?"
ctr=$pod-server
wait_running "$ctr" || { fail "the container did not run"; cat "$T/play.log"; pm logs "$ctr"; finish; }

# Ready once the server logs "listening" (its stderr: podman logs).
n=100
while ! pm logs "$ctr" 2>&1 | grep -q listening && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done

hp=$(host_pid "$ctr"); sp=$(server_pid "$hp")
cp "/proc/$sp/status" "$T/server.status" 2>/dev/null; cp "/proc/$hp/status" "$T/pid1.status"
expect_eq "the workload is model-server" model-server "$(cat "/proc/$sp/comm" 2>&1)"
expect_dropped "model-server" "$T/server.status" 10001 10001 10001
expect_dropped "PID 1 (stepdown)" "$T/pid1.status" 10001 10001 10001
expect_eq "  seccomp filter (RuntimeDefault) in force" 2 "$(status_field "$T/server.status" Seccomp)"
expect_match "  readOnlyRootFilesystem: / is read-only" "^[0-9]+ [0-9]+ [^ ]+ / / ro," \
  "$(grep ' / / ' "/proc/$sp/mountinfo")"

# A client in the pod (same network namespace), on loopback.
out=$(pm run --rm --pull=never --pod "$pod" "${CAPS[@]}" "$BASE_IMAGE" -q -u app -- \
  wget -q -O - "http://127.0.0.1:8080/v1/predict?text=tok7+tok8")
expect_match "answers inside the pod on 127.0.0.1:8080" "\"score\": $want, \"tokens\": 2, \"known\": 2" "$out"

# The emptyDirs, on the host.
mounts=$(pm inspect --format '{{range .Mounts}}{{.Destination}}={{.Source}} {{end}}' "$ctr")
for d in /var/cache/model-server /var/log/model-server; do
  src=$(printf '%s\n' $mounts | sed -n "s|^$d=||p")
  expect_eq "emptyDir $d is the user's" 10001:10001 "$(stat -c %u:%g "$src" 2>&1)"
done
expect_eq "the hostPath model: nothing changed" "$models_before" "$(tree_state "$M")"

t0=$(now_ms)
pm pod stop -t 10 "$pod" >/dev/null
ms=$(( $(now_ms) - t0 ))
expect_eq "pod stop: the server exits 0" 0 "$(exit_code "$ctr")"
expect_between "  at once, not after the 10 s grace (ms)" 0 5000 "$ms"
expect_match "  on SIGTERM" "stopping on Terminated" "$(pm logs "$ctr" 2>&1)"
pm pod rm -f -t 0 "$pod" >/dev/null

# Without CHOWN in the add list: exit 125, and the log says what to add.
bad=model-server-nochown-$$
sed -e 's/add: \["CHOWN", /add: [/' -e "s|^  name: $pod\$|  name: $bad|" \
  -e 's/restartPolicy: Always/restartPolicy: Never/' "$T/pod.yaml" > "$T/bad.yaml"
PM_TIMEOUT=120 pm kube play --network none "$T/bad.yaml" > "$T/play.log" 2>&1
n=100
while [ "$(pm inspect --format '{{.State.Status}}' "$bad-server" 2>/dev/null)" != exited ] && [ $n -gt 0 ]; do
  sleep 0.1; n=$((n - 1))
done
expect_eq "without CHOWN in the manifest: the container exits 125" 125 "$(exit_code "$bad-server")"
expect_match "  its log says to add CHOWN" "needs CAP_CHOWN.*--cap-add CHOWN" "$(pm logs "$bad-server" 2>&1)"
expect_eq "  and the server never started" "" "$(pm logs "$bad-server" 2>&1 | grep model-server)"
src=$(pm inspect --format '{{range .Mounts}}{{.Destination}}={{.Source}} {{end}}' "$bad-server" |
  tr ' ' '\n' | sed -n 's|^/var/cache/model-server=||p')
expect_eq "  its emptyDir stayed as podman made it, root's" 0:0 "$(stat -c %u:%g "$src" 2>&1)"
pm pod rm -f -t 0 "$bad" >/dev/null
finish
