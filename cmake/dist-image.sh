#!/bin/sh
# The multi-arch image of stepdown itself, in OUT:
#   stepdown-VERSION-oci.tar   an OCI image layout (tar) whose index is one
#                              manifest list over every architecture built
# Each image is FROM scratch with one layer: /usr/local/bin/stepdown (the
# very file shipped as stepdown-VERSION-linux-ARCH) and its licences under
# /usr/share/doc/stepdown (stepdown's LICENSE; libcap-ng's COPYING.LIB and
# musl's copyright, since the binary links both in). Built with podman in a throw-away store
# under BUILD; every time is SOURCE_DATE_EPOCH, so two builds give the same
# digests. Publish with
#   skopeo copy --all oci-archive:stepdown-VERSION-oci.tar docker://REGISTRY/stepdown:VERSION
#   dist-image.sh OUT VERSION SRC BUILD CAPNG_SRC ARCH...
set -eu
out=$1 version=$2 src=$3 build=$4 capng=$5
shift 5
: "${SOURCE_DATE_EPOCH:?dist-image.sh needs SOURCE_DATE_EPOCH}"
fail() { echo "dist-image: $*" >&2; exit 1; }
command -v podman >/dev/null || fail "needs podman: apt-get install -y podman"
[ -f "$capng/COPYING.LIB" ] || fail "no COPYING.LIB in $capng"

work=$build/image
store=$work/store
# None of the host's container configuration: an empty containers.conf
# and a storage.conf naming only this store.
pm() { CONTAINERS_CONF=$work/containers.conf CONTAINERS_STORAGE_CONF=$work/storage.conf \
	podman --root "$store/root" --runroot "$store/run" --storage-driver vfs "$@"; }
cleanup() { pm rmi -a -f >/dev/null 2>&1 || true; rm -rf "$work"; }
cleanup
trap cleanup EXIT
mkdir -p "$work/ctx"
: > "$work/containers.conf"
printf '[storage]\ndriver = "vfs"\nrunroot = "%s"\ngraphroot = "%s"\n' "$store/run" "$store/root" \
	> "$work/storage.conf"
musl_copyright=/usr/share/doc/musl/copyright
[ -f "$musl_copyright" ] || fail "no $musl_copyright: apt-get install -y musl-tools"
cat > "$work/ctx/Containerfile" <<'CF'
FROM scratch
ARG TARGETARCH
COPY rootfs-${TARGETARCH}/ /
CF
ref=localhost/stepdown:$version
for arch in "$@"; do
	case $arch in
	arm) platform=linux/arm/v7 ;;
	*) platform=linux/$arch ;;
	esac
	r=$work/ctx/rootfs-$arch
	install -d -m 0755 "$r/usr/local/bin" "$r/usr/share/doc/stepdown"
	install -m 0755 "$out/stepdown-$version-linux-$arch" "$r/usr/local/bin/stepdown"
	install -m 0644 "$src/LICENSE" "$r/usr/share/doc/stepdown/LICENSE"
	install -m 0644 "$capng/COPYING.LIB" "$r/usr/share/doc/stepdown/COPYING.libcap-ng"
	install -m 0644 "$musl_copyright" "$r/usr/share/doc/stepdown/COPYING.musl"
	chmod 0755 "$r" "$r/usr" "$r/usr/local" "$r/usr/share"
	pm build -q --format oci --platform "$platform" --timestamp "$SOURCE_DATE_EPOCH" \
		--annotation org.opencontainers.image.version="$version" \
		--annotation org.opencontainers.image.licenses="MIT AND LGPL-2.1-or-later" \
		--manifest "$ref" "$work/ctx" >/dev/null ||
		fail "podman build for $platform failed"
done
pm manifest push -q --all "$ref" "oci:$work/oci:stepdown:$version" || fail "podman manifest push failed"
# The layout as a tar with fixed order, owners and times.
(cd "$work/oci" && find . -mindepth 1 -print0 | LC_ALL=C sort -z |
	tar --create --format=gnu --null --no-recursion --owner=0 --group=0 --numeric-owner \
		--mode='a+rX,u+w,go-w' --mtime="@$SOURCE_DATE_EPOCH" -T -) > "$out/stepdown-$version-oci.tar"
