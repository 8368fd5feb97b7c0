# libcap-ng's source for the musl builds, in capng_src: Debian's own source
# package, an unpacked tree given by the cache variable or the environment
# (a build image can carry one; the dist build shares one with its
# architectures), otherwise fetched (cmake/fetch-libcap-ng.sh).
set(STEPDOWN_CAPNG_SOURCE "$ENV{STEPDOWN_CAPNG_SOURCE}" CACHE PATH
    "Unpacked libcap-ng source tree (empty: fetched with apt-get source libcap-ng)")
set(capng_src "${STEPDOWN_CAPNG_SOURCE}")
if(NOT capng_src)
  message(STATUS "Fetching Debian's libcap-ng source package")
  execute_process(
    COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/fetch-libcap-ng.sh ${CMAKE_BINARY_DIR}/_deps/libcap-ng
    OUTPUT_VARIABLE capng_src OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "could not fetch libcap-ng's source (see above); "
                        "or set STEPDOWN_CAPNG_SOURCE to an unpacked source tree")
  endif()
endif()
if(NOT EXISTS ${capng_src}/src/cap-ng.c)
  message(FATAL_ERROR "${capng_src} is not a libcap-ng source tree")
endif()
message(STATUS "libcap-ng source: ${capng_src}")
