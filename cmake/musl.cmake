# The release build: a musl compiler, everything static. Natively that is
# musl-gcc; cross, a Debian cross gcc with the target's musl specs file
# (cmake/toolchains/). musl's specs show the compiler only musl's headers,
# so the kernel's linux/, asm/ and asm-generic/ for the target are linked
# into a private include directory.
if(NOT STEPDOWN_STATIC)
  message(FATAL_ERROR "STEPDOWN_MUSL builds a static binary: drop -DSTEPDOWN_STATIC=OFF")
endif()
include(CheckCSourceCompiles)
check_c_source_compiles("#include <stdio.h>
#ifdef __GLIBC__
#error glibc
#endif
int main(void) { return 0; }" STEPDOWN_LIBC_IS_MUSL)
if(NOT STEPDOWN_LIBC_IS_MUSL)
  message(FATAL_ERROR "STEPDOWN_MUSL needs a musl compiler: CMAKE_C_COMPILER=musl-gcc "
                      "(apt-get install -y musl-tools), or a toolchain file from "
                      "cmake/toolchains/; ${CMAKE_C_COMPILER} builds against glibc")
endif()
if(CMAKE_CROSSCOMPILING)
  # Debian's linux-libc-dev-<arch>-cross, which the cross gcc pulls in.
  set(kernel_include /usr/${STEPDOWN_TARGET_TRIPLET}/include)
  set(kernel_dirs "linux=${kernel_include}/linux" "asm-generic=${kernel_include}/asm-generic"
                  "asm=${kernel_include}/asm")
else()
  # musl-gcc wraps the system gcc, whose triple names the kernel header dir.
  execute_process(COMMAND ${CMAKE_C_COMPILER} -dumpmachine
                  OUTPUT_VARIABLE multiarch OUTPUT_STRIP_TRAILING_WHITESPACE)
  set(kernel_dirs "linux=/usr/include/linux" "asm-generic=/usr/include/asm-generic"
                  "asm=/usr/include/${multiarch}/asm")
endif()
set(KERNEL_HEADERS ${CMAKE_BINARY_DIR}/kernel-headers)
file(MAKE_DIRECTORY ${KERNEL_HEADERS})
foreach(pair ${kernel_dirs})
  string(REPLACE "=" ";" pair "${pair}")
  list(GET pair 0 name)
  list(GET pair 1 dir)
  if(NOT IS_DIRECTORY ${dir})
    message(FATAL_ERROR "kernel headers not found at ${dir}: apt-get install -y linux-libc-dev "
                        "(cross: the gcc-<triplet> package brings them)")
  endif()
  file(CREATE_LINK ${dir} ${KERNEL_HEADERS}/${name} SYMBOLIC)
endforeach()
add_compile_options(-isystem ${KERNEL_HEADERS})

# Small: every function in its own section, unused ones dropped at link
# time, no unwind tables. Reproducible: no build path in the binary.
# No RELRO segment: musl's static start-up never applies PT_GNU_RELRO (the
# region stays rw-p in /proc/PID/maps), so it would only add page padding.
# Code stays in its own segment, apart from read-only data (separate-code).
add_compile_options(-ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables
                    -ffile-prefix-map=${CMAKE_SOURCE_DIR}=.)
add_link_options(-Wl,--gc-sections -Wl,-z,norelro -Wl,-z,separate-code)
