# libcap-ng, statically. cap-ng.o also holds capng_change_id(), whose
# supplementary-group init path calls getpwuid() and initgroups(): NSS, which a
# static binary must not use. We never call that path, but the references
# would drag glibc's NSS into the binary. A copy of the archive with those
# two references renamed to stubs that fail with ENOSYS keeps NSS out; its
# syslog() and sscanf() references go to small shims too (src/capng_shims.c).
if(STEPDOWN_MUSL)
  # Compiled for musl (and the target, cross) from Debian's source package.
  include(${CMAKE_CURRENT_LIST_DIR}/capng-source.cmake)
  set(capng_build ${CMAKE_BINARY_DIR}/_deps/libcap-ng-build)
  set(CAPNG_STATIC_LIB ${capng_build}/src/.libs/libcap-ng.a)
  set(CAPNG_INCLUDE_DIR ${capng_src}/src)
  # The compiler as configure gets it: with its flags (a cross build's
  # specs file), for the target's triplet.
  string(STRIP "${CMAKE_C_COMPILER} ${CMAKE_C_FLAGS}" capng_cc)
  set(capng_host "${STEPDOWN_TARGET_TRIPLET}")
  add_custom_command(
    OUTPUT ${CAPNG_STATIC_LIB}
    COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/build-libcap-ng.sh
            ${capng_src} ${capng_build} "${capng_cc}" ${KERNEL_HEADERS} "${capng_host}"
    DEPENDS ${CMAKE_SOURCE_DIR}/cmake/build-libcap-ng.sh
    COMMENT "libcap-ng for musl"
    VERBATIM)
else()
  find_library(CAPNG_STATIC_LIB NAMES libcap-ng.a REQUIRED)
  find_path(CAPNG_INCLUDE_DIR cap-ng.h REQUIRED)
endif()
# The target's objcopy (a toolchain file sets CMAKE_OBJCOPY).
if(CMAKE_OBJCOPY)
  set(OBJCOPY ${CMAKE_OBJCOPY})
else()
  find_program(OBJCOPY NAMES objcopy REQUIRED)
endif()
set(CAPNG_NONSS_LIB ${CMAKE_BINARY_DIR}/libcap-ng-nonss.a)
add_custom_command(
  OUTPUT ${CAPNG_NONSS_LIB}
  COMMAND ${OBJCOPY}
          --redefine-sym getpwuid=stepdown_nss_blocked_pw
          --redefine-sym initgroups=stepdown_nss_blocked_grp
          --redefine-sym syslog=stepdown_syslog_dropped
          --redefine-sym sscanf=stepdown_capng_sscanf
          ${CAPNG_STATIC_LIB} ${CAPNG_NONSS_LIB}
  DEPENDS ${CAPNG_STATIC_LIB} ${CMAKE_CURRENT_LIST_FILE}
  COMMENT "libcap-ng with its NSS, syslog and sscanf references renamed to shims")
add_custom_target(capng_nonss DEPENDS ${CAPNG_NONSS_LIB})
add_library(capng_nonss_lib STATIC IMPORTED)
set_target_properties(capng_nonss_lib PROPERTIES
  IMPORTED_LOCATION ${CAPNG_NONSS_LIB}
  INTERFACE_INCLUDE_DIRECTORIES ${CAPNG_INCLUDE_DIR})
add_dependencies(capng_nonss_lib capng_nonss)
