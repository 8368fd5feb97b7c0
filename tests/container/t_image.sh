#!/bin/bash
# The multi-arch image of the dist build (build/dist/artefacts/
# stepdown-VERSION-oci.tar), used the way an image author does: published
# to a registry (a local docker-registry started here, pushed with
# `skopeo copy --all`), then a consumer Containerfile with
#   COPY --from=REGISTRY/stepdown:VERSION /usr/local/bin/stepdown /usr/local/bin/stepdown
# built for linux/amd64 and linux/arm64 with --platform, each run under
# podman (arm64 through qemu-user's binfmt entry): the binary is that
# architecture's artefact, the drop read from /proc, a --writable host dir
# owned by the user on the host. The same for the download way,
# examples/install/Dockerfile.download against the artefacts served over
# HTTP, with the sha256 of SHA256SUMS pinned; a wrong sum, a missing line,
# a binary and SHA256SUMS both changed, or no pin stops that build.
. "$(dirname "$0")/lib.sh"
DIST=${STEPDOWN_DIST:-$REPO/build/dist/artefacts}
version=$(sed -n 's/^project(stepdown VERSION \([0-9.]*\).*/\1/p' "$REPO/CMakeLists.txt")
oci=$DIST/stepdown-$version-oci.tar
[ -f "$oci" ] || skip "no $oci: run cmake --workflow --preset dist first (tests/run does)"
for t in docker-registry skopeo; do
  command -v $t >/dev/null || skip "needs $t (tests/dist/run installs it)"
done
cache=${STEPDOWN_CTR_CACHE:-$REPO/build/container-cache}
[ "$cache" = none ] && cache=$T/cache
mkdir -p "$cache"

# The registry: its own storage and config, on a free loopback port.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$T/registry"
cat > "$T/registry.yml" <<YML
version: 0.1
log: { level: warn }
storage: { filesystem: { rootdirectory: $T/registry } }
http: { addr: "127.0.0.1:$port" }
YML
docker-registry serve "$T/registry.yml" > "$T/registry.log" 2>&1 &
reg_pid=$!
trap 'kill $reg_pid 2>/dev/null; wait $reg_pid 2>/dev/null' EXIT
n=100
until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
  n=$((n - 1)); [ $n -gt 0 ] || { cat "$T/registry.log"; fail "docker-registry did not start"; finish; }
  sleep 0.1
done
REG=127.0.0.1:$port
# The registry speaks plain HTTP: say so to podman (and its builds) here.
cat > "$T/registries.conf" <<CONF
[[registry]]
location = "$REG"
insecure = true
CONF
export CONTAINERS_REGISTRIES_CONF=$T/registries.conf
timeout 120 skopeo copy -q --all --dest-tls-verify=false \
  "oci-archive:$oci:stepdown:$version" "docker://$REG/stepdown:$version" 2>"$T/skopeo.err"
expect_eq "skopeo copy --all of the OCI archive to the registry" 0 "$?"
pm manifest inspect "$REG/stepdown:$version" > "$T/manifest.json" 2>"$T/inspect.err"
rc=$?
cat "$T/inspect.err"
expect_eq "podman manifest inspect $REG/stepdown:$version" 0 "$rc"
echo "# podman manifest inspect:"; sed 's/^/#   /' "$T/manifest.json"
expect_eq "  the list: every architecture" "386 amd64 arm/v7 arm64 ppc64le s390x" \
  "$(python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["manifests"]
print(" ".join(sorted(p["architecture"] + ("/" + p["variant"] if p.get("variant") else "")
                      for p in (x["platform"] for x in m) if p["os"] == "linux")))' "$T/manifest.json")"

# A static busybox of each architecture for the consumer image (Debian's
# busybox-static; arm64's through multiarch, kept in the cache).
busybox_for() {
  if [ "$1" = amd64 ]; then echo /bin/busybox; return; fi
  local deb
  deb=$(ls "$cache"/busybox-static_*_"$1".deb 2>/dev/null | head -n 1)
  if [ -z "$deb" ]; then
    (cd "$cache" && timeout 120 apt-get download -qq "busybox-static:$1" >/dev/null 2>&1) || return 1
    deb=$(ls "$cache"/busybox-static_*_"$1".deb | head -n 1)
  fi
  rm -rf "$T/bb-$1" && dpkg-deb -x "$deb" "$T/bb-$1" && echo "$T/bb-$1/bin/busybox"
}

# The HTTP server of the "release downloads": the artefacts (good); every
# sum in SHA256SUMS wrong (badsum); no line for any binary (noline); a
# binary and a SHA256SUMS that agree with each other but are not the
# release's (swapped: a mirror that changed both).
for d in good badsum noline swapped; do
  mkdir -p "$T/www/$d"; cp "$DIST"/stepdown-*-linux-* "$T/www/$d/"
done
cp "$DIST/SHA256SUMS" "$T/www/good/"
awk '{ print "0000000000000000000000000000000000000000000000000000000000000000  " $2 }' \
  "$DIST/SHA256SUMS" > "$T/www/badsum/SHA256SUMS"
grep -v -- '-linux-' "$DIST/SHA256SUMS" > "$T/www/noline/SHA256SUMS"
for a in amd64 arm64; do printf 'x' >> "$T/www/swapped/stepdown-$version-linux-$a"; done
(cd "$T/www/swapped" && sha256sum stepdown-*-linux-* > SHA256SUMS)
sums_sha256=$(sha256sum < "$DIST/SHA256SUMS" | cut -d' ' -f1)
hport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory "$T/www" "$hport" > "$T/http.log" 2>&1 &
http_pid=$!
trap 'kill $reg_pid $http_pid 2>/dev/null; wait $reg_pid $http_pid 2>/dev/null' EXIT
n=100
until (exec 3<>"/dev/tcp/127.0.0.1/$hport") 2>/dev/null; do
  n=$((n - 1)); [ $n -gt 0 ] || { fail "the HTTP server did not start"; finish; }
  sleep 0.1
done

# check_consumer ARCH IMAGE WHAT: run IMAGE (its entrypoint: stepdown
# --user app --writable /data --) and check the drop, the architecture,
# the host dir and the binary in it.
check_consumer() {
  local arch=$1 image=$2 what=$3 c rc want_m=x86_64 R
  [ "$arch" = arm64 ] && want_m=aarch64
  expect_eq "  $what: the image is linux/$arch" "$arch" \
    "$(pm image inspect --format '{{.Architecture}}' "$image" 2>&1)"
  new_out
  rm -rf "$T/data"; mkdir -p "$T/data/cache"; echo w > "$T/data/cache/w"; chown -R 0:0 "$T/data"
  c=$(name)
  prun --name "$c" "${CAPS[@]}" -v "$T/out:/out" -v "$T/data:/data" \
    "$image" sh -c "$SNAP; uname -m > /out/machine; touch /data/made" 2>"$T/stderr"
  rc=$?
  [ $rc = 0 ] || cat "$T/stderr"
  expect_eq "  $what: run with the smallest capability set: exit 0" 0 "$rc"
  expect_eq "  $what: the workload ran as $want_m" "$want_m" "$(cat "$T/out/machine" 2>/dev/null)"
  expect_dropped "  $what: workload" "$T/out/work.status" 1000 1000 "1000 2000"
  expect_dropped "  $what: PID 1 (stepdown)" "$T/out/pid1.status" 1000 1000 "1000 2000"
  expect_eq "  $what: --writable /data owned by the user, on the host" \
    "1000:1000 1000:1000 1000:1000 1000:1000" \
    "$(stat -c %u:%g "$T/data" "$T/data/cache" "$T/data/cache/w" "$T/data/made" 2>&1 | xargs)"
  R=$(pm mount "$c")
  if [ -n "$R" ] && [ -f "$R/usr/local/bin/stepdown" ]; then
    expect_eq "  $what: /usr/local/bin/stepdown in it is stepdown-$version-linux-$arch" 0 \
      "$(cmp "$R/usr/local/bin/stepdown" "$DIST/stepdown-$version-linux-$arch" >&2; echo $?)"
    expect_eq "  $what: no SHA256SUMS or download left in the image" "" \
      "$(ls -d "$R/fetch" "$R/tmp/stepdown.SHA256SUMS" 2>/dev/null)"
  else
    fail "  $what: podman mount $c gave no /usr/local/bin/stepdown in [$R]"
  fi
  pm umount "$c" >/dev/null
  pm rm -f "$c" >/dev/null
}

# download WHERE TAG [PINNED]: examples/install/Dockerfile.download built for
# $arch on its base, from the HTTP server's WHERE, with the pinned sum.
download() {
  PM_TIMEOUT=180 pm build -q --platform "linux/$arch" -f "$REPO/examples/install/Dockerfile.download" \
    --build-arg BASE="localhost/sd-bb-$arch:test" \
    --build-arg STEPDOWN_URL="http://127.0.0.1:$hport/$1" \
    --build-arg STEPDOWN_SUMS_SHA256="${3-$sums_sha256}" -t "$2" "$ctx/dl" > "$T/dl-$1-$arch.log" 2>&1
}

for arch in amd64 arm64; do
  bb=$(busybox_for "$arch") || { fail "$arch: cannot get busybox-static:$arch"; continue; }
  # The consumer's base: a static busybox of the architecture and the
  # suite's /etc/passwd and /etc/group.
  ctx=$T/ctx-$arch
  mkdir -p "$ctx/rootfs/bin" "$ctx/rootfs/home/app" "$ctx/rootfs/tmp"
  cp -a "$REPO/tests/container/rootfs/." "$ctx/rootfs/"
  cp "$bb" "$ctx/rootfs/bin/busybox"
  for a in sh cat touch stat uname grep sed sha256sum chmod rm id; do ln -sf busybox "$ctx/rootfs/bin/$a"; done
  printf 'FROM scratch\nCOPY rootfs/ /\nENV PATH=/usr/local/bin:/bin\n' > "$ctx/Containerfile"
  PM_TIMEOUT=120 pm build -q --platform "linux/$arch" -t "localhost/sd-bb-$arch:test" "$ctx" >/dev/null ||
    { fail "$arch: the consumer's base image did not build"; continue; }

  # 1. COPY --from the image in the registry.
  mkdir -p "$ctx/copy"
  cat > "$ctx/copy/Containerfile" <<CF
FROM localhost/sd-bb-$arch:test
COPY --from=$REG/stepdown:$version /usr/local/bin/stepdown /usr/local/bin/stepdown
ENTRYPOINT ["/usr/local/bin/stepdown", "--user", "app", "--writable", "/data", "--"]
CF
  PM_TIMEOUT=120 pm build -q --platform "linux/$arch" \
    -t "localhost/sd-consumer-$arch:test" "$ctx/copy" > "$T/build-$arch.log" 2>&1
  rc=$?
  [ $rc = 0 ] || tail -n 20 "$T/build-$arch.log"
  expect_eq "$arch: consumer build with COPY --from=$REG/stepdown:$version, --platform linux/$arch" 0 "$rc"
  check_consumer "$arch" "localhost/sd-consumer-$arch:test" "COPY --from"

  # 2. examples/install/Dockerfile.download as it is: the binary of
  # TARGETARCH, checked against SHA256SUMS, itself checked against the
  # pinned sum.
  mkdir -p "$ctx/dl"
  download good "localhost/sd-download-$arch:test"
  rc=$?
  [ $rc = 0 ] || tail -n 20 "$T/dl-good-$arch.log"
  expect_eq "$arch: examples/install/Dockerfile.download (its default version), --platform linux/$arch" 0 "$rc"
  check_consumer "$arch" "localhost/sd-download-$arch:test" "download"
  for bad in badsum noline swapped; do
    download "$bad" "localhost/sd-download-$bad-$arch:test"
    rc=$?
    expect_eq "  $bad: the build stops" 1 "$([ $rc != 0 ] && echo 1 || echo 0)"
    expect_match "  $bad: at the check" "did NOT match|FAILED|no properly formatted|no checksum" \
      "$(cat "$T/dl-$bad-$arch.log")"
  done
  download good "localhost/sd-download-nopin-$arch:test" ""
  rc=$?
  expect_eq "  no pinned sum: the build stops" 1 "$([ $rc != 0 ] && echo 1 || echo 0)"
done
# The README's snippet is the example's, from ARG BASE to the final COPY;
# the example's default version is the project's.
range='/^ARG BASE=/,/^COPY --from=fetch /p'
expect_eq "README's download snippet is examples/install/Dockerfile.download's" "" \
  "$(diff <(sed -n "$range" "$REPO/README.md") <(sed -n "$range" "$REPO/examples/install/Dockerfile.download"))"
expect_eq "  and is there (18 lines)" 18 "$(sed -n "$range" "$REPO/README.md" | wc -l)"
expect_eq "  the example's STEPDOWN_VERSION is the project's" "ARG STEPDOWN_VERSION=$version" \
  "$(grep '^ARG STEPDOWN_VERSION=' "$REPO/examples/install/Dockerfile.download")"
finish
