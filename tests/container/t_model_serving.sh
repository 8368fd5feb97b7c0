#!/bin/bash
# The model-serving example (examples/model-serving): a real HTTP server in
# a FROM-scratch image, stepdown as entrypoint, run --read-only with the
# smallest capability set. It reads its model from a read-only host mount,
# writes its compiled-model cache and its log to the declared writable dirs
# (fresh named volumes, root's) as the non-root user 'model', answers HTTP
# on loopback inside the container's network namespace (a client container
# joins that namespace), stops cleanly on `podman stop`, and on a restart
# finds its cache.
. "$(dirname "$0")/lib.sh"

ensure_model_server_image

M=$T/models
mkdir -p "$M"; chmod 0755 "$M"
make_model "$M/model.txt" 20000
models_before=$(tree_state "$M")
want=$(model_score "$M/model.txt" tok1 tok42 tok42 tok19999 nosuch)

srv=$(name)
cache=sd-ms-cache-$$; logs=sd-ms-logs-$$
pm volume create "$cache" >/dev/null; pm volume create "$logs" >/dev/null
C=$(pm volume inspect --format '{{.Mountpoint}}' "$cache")
L=$(pm volume inspect --format '{{.Mountpoint}}' "$logs")
prun -d --name "$srv" "${CAPS[@]}" --read-only -v "$M:/models:ro" \
  -v "$cache:/var/cache/model-server" -v "$logs:/var/log/model-server" \
  "$MODEL_SERVER_IMAGE" >/dev/null
expect_eq "podman run -d the model server: started" 0 "$?"

# ready: the server logs "listening" once its model is loaded.
n=100
while ! grep -q listening "$L/server.log" 2>/dev/null && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
grep -q listening "$L/server.log" 2>/dev/null || { fail "the server did not come up"; pm logs "$srv"; finish; }

# query: a busybox client in the server's network namespace, on loopback.
query() {
  pm run --rm --pull=never --network "container:$srv" "${CAPS[@]}" "$BASE_IMAGE" -q -u app -- \
    sh -c 'for p in "$@"; do wget -q -O - "http://127.0.0.1:8080$p" || echo "wget $p failed"; done' sh "$@"
}
out=$(query /healthz /v1/model "/v1/predict?text=tok1+tok42+tok42+tok19999+nosuch")
expect_eq "answers on 127.0.0.1:8080: healthz" ok "$(printf '%s\n' "$out" | sed -n 1p)"
expect_match "  /v1/model: 20000 entries, compiled now (cache miss)" '"entries": 20000, .*"cache": "miss"' \
  "$(printf '%s\n' "$out" | sed -n 2p)"
expect_match "  /v1/predict: the score computed from the model" "\"score\": $want, \"tokens\": 5, \"known\": 4" \
  "$(printf '%s\n' "$out" | sed -n 3p)"

# The truth about the server and PID 1, from the host.
hp=$(host_pid "$srv"); sp=$(server_pid "$hp")
cp "/proc/$sp/status" "$T/server.status" 2>/dev/null; cp "/proc/$hp/status" "$T/pid1.status"
expect_eq "the server process is model-server" model-server "$(cat "/proc/$sp/comm" 2>&1)"
expect_dropped "model-server" "$T/server.status" 10001 10001 10001
expect_dropped "PID 1 (stepdown)" "$T/pid1.status" 10001 10001 10001
expect_match "  the root filesystem is read-only" "^[0-9]+ [0-9]+ [^ ]+ / / ro," \
  "$(grep ' / / ' "/proc/$sp/mountinfo")"

# Its files on the host.
expect_eq "cache: the compiled model is the user's" 10001:10001 \
  "$(stat -c %u:%g "$C"/model-*.bin 2>&1)"
expect_eq "logs: the log is the user's" 10001:10001 "$(stat -c %u:%g "$L/server.log" 2>&1)"
expect_match "  and records the requests" "200 GET /v1/predict" "$(cat "$L/server.log")"
expect_eq "the model mount: nothing changed" "$models_before" "$(tree_state "$M")"

# podman stop: SIGTERM, the server logs and exits 0, in well under 5 s.
t0=$(now_ms)
pm stop -t 5 "$srv" >/dev/null
ms=$(( $(now_ms) - t0 ))
expect_eq "podman stop -t 5: the server's status" 0 "$(exit_code "$srv")"
expect_between "  in time (ms)" 0 3000 "$ms"
expect_match "  it stopped on SIGTERM after its 3 requests" "stopping on Terminated after 3 requests" \
  "$(cat "$L/server.log")"

# Restart: the cache from the first start is found and used.
pm start "$srv" >/dev/null
n=100
while [ "$(grep -c listening "$L/server.log")" -lt 2 ] && [ $n -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
out=$(query /v1/model "/v1/predict?text=tok1+tok42+tok42+tok19999+nosuch")
expect_match "restart: the compiled model comes from the cache" '"cache": "hit"' "$(printf '%s\n' "$out" | sed -n 1p)"
expect_match "  same answer" "\"score\": $want," "$(printf '%s\n' "$out" | sed -n 2p)"
pm stop -t 5 "$srv" >/dev/null
expect_eq "  stopped again: 0" 0 "$(exit_code "$srv")"
expect_eq "  the model mount: still nothing changed" "$models_before" "$(tree_state "$M")"
pm rm -f -t 0 "$srv" >/dev/null
finish
