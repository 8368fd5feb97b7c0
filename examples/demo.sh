#!/bin/bash
# Build stepdown and watch it work: a real workload as PID 1 of a new PID
# namespace, root given up for good, an orphan reaped. Run as root on
# Debian 12: ./examples/demo.sh
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake pkg-config libcap-ng-dev util-linux procps)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
[ "$(id -u)" = 0 ] || { echo "run the demo as root: it starts stepdown as root, as a container would" >&2; exit 1; }

cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF >/dev/null
cmake --build build/demo -j"$(nproc)" >/dev/null
bin=build/demo/stepdown
echo "built $bin: $(stat -c %s "$bin") bytes, $(file -b "$bin" 2>/dev/null | cut -d, -f1-4 || echo static)"

show() { grep -E '^(Uid|Gid|Groups|CapEff|CapBnd|CapAmb|NoNewPrivs):' "$1" | sed 's/^/    /'; }
echo
echo "== before: this shell, about to start stepdown"
show /proc/self/status


echo
echo "== unshare -fp --mount-proc $bin -v --user nobody -- /bin/sh examples/demo-workload.sh"
set +e
unshare -fp --mount-proc "$bin" -v --user nobody -- /bin/sh examples/demo-workload.sh 2>&1
rc=$?
set -e
echo
echo "== the workload exited 3; stepdown exited $rc"
