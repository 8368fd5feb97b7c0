# Shared helpers for the container tests. Source it from a t_*.sh that
# tests/container/run started: run sets up the throw-away podman state and
# the base image, and exports what is read here.
set -u

: "${CTR_STATE:?run the container tests through tests/container/run}"
: "${STEPDOWN_BIN:?STEPDOWN_BIN must point at the binary under test}"
: "${REPO:?REPO must point at the source tree}"
: "${BASE_IMAGE:?BASE_IMAGE is built by tests/container/run}"
. "$REPO/tests/lib/assert.sh"
export CONTAINERS_CONF="$REPO/tests/container/containers.conf"

TEST_NAME=$(basename "$0" .sh)
T=$(mktemp -d "$CTR_STATE/$TEST_NAME.XXXXXX")
chmod 0755 "$T"

# expect_between WHAT LOW HIGH VALUE (integers, inclusive)
expect_between() {
  if [ "$4" -ge "$2" ] && [ "$4" -le "$3" ]; then pass "$1 ($4)"; else fail "$1: $4 not in [$2, $3]"; fi
}

# pm ARGS...: podman on the suite's throw-away state, with a time limit
# (PM_TIMEOUT, default 60 s). Every podman call of the suite goes through it.
pm() {
  timeout -k 5 "${PM_TIMEOUT:-60}" podman --root "$CTR_STATE/root" --runroot "$CTR_STATE/run" \
    --tmpdir "$CTR_STATE/tmp" --network-config-dir "$CTR_STATE/net" "$@"
}

# dk ARGS...: the docker CLI against the suite's podman service (see
# start_docker_service), with a time limit (DK_TIMEOUT, default 60 s).
dk() {
  DOCKER_HOST="unix://$CTR_STATE/docker.sock" DOCKER_CONFIG="$CTR_STATE/docker-config" \
    timeout -k 5 "${DK_TIMEOUT:-60}" "$DOCKER_CLI" "$@"
}

# name: a fresh container name, unique in this run (the counter is kept in
# a file, since name is mostly called in a command substitution).
name() {
  local n
  n=$(( $(cat "$T/.seq" 2>/dev/null || echo 0) + 1 ))
  echo "$n" > "$T/.seq"
  echo "sd-$TEST_NAME-$$-$n"
}

# prun ARGS...: podman run with no network and no pulling. Pass --name, the
# capabilities and the rest explicitly.
prun() { pm run --pull=never --network=none "$@"; }

# The capabilities stepdown needs when started as root with --writable dirs
# (README "In containers"); the tests prove each one is needed.
NEEDED_CAPS=CHOWN,SETUID,SETGID,SETPCAP
CAPS=(--cap-drop=ALL --cap-add="$NEEDED_CAPS")

# status_field FILE FIELD: the value of "Field:" in a /proc/PID/status copy,
# blanks squeezed to one space.
status_field() {
  awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); gsub(/[ \t]+/, " "); print }' "$1"
}

# host_pid CONTAINER: the host pid of the container's PID 1.
host_pid() { pm inspect --format '{{.State.Pid}}' "$1"; }

# ns_status HOSTPID: "pid state ppid comm" (host pids) for the container's
# PID 1 at HOSTPID and every process below it, zombies included; orphans are
# reparented to PID 1, so this is every process in the container except
# those that entered it (podman exec). Shell builtins only: no fork per
# process, so a busy machine does not make it slow.
ns_status() {
  local queue=("$1") p t line comm
  local -a kids
  while [ ${#queue[@]} -gt 0 ]; do
    p=${queue[0]}; queue=("${queue[@]:1}")
    { read -r line < "/proc/$p/stat"; } 2>/dev/null || continue
    { read -r comm < "/proc/$p/comm"; } 2>/dev/null
    set -- ${line##*) }
    echo "$p $1 $2 $comm"
    for t in /proc/"$p"/task/*; do
      kids=()
      { read -r -a kids < "$t/children"; } 2>/dev/null   # no newline at its end: status 1
      queue+=("${kids[@]}")
    done
  done
}

# wait_for FILE [TENTHS]: wait until FILE exists (default 10 s).
wait_for() {
  local n=${2:-100}
  while [ ! -e "$1" ] && [ "$n" -gt 0 ]; do sleep 0.1; n=$((n - 1)); done
  [ -e "$1" ]
}

# wait_running CONTAINER [TENTHS]: wait until it runs (default 10 s).
wait_running() {
  local n=${2:-100}
  while [ "$(pm inspect --format '{{.State.Running}}' "$1" 2>/dev/null)" != true ] && [ "$n" -gt 0 ]; do
    sleep 0.1; n=$((n - 1))
  done
  [ "$n" -gt 0 ]
}

# exit_code CONTAINER: the exit code of a stopped container.
exit_code() { pm inspect --format '{{.State.ExitCode}}' "$1"; }

# now_ms: wall clock in milliseconds.
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# tree_state DIR: owner, mode, ctime (ns) and path of every entry, so that a
# test can tell whether anything was touched at all.
tree_state() { find "$1" -printf '%U:%G %m %C@ %p\n' | sort -k4; }

# build_image TAG DIR [ARGS...]: podman build of DIR's Containerfile.
build_image() {
  local tag=$1 dir=$2; shift 2
  PM_TIMEOUT=${PM_TIMEOUT:-120} pm build -q --pull=never --network=none -t "$tag" "$@" "$dir" >/dev/null
}

# ensure_builder: make sure BUILDER_IMAGE exists. It is a Debian 12 minbase
# root filesystem made with debootstrap, with the compiler, CMake and
# libcap-ng-dev already installed, imported into podman: the stand-in for
# the debian:12 image of a registry, which this machine cannot reach. The
# examples' Dockerfiles run their usual "apt-get update && apt-get install"
# on it with no network, and apt finds everything installed. The rootfs tar
# is kept in CTR_CACHE (build/container-cache) for a week, to save the
# ~40 s of debootstrap on the next run; STEPDOWN_CTR_CACHE=none disables it.
BUILDER_IMAGE=localhost/stepdown-builder:bookworm
CAPNG_IN_BUILDER=/usr/src/libcap-ng/source
BUILDER_PACKAGES=gcc,libc6-dev,make,cmake,libcap-ng-dev,binutils,musl-tools,linux-libc-dev,dpkg-dev
ensure_builder() {
  pm image exists "$BUILDER_IMAGE" && return 0
  local cache=${STEPDOWN_CTR_CACHE:-$REPO/build/container-cache}
  local tar="$cache/builder-bookworm-musl.tar" root="$CTR_STATE/builder-root" t0 capng_dir
  t0=$(now_ms)
  if [ "$cache" = none ] || [ -z "$(find "$tar" -mtime -7 2>/dev/null)" ]; then
    [ "$cache" = none ] && tar="$CTR_STATE/builder-bookworm-musl.tar"
    mkdir -p "$(dirname "$tar")"
    rm -rf "$root"
    if ! timeout -k 5 300 debootstrap --variant=minbase --include="$BUILDER_PACKAGES" \
         bookworm "$root" "${STEPDOWN_DEBIAN_MIRROR:-http://deb.debian.org/debian}" \
         > "$CTR_STATE/debootstrap.log" 2>&1; then
      tail -20 "$CTR_STATE/debootstrap.log"
      fail "debootstrap of the builder image failed"; finish
    fi
    # The release build's libcap-ng source, fetched here (the host reaches
    # Debian's archive; the image build runs without network) with the
    # same script the build uses; the image's STEPDOWN_CAPNG_SOURCE names it.
    if ! sh "$REPO/cmake/fetch-libcap-ng.sh" "$root/usr/src/libcap-ng" \
         > "$CTR_STATE/capng-src.txt" 2> "$CTR_STATE/capng-src.log" ||
       ! capng_dir=$(cat "$CTR_STATE/capng-src.txt") || [ ! -f "$capng_dir/src/cap-ng.c" ]; then
      tail -20 "$CTR_STATE/capng-src.log"
      fail "fetching libcap-ng's source for the builder image failed"; finish
    fi
    rm -rf "$root/usr/src/libcap-ng/apt"
    ln -s "${capng_dir#"$root"/usr/src/libcap-ng/}" "$root$CAPNG_IN_BUILDER"
    # What an image does not need: downloaded .debs, docs, man pages.
    rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/usr/share/doc \
           "$root"/usr/share/man "$root"/usr/share/locale
    tar -C "$root" -cf "$tar.new.$$" . && mv "$tar.new.$$" "$tar"
    rm -rf "$root"
    echo "# builder rootfs made with debootstrap in $(( ($(now_ms) - t0) / 1000 )) s"
  fi
  PM_TIMEOUT=180 pm import -q \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "ENV STEPDOWN_CAPNG_SOURCE=$CAPNG_IN_BUILDER" \
    --change 'CMD ["/bin/bash"]' "$tar" "$BUILDER_IMAGE" >/dev/null \
    || { fail "podman import of the builder rootfs failed"; finish; }
  echo "# builder image $BUILDER_IMAGE ready after $(( ($(now_ms) - t0) / 1000 )) s"
}

# SNAP: shell lines for a workload that record, in /out (a host dir bind-
# mounted writable), the workload's own /proc status and PID 1's.
SNAP='cat /proc/$$/status > /out/work.status; cat /proc/1/status > /out/pid1.status'

# expect_dropped WHO STATUSFILE UID GID GROUPS: the process ran as UID and
# GID (real, effective, saved and filesystem), with exactly the supplementary
# GROUPS ("" for none), no capability in any set, and no_new_privs.
expect_dropped() {
  local who=$1 f=$2
  [ -s "$f" ] || { fail "$who: no status recorded ($f)"; return; }
  expect_eq "$who: uid" "$3 $3 $3 $3" "$(status_field "$f" Uid)"
  expect_eq "$who: gid" "$4 $4 $4 $4" "$(status_field "$f" Gid)"
  expect_eq "$who: groups" "$5" "$(status_field "$f" Groups | sed 's/ $//')"
  local set
  for set in CapInh CapPrm CapEff CapBnd CapAmb; do
    expect_eq "$who: $set empty" 0000000000000000 "$(status_field "$f" "$set")"
  done
  expect_eq "$who: no_new_privs" 1 "$(status_field "$f" NoNewPrivs)"
}

# new_out: a fresh host dir, mode 0777, for the workload's records.
new_out() { rm -rf "$T/out"; mkdir -m 0777 "$T/out"; }

# start_docker_service: podman's Docker-compatible API on
# $CTR_STATE/docker.sock, for dk. tests/container/run stops it on exit.
start_docker_service() {
  local sock=$CTR_STATE/docker.sock n=100
  [ -S "$sock" ] && return 0
  timeout -k 5 1200 podman --root "$CTR_STATE/root" --runroot "$CTR_STATE/run" \
    --tmpdir "$CTR_STATE/tmp" --network-config-dir "$CTR_STATE/net" \
    system service --time=0 "unix://$sock" > "$CTR_STATE/docker-service.log" 2>&1 &
  echo $! > "$CTR_STATE/docker-service.pid"
  while ! DK_TIMEOUT=5 dk version >/dev/null 2>&1; do
    n=$((n - 1))
    [ $n -gt 0 ] || { cat "$CTR_STATE/docker-service.log"; fail "podman system service did not start"; finish; }
    sleep 0.1
  done
}

stop_docker_service() {
  local pidfile=$CTR_STATE/docker-service.pid
  [ -s "$pidfile" ] || return 0
  kill "$(cat "$pidfile")" 2>/dev/null
  wait "$(cat "$pidfile")" 2>/dev/null
  rm -f "$pidfile" "$CTR_STATE/docker.sock"
}

# ensure_model_server_image: examples/model-serving/Dockerfile built with
# podman as MODEL_SERVER_IMAGE (the image examples/kubernetes/pod.yaml
# names), once per run.
MODEL_SERVER_IMAGE=localhost/model-server:1.0
ensure_model_server_image() {
  pm image exists "$MODEL_SERVER_IMAGE" && return 0
  ensure_builder
  local t0
  t0=$(now_ms)
  if ! PM_TIMEOUT=300 pm build --pull=never --network=none --build-arg BUILDER="$BUILDER_IMAGE" \
       -f "$REPO/examples/model-serving/Dockerfile" -t "$MODEL_SERVER_IMAGE" "$REPO" \
       > "$CTR_STATE/model-server-build.log" 2>&1; then
    tail -30 "$CTR_STATE/model-server-build.log"
    fail "podman build of examples/model-serving/Dockerfile failed"; finish
  fi
  echo "# $MODEL_SERVER_IMAGE built from examples/model-serving/Dockerfile in $(( ($(now_ms) - t0) / 1000 )) s"
}

# make_model FILE N: a model of N "token weight" lines (root-owned, 0644).
make_model() {
  awk -v n="$2" 'BEGIN { for (i = 0; i < n; i++) printf "tok%d %d\n", i, (i * 7919) % 1000 - 500 }' > "$1"
  chown 0:0 "$1"; chmod 0644 "$1"
}

# model_score FILE TOKEN...: what /v1/predict should answer for the tokens.
model_score() {
  local f=$1; shift
  awk -v q="$*" 'BEGIN { n = split(q, t, " "); for (i = 1; i <= n; i++) want[t[i]]++ }
                 $1 in want { s += $2 * want[$1] } END { print s + 0 }' "$f"
}

# server_pid HOSTPID: the host pid of stepdown's only child (the workload).
server_pid() { tr -d ' \n' < "/proc/$1/task/$1/children"; }
