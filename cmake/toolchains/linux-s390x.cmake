# linux/s390x: Debian's s390x, gcc-s390x-linux-gnu, musl-dev:s390x.
set(CMAKE_SYSTEM_PROCESSOR s390x)
set(STEPDOWN_DEBIAN_ARCH s390x)
set(STEPDOWN_TARGET_TRIPLET s390x-linux-gnu)
set(STEPDOWN_MUSL_TRIPLET s390x-linux-musl)
set(STEPDOWN_QEMU_ARCH s390x)
include(${CMAKE_CURRENT_LIST_DIR}/musl-cross.cmake)
