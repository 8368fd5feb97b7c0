# linux/arm64: Debian's arm64, gcc-aarch64-linux-gnu, musl-dev:arm64.
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(STEPDOWN_DEBIAN_ARCH arm64)
set(STEPDOWN_TARGET_TRIPLET aarch64-linux-gnu)
set(STEPDOWN_MUSL_TRIPLET aarch64-linux-musl)
set(STEPDOWN_QEMU_ARCH aarch64)
include(${CMAKE_CURRENT_LIST_DIR}/musl-cross.cmake)
