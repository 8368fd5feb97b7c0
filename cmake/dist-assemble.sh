#!/bin/sh
# The dist build's artefacts, in OUT:
#   stepdown-VERSION-linux-ARCH   each architecture's static binary
#   stepdown-VERSION.1            the man page
#   stepdown-VERSION.tar.gz       the source (the tracked files as they are)
#   stepdown_VERSION_DEBARCH.deb  Debian packages (cmake/dist-deb.sh)
#   stepdown-VERSION-oci.tar      the multi-arch image (cmake/dist-image.sh)
#   SHA256SUMS                    sha256sum of each of them
# Reproducible: fixed names, order, owners, modes and times in the tarball
# (the last commit's time, or SOURCE_DATE_EPOCH; 0 when built from an
# unpacked tarball without it), gzip without a timestamp.
#   dist-assemble.sh OUT VERSION SRC BUILD CAPNG_SRC ARCH...
set -eu
out=$1 version=$2 src=$3 build=$4 capng=$5
shift 5
rm -rf "$out"
mkdir -p "$out"
for arch in "$@"; do
	bin=$build/$arch/stepdown
	[ -f "$bin" ] || { echo "dist-assemble: $bin missing" >&2; exit 1; }
	install -m 0755 "$bin" "$out/stepdown-$version-linux-$arch"
done
install -m 0644 "$src/man/stepdown.1" "$out/stepdown-$version.1"

# The tracked files of this tree (not of a checkout it happens to sit in),
# NUL-separated; without git, every file but build/ and .git/.
top=$(git -C "$src" rev-parse --show-toplevel 2>/dev/null || true)
if [ -n "$top" ] && [ "$(cd "$top" && pwd -P)" = "$(cd "$src" && pwd -P)" ]; then
	epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct)}
	(cd "$src" && git ls-files -z) | LC_ALL=C sort -z > "$build/source-files"
else
	epoch=${SOURCE_DATE_EPOCH:-0}
	(cd "$src" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print0) |
		LC_ALL=C sort -z > "$build/source-files"
fi
# Modes from the files' own x bits, not the umask. (A file listed but gone
# from the tree stops the build: set -e, and no pipe hides tar's status.)
(cd "$src" && tar --create --format=gnu --null --no-recursion --owner=0 \
	--group=0 --numeric-owner --mode='a+rX,u+w,go-w' --mtime="@$epoch" \
	--transform "s,^\(\./\)\?,stepdown-$version/," -T "$build/source-files") > "$build/source.tar"
gzip -9 -n < "$build/source.tar" > "$out/stepdown-$version.tar.gz"

export SOURCE_DATE_EPOCH="$epoch"
sh "$src/cmake/dist-deb.sh" "$out" "$version" "$src" "$build" "$capng" "$@"
sh "$src/cmake/dist-image.sh" "$out" "$version" "$src" "$build" "$capng" "$@"

(cd "$out" && LC_ALL=C ls | grep -v '^SHA256SUMS$' | xargs sha256sum > SHA256SUMS)
