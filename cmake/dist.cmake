# The release artefacts for every architecture (cmake --workflow --preset
# dist): one static musl build per architecture (cmake/toolchains/; amd64
# natively with musl-gcc), each an ExternalProject of this same source tree,
# then cmake/dist-assemble.sh puts them into build/dist/artefacts with the
# man page, a source tarball, the Debian packages, the multi-arch image and
# SHA256SUMS. libcap-ng's Debian source is
# fetched once and shared. Names use Docker's TARGETARCH.
include(ExternalProject)
if(NOT CMAKE_HOST_SYSTEM_PROCESSOR STREQUAL "x86_64")
  message(FATAL_ERROR "the dist build runs on an x86_64 Debian host (amd64 is built natively)")
endif()
set(STEPDOWN_DIST_ARCHES amd64 arm64 arm ppc64le s390x 386 CACHE STRING
    "Architectures of the dist build (Docker TARGETARCH names)")
include(${CMAKE_CURRENT_LIST_DIR}/capng-source.cmake)
foreach(tool dpkg-deb dpkg-gencontrol podman)
  find_program(have_${tool} ${tool})
  if(NOT have_${tool})
    message(FATAL_ERROR "the dist build needs ${tool} (the Debian packages, the image): "
                        "apt-get install -y dpkg-dev podman")
  endif()
endforeach()

set(builds)
foreach(arch ${STEPDOWN_DIST_ARCHES})
  if(arch STREQUAL "amd64")
    set(toolchain -DCMAKE_C_COMPILER=musl-gcc)
  else()
    set(toolchain -DCMAKE_TOOLCHAIN_FILE=${CMAKE_SOURCE_DIR}/cmake/toolchains/linux-${arch}.cmake)
    if(NOT EXISTS ${CMAKE_SOURCE_DIR}/cmake/toolchains/linux-${arch}.cmake)
      message(FATAL_ERROR "no toolchain file for ${arch} in cmake/toolchains/")
    endif()
  endif()
  ExternalProject_Add(stepdown-${arch}
    SOURCE_DIR ${CMAKE_SOURCE_DIR}
    BINARY_DIR ${CMAKE_BINARY_DIR}/${arch}
    CMAKE_ARGS ${toolchain} -DCMAKE_BUILD_TYPE=MinSizeRel -DSTEPDOWN_MUSL=ON -DSTEPDOWN_STATIC=ON
               -DSTEPDOWN_WERROR=ON -DBUILD_TESTING=OFF -DSTEPDOWN_CAPNG_SOURCE=${capng_src}
    BUILD_COMMAND ${CMAKE_COMMAND} --build <BINARY_DIR> --target stepdown
    INSTALL_COMMAND ""
    BUILD_ALWAYS ON
    LOG_CONFIGURE ON LOG_BUILD ON LOG_OUTPUT_ON_FAILURE ON)
  list(APPEND builds stepdown-${arch})
endforeach()

add_custom_target(artefacts ALL
  COMMAND sh ${CMAKE_SOURCE_DIR}/cmake/dist-assemble.sh ${CMAKE_BINARY_DIR}/artefacts
          ${PROJECT_VERSION} ${CMAKE_SOURCE_DIR} ${CMAKE_BINARY_DIR} ${capng_src}
          ${STEPDOWN_DIST_ARCHES}
  DEPENDS ${builds}
  COMMENT "artefacts in ${CMAKE_BINARY_DIR}/artefacts"
  VERBATIM)
