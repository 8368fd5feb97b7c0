#!/bin/sh
# Build libcap-ng's static library with musl from its source tree.
#   build-libcap-ng.sh SRC BUILD CC KERNEL_HEADERS [HOST] -> BUILD/src/.libs/libcap-ng.a
# CC may carry flags ("aarch64-linux-gnu-gcc -specs=..."); HOST is the
# target's triplet for a cross build (configure --host).
# Function and data sections let the final link drop what stepdown does not
# call; no unwind tables (C, no exceptions). Reproducible: no debug info or
# paths in the objects, and Debian's ar writes no timestamps.
set -eu
src=$1 build=$2 cc=$3 kh=$4 host=${5:-}
rm -rf "$build"
mkdir -p "$build"
cd "$build"
CC="$cc" CFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -isystem $kh" \
	"$src/configure" ${host:+--host="$host"} --disable-shared --enable-static \
	--without-python --without-python3 \
	> configure.log 2>&1 || { tail -n 30 configure.log >&2; exit 1; }
make -C src libcap-ng.la > make.log 2>&1 || { tail -n 30 make.log >&2; exit 1; }
test -f src/.libs/libcap-ng.a
