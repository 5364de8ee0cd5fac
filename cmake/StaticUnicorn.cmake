# PGDFUZZ_STATIC_UNICORN: link Unicorn from its static archive instead of the
# shared library. OSS-Fuzz and ClusterFuzzLite run the fuzzers on images
# without the build image's packages, so nothing may come from libunicorn.so.
# Included by the root CMakeLists.txt right after pkg_check_modules(UNICORN).
option(PGDFUZZ_STATIC_UNICORN "Link Unicorn statically (libunicorn.a)" OFF)

if(NOT PGDFUZZ_STATIC_UNICORN OR NOT TARGET PkgConfig::UNICORN)
  return()
endif()

# pkg-config leaves the system libdir out of --libs, so ask for libdir.
pkg_get_variable(PGDFUZZ_UNICORN_LIBDIR unicorn libdir)
find_library(PGDFUZZ_UNICORN_ARCHIVE NAMES libunicorn.a
  HINTS ${PGDFUZZ_UNICORN_LIBDIR} ${UNICORN_LIBRARY_DIRS})
if(NOT PGDFUZZ_UNICORN_ARCHIVE)
  message(FATAL_ERROR "PGDFUZZ_STATIC_UNICORN=ON but no libunicorn.a next to "
    "the pkg-config libdir '${PGDFUZZ_UNICORN_LIBDIR}'")
endif()

# The archive's own needs come from the .pc file's Libs.private (Debian's
# 2.0.1: -lpthread -lm; without -lm the link fails on sqrt, fma, pow...).
set(private_libs ${UNICORN_STATIC_LIBRARIES})
list(REMOVE_ITEM private_libs unicorn)
set_target_properties(PkgConfig::UNICORN PROPERTIES
  INTERFACE_LINK_LIBRARIES "${PGDFUZZ_UNICORN_ARCHIVE};${private_libs}")
message(STATUS "Unicorn linked statically: ${PGDFUZZ_UNICORN_ARCHIVE} + ${private_libs}")
