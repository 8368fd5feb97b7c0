# linux/ppc64le: Debian's ppc64el, gcc-powerpc64le-linux-gnu, musl-dev:ppc64el.
set(CMAKE_SYSTEM_PROCESSOR ppc64le)
set(STEPDOWN_DEBIAN_ARCH ppc64el)
set(STEPDOWN_TARGET_TRIPLET powerpc64le-linux-gnu)
set(STEPDOWN_MUSL_TRIPLET powerpc64le-linux-musl)
set(STEPDOWN_QEMU_ARCH ppc64le)
include(${CMAKE_CURRENT_LIST_DIR}/musl-cross.cmake)
