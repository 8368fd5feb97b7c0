# linux/386: Debian's i386, gcc-i686-linux-gnu, musl-dev:i386.
set(CMAKE_SYSTEM_PROCESSOR i686)
set(STEPDOWN_DEBIAN_ARCH i386)
set(STEPDOWN_TARGET_TRIPLET i686-linux-gnu)
set(STEPDOWN_MUSL_TRIPLET i386-linux-musl)
set(STEPDOWN_QEMU_ARCH i386)
include(${CMAKE_CURRENT_LIST_DIR}/musl-cross.cmake)
