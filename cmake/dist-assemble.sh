#!/bin/sh
# The dist build's artefacts, in OUT:
#   stepdown-VERSION-linux-ARCH   each architecture's static binary
#   stepdown-VERSION.1            the man page
#   stepdown-VERSION.tar.gz       the source (the tracked files as they are)
#   SHA256SUMS                    sha256sum of each of them
# Reproducible: fixed names, owners and times in the tarball (the last
# commit's time, or SOURCE_DATE_EPOCH), gzip without a timestamp.
#   dist-assemble.sh OUT VERSION SRC BUILD ARCH...
set -eu
out=$1 version=$2 src=$3 build=$4
shift 4
rm -rf "$out"
mkdir -p "$out"
for arch in "$@"; do
	bin=$build/$arch/stepdown
	[ -f "$bin" ] || { echo "dist-assemble: $bin missing" >&2; exit 1; }
	install -m 0755 "$bin" "$out/stepdown-$version-linux-$arch"
done
install -m 0644 "$src/man/stepdown.1" "$out/stepdown-$version.1"

if git -C "$src" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	epoch=${SOURCE_DATE_EPOCH:-$(git -C "$src" log -1 --format=%ct)}
	list=$(cd "$src" && git ls-files | LC_ALL=C sort)
else
	epoch=${SOURCE_DATE_EPOCH:-0}
	list=$(cd "$src" && find . -path ./build -prune -o -path ./.git -prune -o -type f -print |
		sed 's,^\./,,' | LC_ALL=C sort)
fi
printf '%s\n' "$list" > "$build/source-files"
(cd "$src" && tar --create --format=gnu --no-recursion --owner=0 --group=0 --numeric-owner \
	--mode='u+rw,go+r,go-w' --mtime="@$epoch" --transform "s,^,stepdown-$version/," \
	-T "$build/source-files") | gzip -9 -n > "$out/stepdown-$version.tar.gz"

(cd "$out" && LC_ALL=C ls | grep -v '^SHA256SUMS$' | xargs sha256sum > SHA256SUMS)
