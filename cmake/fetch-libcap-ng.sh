#!/bin/sh
# Fetch Debian's libcap-ng source package into DEST (for the musl release
# build), with a private apt configuration: the machine's sources.list is
# not touched. The Sources index is signed with Debian's archive key and
# apt-get source checks every file's hash against it.
#   fetch-libcap-ng.sh DEST   -> prints the unpacked source directory
set -eu
dest=$1
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
mirror=${STEPDOWN_DEBIAN_MIRROR:-http://deb.debian.org/debian}

fail() { echo "fetch-libcap-ng: $*" >&2; exit 1; }
command -v apt-get >/dev/null || fail "needs apt-get (Debian); or set STEPDOWN_CAPNG_SOURCE to an unpacked libcap-ng source tree"
command -v dpkg-source >/dev/null || fail "needs dpkg-source: apt-get install -y dpkg-dev"
[ -r "$keyring" ] || fail "needs $keyring: apt-get install -y debian-archive-keyring"
. /etc/os-release
[ -n "${VERSION_CODENAME:-}" ] || fail "cannot tell the Debian release from /etc/os-release"

existing=$(ls -d "$dest"/src/libcap-ng-*/ 2>/dev/null | head -n 1 || true)
if [ -n "$existing" ] && [ -f "$existing/src/cap-ng.c" ]; then
	echo "${existing%/}"
	exit 0
fi

apt="$dest/apt"
rm -rf "$apt" "$dest/src"
mkdir -p "$apt/lists/partial" "$apt/cache/archives/partial" "$dest/src"
echo "deb-src [signed-by=$keyring] $mirror $VERSION_CODENAME main" > "$apt/sources.list"
set -- -q -o Dir::Etc::SourceList="$apt/sources.list" -o Dir::Etc::SourceParts=/nonexistent \
	-o Dir::State::Lists="$apt/lists" -o Dir::Cache="$apt/cache" \
	-o APT::Sandbox::User=root
apt-get "$@" update >&2 || fail "apt-get update of $mirror failed (network?)"
(cd "$dest/src" && apt-get "$@" source libcap-ng >&2) || fail "apt-get source libcap-ng failed"
dir=$(ls -d "$dest"/src/libcap-ng-*/ | head -n 1)
[ -f "$dir/src/cap-ng.c" ] || fail "unexpected layout in $dir"
echo "${dir%/}"
