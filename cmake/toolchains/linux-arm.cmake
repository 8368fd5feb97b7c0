# linux/arm: Debian's armhf, gcc-arm-linux-gnueabihf, musl-dev:armhf.
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(STEPDOWN_DEBIAN_ARCH armhf)
set(STEPDOWN_TARGET_TRIPLET arm-linux-gnueabihf)
set(STEPDOWN_MUSL_TRIPLET arm-linux-musleabihf)
set(STEPDOWN_QEMU_ARCH arm)
include(${CMAKE_CURRENT_LIST_DIR}/musl-cross.cmake)
