#!/bin/sh
# Debian packages of the dist build's binaries, in OUT:
#   stepdown_VERSION_DEBARCH.deb   /usr/bin/stepdown and its man page
# made with dpkg's own tools (dpkg-gencontrol for the control file,
# dpkg-deb for the archive) from cmake/deb/: the binary is the very file
# shipped as stepdown-VERSION-linux-ARCH. Built-Using names the libcap-ng
# and musl sources linked in; the lintian override says why the binary is static.
# Reproducible: SOURCE_DATE_EPOCH clamps every time.
#   dist-deb.sh OUT VERSION SRC BUILD CAPNG_SRC ARCH...
set -eu
out=$1 version=$2 src=$3 build=$4 capng=$5
shift 5
: "${SOURCE_DATE_EPOCH:?dist-deb.sh needs SOURCE_DATE_EPOCH}"
export SOURCE_DATE_EPOCH
fail() { echo "dist-deb: $*" >&2; exit 1; }
for t in dpkg-deb dpkg-gencontrol; do
	command -v $t >/dev/null || fail "needs $t: apt-get install -y dpkg-dev"
done
# The project has no mail address yet: .invalid says so; set the real one
# with STEPDOWN_DEB_MAINTAINER.
maint=${STEPDOWN_DEB_MAINTAINER:-stepdown developers <maintainers@stepdown.invalid>}
case $maint in
*[\&\|\\]*) fail "STEPDOWN_DEB_MAINTAINER may not hold & | or \\: $maint" ;;
esac
capng_version=$(dpkg-parsechangelog -l "$capng/debian/changelog" -S Version) ||
	fail "cannot read libcap-ng's version from $capng/debian/changelog"
deb=$build/deb
rm -rf "$deb"
mkdir -p "$deb"
# The changelog's version must be the project's: a stale one would ship a
# package that says it is another release.
sed "s|@MAINTAINER@|$maint|" "$src/cmake/deb/changelog" > "$deb/changelog"
cl_version=$(dpkg-parsechangelog -l "$deb/changelog" -S Version)
[ "$cl_version" = "$version" ] ||
	fail "cmake/deb/changelog is for $cl_version, the project is $version: add an entry"
# Expat's text, from LICENSE, as a copyright-format paragraph body.
awk 'NR > 2 { if ($0 == "") print " ."; else print " " $0 }' "$src/LICENSE" > "$deb/expat"
awk -v f="$deb/expat" '$0 == "@EXPAT@" { while ((getline l < f) > 0) print l; next } { print }' \
	"$src/cmake/deb/copyright" > "$deb/copyright"

for arch in "$@"; do
	case $arch in
	amd64|arm64|s390x) debarch=$arch ;;
	arm) debarch=armhf ;;
	ppc64le) debarch=ppc64el ;;
	386) debarch=i386 ;;
	*) fail "no Debian architecture for $arch" ;;
	esac
	root=$deb/$debarch
	# The musl linked in: that architecture's musl-dev, by its source name.
	musl=$(dpkg-query -W -f='${source:Package} (= ${source:Version})' "musl-dev:$debarch" 2>/dev/null) ||
		fail "musl-dev:$debarch is not installed (the $arch build links it)"
	sed -e "s|@MAINTAINER@|$maint|" -e "s|@CAPNG_VERSION@|$capng_version|" -e "s|@MUSL@|$musl|" \
		"$src/cmake/deb/control" > "$deb/control"
	mkdir -p "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/man/man1" "$root/usr/share/doc/stepdown" \
		"$root/usr/share/lintian/overrides"
	install -m 0755 "$out/stepdown-$version-linux-$arch" "$root/usr/bin/stepdown"
	gzip -9 -n < "$src/man/stepdown.1" > "$root/usr/share/man/man1/stepdown.1.gz"
	gzip -9 -n < "$deb/changelog" > "$root/usr/share/doc/stepdown/changelog.gz"
	install -m 0644 "$deb/copyright" "$root/usr/share/doc/stepdown/copyright"
	install -m 0644 "$src/cmake/deb/lintian-overrides" "$root/usr/share/lintian/overrides/stepdown"
	chmod 0644 "$root/usr/share/man/man1/stepdown.1.gz" "$root/usr/share/doc/stepdown/changelog.gz"
	find "$root" -type d -exec chmod 0755 {} +
	(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) > "$root/DEBIAN/md5sums"
	chmod 0644 "$root/DEBIAN/md5sums"
	DEB_HOST_ARCH=$debarch dpkg-gencontrol -pstepdown -c"$deb/control" -l"$deb/changelog" \
		-f"$deb/files" -P"$root" -O"$root/DEBIAN/control" 2>"$deb/gencontrol.err" ||
		{ cat "$deb/gencontrol.err" >&2; fail "dpkg-gencontrol failed for $debarch"; }
	cat "$deb/gencontrol.err" >&2
	chmod 0644 "$root/DEBIAN/control"
	dpkg-deb --root-owner-group -Zxz --build "$root" "$out/stepdown_${version}_$debarch.deb" >/dev/null
done
