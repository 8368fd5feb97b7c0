# Shared by the per-architecture toolchain files: a static musl build with
# Debian's cross gcc for STEPDOWN_TARGET_TRIPLET and the target's musl
# (multiarch: dpkg --add-architecture ARCH; apt-get install musl-dev:ARCH),
# run under qemu-user where a build or a test needs to run it.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_C_COMPILER ${STEPDOWN_TARGET_TRIPLET}-gcc)
set(CMAKE_OBJCOPY ${STEPDOWN_TARGET_TRIPLET}-objcopy CACHE FILEPATH "")
set(CMAKE_AR ${STEPDOWN_TARGET_TRIPLET}-ar CACHE FILEPATH "")
set(CMAKE_RANLIB ${STEPDOWN_TARGET_TRIPLET}-ranlib CACHE FILEPATH "")
set(musl_specs /usr/lib/${STEPDOWN_MUSL_TRIPLET}/musl-gcc.specs)
if(NOT EXISTS ${musl_specs})
  message(FATAL_ERROR "${musl_specs} not found: dpkg --add-architecture ${STEPDOWN_DEBIAN_ARCH}; "
                      "apt-get update; apt-get install -y musl-dev:${STEPDOWN_DEBIAN_ARCH} "
                      "gcc-${STEPDOWN_TARGET_TRIPLET}")
endif()
set(CMAKE_C_FLAGS_INIT "-specs=${musl_specs}")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static")
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-${STEPDOWN_QEMU_ARCH}-static)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
list(APPEND CMAKE_TRY_COMPILE_PLATFORM_VARIABLES STEPDOWN_TARGET_TRIPLET STEPDOWN_MUSL_TRIPLET
     STEPDOWN_DEBIAN_ARCH STEPDOWN_QEMU_ARCH)
