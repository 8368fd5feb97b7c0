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

# A model cache left root-owned by an earlier run, with a planted symlink to
# /etc/shadow that a find/chown script would follow.
demo=$(mktemp -d /tmp/stepdown-demo.XXXXXX)
chmod 0755 "$demo"
trap 'rm -rf "$demo"' EXIT
mkdir -p "$demo/cache/models/tiny"
head -c 65536 /dev/urandom > "$demo/cache/models/tiny/weights.bin"
echo '{"dim": 8}' > "$demo/cache/models/tiny/config.json"
ln -s /etc/shadow "$demo/cache/models/tiny/planted-link"
echo
echo "== before: the cache the workload must write (root-owned)"
( cd "$demo" && find cache -printf '    %u:%g %p\n' )


echo
echo "== unshare -fp --mount-proc $bin -v --user nobody --writable $demo/cache -- /bin/sh examples/demo-workload.sh"
set +e
DEMO_CACHE="$demo/cache" \
  unshare -fp --mount-proc "$bin" -v --user nobody --writable "$demo/cache" -- \
  /bin/sh examples/demo-workload.sh 2>&1
rc=$?
set -e
echo
echo "== the workload exited 3; stepdown exited $rc"
echo
echo "== after: the cache belongs to nobody, the planted link was re-owned itself,"
echo "   and /etc/shadow was not touched"
( cd "$demo" && find cache -printf '    %u:%g %p\n' )
echo "    $(stat -c '%U:%G %n' /etc/shadow)"
