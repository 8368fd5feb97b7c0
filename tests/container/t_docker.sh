#!/bin/bash
# The docker CLI path: examples/Dockerfile, the multi-stage file a user
# copies, built with `docker build` and run with `docker run` / `docker
# stop` against podman's Docker-compatible service. The build stage runs its
# usual apt-get lines with no network, on a local Debian 12 builder image
# that already holds the packages (see ensure_builder in lib.sh).
. "$(dirname "$0")/lib.sh"

ensure_builder
start_docker_service

IMG=localhost/stepdown-example:test
t0=$(now_ms)
DOCKER_BUILDKIT=0 DK_TIMEOUT=300 dk build --network=none \
  --build-arg BUILDER="$BUILDER_IMAGE" --build-arg BASE="$BUILDER_IMAGE" \
  -f "$REPO/examples/Dockerfile" -t "$IMG" "$REPO" > "$T/build.log" 2>&1
rc=$?
expect_eq "docker build -f examples/Dockerfile: exit 0 ($(( ($(now_ms) - t0) / 1000 )) s)" 0 "$rc"
[ "$rc" = 0 ] || { tail -30 "$T/build.log"; finish; }
expect_match "  the build stage's apt-get found everything installed" \
  "0 upgraded, 0 newly installed" "$(cat "$T/build.log")"

DCAPS=(--cap-drop=ALL --cap-add=CHOWN --cap-add=SETUID --cap-add=SETGID --cap-add=SETPCAP)

# drun ARGS...: docker run with a name and no --rm, then the exit code from
# docker inspect, then docker rm. Podman 4.3's service answers the CLI's
# wait?condition=removed, which `docker run --rm` uses, with 0 whatever the
# container's status was (podman issue 18889, fixed in 4.6).
drun() {
  local c
  c=$(name)
  dk run --name "$c" --pull=never --network=none "$@"
  DRUN_RC=$(dk inspect --format '{{.State.ExitCode}}' "$c")
  dk rm -f "$c" >/dev/null
  return "$DRUN_RC"
}

# The image's own CMD, as a user would run it.
out=$(drun "${DCAPS[@]}" "$IMG" 2>"$T/stderr")
expect_eq "docker run with the image's CMD: exit 0" 0 "$?"
expect_eq "  its output" "app in /home/app, caches in /home/app/.cache" "$out"

# The truth from /proc, and the cache dir on a fresh volume.
dk volume create sd-docker-cache-$$ >/dev/null
V=$(pm volume inspect --format '{{.Mountpoint}}' sd-docker-cache-$$)
new_out
drun "${DCAPS[@]}" -v "$T/out:/out" \
  -v sd-docker-cache-$$:/home/app/.cache "$IMG" \
  sh -c "$SNAP"'; echo data > "$HOME/.cache/blob"' 2>"$T/stderr"
expect_eq "docker run, cache on a volume: exit 0" 0 "$?"
expect_dropped "workload" "$T/out/work.status" 10001 10001 10001
expect_dropped "PID 1 (stepdown)" "$T/out/pid1.status" 10001 10001 10001
expect_eq "  on the host, the cache volume and its file are app's" "10001:10001 10001:10001" \
  "$(stat -c %u:%g "$V" "$V/blob" 2>&1 | xargs)"

# docker stop: SIGTERM to the workload's handler, its status, in time.
c=sd-docker-$$-stop
new_out
dk run -d --pull=never --network=none --name "$c" "${DCAPS[@]}" -v "$T/out:/out" "$IMG" \
  sh -c 'trap "echo handled TERM; exit 42" TERM; touch /out/ready; while :; do sleep 0.1; done' >/dev/null
wait_for "$T/out/ready" || fail "the workload did not start"
t0=$(now_ms)
dk stop -t 5 "$c" >/dev/null
ms=$(( $(now_ms) - t0 ))
expect_eq "docker stop -t 5: the workload's status" 42 "$(dk inspect --format '{{.State.ExitCode}}' "$c")"
expect_eq "  its handler ran (docker logs)" "handled TERM" "$(dk logs "$c" 2>/dev/null)"
expect_between "  well before the 5 s (ms)" 0 3000 "$ms"
dk rm -f "$c" >/dev/null

# docker run --user 1234: runs the workload as that user, does not fail.
new_out
drun --user 1234 "${DCAPS[@]}" -v "$T/out:/out" "$IMG" \
  sh -c "$SNAP; exit 5" 2>"$T/stderr"
expect_eq "docker run --user 1234: the workload's status" 5 "$?"
expect_eq "  as uid 1234" "1234 1234 1234 1234" "$(status_field "$T/out/work.status" Uid)"
expect_eq "  no effective capability" 0000000000000000 "$(status_field "$T/out/work.status" CapEff)"
expect_eq "  no_new_privs" 1 "$(status_field "$T/out/work.status" NoNewPrivs)"
stop_docker_service
finish
