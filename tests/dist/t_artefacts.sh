#!/bin/bash
# The dist build's artefacts (build/dist/artefacts, `cmake --workflow
# --preset dist`): every name there, each binary static, stripped and for
# the machine its name says, within its size budget; SHA256SUMS lists and
# matches every other file; the amd64 binary is the release build's, byte
# for byte; each Debian package holds that architecture's binary, the man
# page, copyright, changelog and lintian override and nothing else, with
# the right fields,
# and lintian finds nothing at the warning level or above; the image's
# index lists every architecture, each with one layer of the binary and
# its licences; the source tarball builds the amd64 binary; a second dist
# build, in another directory, gives the same bytes for every file.
. "$TEST_SRC/tests/integration/lib.sh"
: "${DIST:?DIST must point at the artefacts directory}" "${VERSION:?}" "${RELEASE_BIN:?}"
V=$VERSION

# Size budgets (bytes, whole pages): 128 KiB where that holds. The 64-bit
# targets other than amd64 are larger: arm64 and ppc64le align segments to
# 64 KiB pages, and ppc64le and s390x code is bulkier.
declare -A budget=([amd64]=151552 [arm64]=245760 [arm]=131072 [ppc64le]=303104
  [s390x]=172032 [386]=159744)
declare -A machine=([amd64]="Advanced Micro Devices X86-64" [arm64]=AArch64 [arm]=ARM
  [ppc64le]=PowerPC64 [s390x]="IBM S/390" [386]="Intel 80386")
declare -A order=([amd64]="little endian" [arm64]="little endian" [arm]="little endian"
  [ppc64le]="little endian" [s390x]="big endian" [386]="little endian")
want="SHA256SUMS"
for a in amd64 arm64 arm ppc64le s390x 386; do want="$want stepdown-$V-linux-$a"; done
want="$want stepdown-$V.1 stepdown-$V.tar.gz stepdown-$V-oci.tar"
declare -A debarch=([amd64]=amd64 [arm64]=arm64 [arm]=armhf [ppc64le]=ppc64el [s390x]=s390x [386]=i386)
for a in amd64 arm64 arm ppc64le s390x 386; do want="$want stepdown_${V}_${debarch[$a]}.deb"; done
expect_eq "the artefacts, and nothing else" "$(tr ' ' '\n' <<< "$want" | LC_ALL=C sort | tr '\n' ' ')" \
  "$(cd "$DIST" && LC_ALL=C ls | tr '\n' ' ')"

for a in amd64 arm64 arm ppc64le s390x 386; do
  f=$DIST/stepdown-$V-linux-$a
  size=$(stat -c %s "$f")
  expect_eq "$a: ELF machine" "${machine[$a]}" "$(readelf -h "$f" | sed -n 's/^ *Machine: *//p')"
  expect_eq "$a: byte order" "${order[$a]}" "$(readelf -h "$f" | sed -n 's/^ *Data: *[^,]*, *//p')"
  [ "$a" = arm ] && expect_match "arm: the hard-float ABI (armhf, not armel)" "hard-float ABI" \
    "$(readelf -h "$f" | sed -n 's/^ *Flags: *//p')"
  expect_eq "$a: static (no interpreter), stripped (no symbol table)" "" \
    "$(readelf -lW "$f" | grep -i interp; readelf -SW "$f" | grep -E '\.symtab|\.debug_')"
  if [ "$size" -le "${budget[$a]}" ]; then
    pass "$a: $size bytes, budget ${budget[$a]}"
  else
    fail "$a: $size bytes, past its budget of ${budget[$a]}"
  fi
done
expect_eq "SHA256SUMS lists every other file" 15 "$(wc -l < "$DIST/SHA256SUMS")"
expect_eq "SHA256SUMS matches" 0 "$(cd "$DIST" && sha256sum --quiet -c SHA256SUMS >&2; echo $?)"
expect_eq "the amd64 artefact is the release build's binary" 0 \
  "$(cmp "$RELEASE_BIN" "$DIST/stepdown-$V-linux-amd64" >&2; echo $?)"
expect_eq "the man page is man/stepdown.1" 0 "$(cmp "$TEST_SRC/man/stepdown.1" "$DIST/stepdown-$V.1" >&2; echo $?)"

# The Debian packages.
capng=$(ls -d "$TEST_SRC"/build/dist/_deps/libcap-ng/src/libcap-ng-*/ 2>/dev/null | head -n 1)
capng_version=$(dpkg-parsechangelog -l "$capng/debian/changelog" -S Version)
deb_files=$(printf '%s\n' ./usr/bin/stepdown ./usr/share/doc/stepdown/changelog.gz \
  ./usr/share/doc/stepdown/copyright ./usr/share/lintian/overrides/stepdown ./usr/share/man/man1/stepdown.1.gz)
for a in amd64 arm64 arm ppc64le s390x 386; do
  d=${debarch[$a]} deb=$DIST/stepdown_${V}_${debarch[$a]}.deb
  expect_eq "deb $d: Package Version Architecture" "stepdown $V $d" \
    "$(dpkg-deb -f "$deb" Package) $(dpkg-deb -f "$deb" Version) $(dpkg-deb -f "$deb" Architecture)"
  expect_eq "deb $d: Built-Using names the libcap-ng and musl linked in" \
    "libcap-ng (= $capng_version), $(dpkg-query -W -f='${source:Package} (= ${source:Version})' "musl-dev:$d")" \
    "$(dpkg-deb -f "$deb" Built-Using)"
  expect_eq "deb $d: no dependencies (static)" "" "$(dpkg-deb -f "$deb" Depends Pre-Depends)"
  expect_eq "deb $d: its files, owned by root" "$deb_files" \
    "$(dpkg-deb -c "$deb" | awk '$1 !~ /^d/ && $2 == "root/root" { print $6 }' | LC_ALL=C sort)"
  rm -rf "$T/deb" && dpkg-deb -x "$deb" "$T/deb"
  expect_eq "deb $d: /usr/bin/stepdown is stepdown-$V-linux-$a, mode 0755" "0 755" \
    "$(cmp "$T/deb/usr/bin/stepdown" "$DIST/stepdown-$V-linux-$a" >&2; echo $?) $(stat -c %a "$T/deb/usr/bin/stepdown")"
  expect_eq "deb $d: the man page is man/stepdown.1" 0 \
    "$(zcat "$T/deb/usr/share/man/man1/stepdown.1.gz" | cmp - "$TEST_SRC/man/stepdown.1" >&2; echo $?)"
  expect_match "deb $d: copyright carries LICENSE's terms" "Permission is hereby granted" \
    "$(cat "$T/deb/usr/share/doc/stepdown/copyright")"
  expect_match "  and names libcap-ng and musl, linked in" "libcap-ng \(Copyright.*musl C library" \
    "$(tr '\n' ' ' < "$T/deb/usr/share/doc/stepdown/copyright")"
  lintian --display-level ">=warning" --show-overrides "$deb" > "$T/lintian" 2>"$T/lintian.err"
  expect_eq "deb $d: lintian, errors and warnings: none" "" "$(grep -E '^[EW]:' "$T/lintian")"
  expect_eq "  one override, statically-linked-binary, with its reason" \
    "O: stepdown: statically-linked-binary [usr/bin/stepdown]" "$(grep '^O:' "$T/lintian")"
  expect_match "  lintian ran" "Static on purpose" "$(cat "$T/lintian")"
done

# The image: one index over every architecture, each one layer holding the
# binary (that architecture's artefact) and the licences, nothing else.
mkdir "$T/oci" && tar -xf "$DIST/stepdown-$V-oci.tar" -C "$T/oci"
python3 - "$T/oci" "$DIST" "$V" "$TEST_SRC/LICENSE" "$capng/COPYING.LIB" /usr/share/doc/musl/copyright \
  > "$T/oci.out" 2>&1 <<'PY'
import gzip, hashlib, io, json, sys, tarfile
oci, dist, v, lic, lgpl, musl = sys.argv[1:]
def blob(d):
    data = open("%s/blobs/sha256/%s" % (oci, d.split(":")[1]), "rb").read()
    if hashlib.sha256(data).hexdigest() != d.split(":")[1]:
        print("BAD digest", d)
    return data
top = json.load(open(oci + "/index.json"))["manifests"]
print("refs", [m["annotations"]["org.opencontainers.image.ref.name"] for m in top])
index = json.loads(blob(top[0]["digest"]))
want = {"amd64": "amd64", "arm64": "arm64", "arm/v7": "arm", "ppc64le": "ppc64le",
        "s390x": "s390x", "386": "386"}
for m in index["manifests"]:
    p = m["platform"]
    pname = p["architecture"] + ("/" + p["variant"] if "variant" in p else "")
    arch = want.pop(pname, None)
    man = json.loads(blob(m["digest"]))
    cfg = json.loads(blob(man["config"]["digest"]))
    layers = man["layers"]
    ok = p["os"] == "linux" and arch and cfg["architecture"] == p["architecture"] and len(layers) == 1
    files, members = {}, []
    with tarfile.open(fileobj=io.BytesIO(gzip.decompress(blob(layers[0]["digest"])))) as t:
        for e in t.getmembers():
            name = e.name[2:] if e.name.startswith("./") else e.name
            members.append(name + ("/" if e.isdir() else "" if e.isfile() else " (type %s)" % e.type))
            if e.isfile():
                files[name] = (e.mode & 0o7777, e.uid, t.extractfile(e).read())
    d = "usr/share/doc/stepdown/"
    ok = ok and sorted(members) == sorted(["usr/", "usr/local/", "usr/local/bin/", "usr/local/bin/stepdown",
        "usr/share/", "usr/share/doc/", d, d + "COPYING.libcap-ng", d + "COPYING.musl", d + "LICENSE"])
    ok = ok and files["usr/local/bin/stepdown"] == (0o755, 0, open("%s/stepdown-%s-linux-%s" % (dist, v, arch), "rb").read())
    ok = ok and files["usr/share/doc/stepdown/LICENSE"][2] == open(lic, "rb").read()
    ok = ok and files["usr/share/doc/stepdown/COPYING.libcap-ng"][2] == open(lgpl, "rb").read()
    ok = ok and files["usr/share/doc/stepdown/COPYING.musl"][2] == open(musl, "rb").read()
    print(pname, "ok" if ok else "WRONG", sorted(members))
print("missing", sorted(want))
PY
cat "$T/oci.out"
expect_eq "image: one tag, stepdown:$V" "refs ['stepdown:$V']" "$(sed -n 1p "$T/oci.out")"
for p in amd64 arm64 arm/v7 ppc64le s390x 386; do
  expect_match "image linux/$p: one layer, the binary of its artefact and the licences, nothing else" "^$p ok " \
    "$(grep "^$p " "$T/oci.out")"
done
expect_eq "image: every architecture" "missing []" "$(tail -n 1 "$T/oci.out")"
expect_eq "image: every blob matches its digest" "" "$(grep BAD "$T/oci.out")"

# The source tarball alone builds the same amd64 binary.
mkdir "$T/src" && tar -xzf "$DIST/stepdown-$V.tar.gz" -C "$T/src"
if cmake -S "$T/src/stepdown-$V" -B "$T/tb" -DCMAKE_C_COMPILER=musl-gcc -DCMAKE_BUILD_TYPE=MinSizeRel \
     -DSTEPDOWN_MUSL=ON -DSTEPDOWN_WERROR=ON -DBUILD_TESTING=OFF ${capng:+-DSTEPDOWN_CAPNG_SOURCE=$capng} \
     >"$T/tb.log" 2>&1 && cmake --build "$T/tb" -j"$(nproc)" --target stepdown >>"$T/tb.log" 2>&1; then
  expect_eq "the source tarball builds the amd64 artefact, byte for byte" 0 \
    "$(cmp "$T/tb/stepdown" "$DIST/stepdown-$V-linux-amd64" >&2; echo $?)"
else
  tail -n 20 "$T/tb.log"
  fail "the source tarball does not build"
fi

# A second dist build elsewhere: the same bytes, every file.
if cmake -S "$TEST_SRC" -B "$T/dist2" -DSTEPDOWN_DIST=ON ${capng:+-DSTEPDOWN_CAPNG_SOURCE=$capng} \
     >"$T/d2.log" 2>&1 && cmake --build "$T/dist2" -j"$(nproc)" >>"$T/d2.log" 2>&1; then
  for f in "$DIST"/*; do
    expect_eq "second dist build: $(basename "$f") identical" 0 \
      "$(cmp "$f" "$T/dist2/artefacts/$(basename "$f")" >&2; echo $?)"
  done
else
  tail -n 20 "$T/d2.log"
  fail "the second dist build failed"
fi
finish
