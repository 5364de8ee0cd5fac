# A target directory (target/target.h): the builder's sources, an adapter
# defining pgdfuzz_target, and the manifest pgdfuzz-target.txt, one key per
# line ('#' comments; paths relative to the directory):
#   sources FILE...        C files to compile (the adapter among them)
#   include DIR...         include directories
#   define NAME[=VALUE]... preprocessor definitions
#   cflags FLAG...         further compiler flags
#   geometries CLASS...    only these geometry classes (4k-39, 16k-*: fnmatch
#                          patterns on signature names), on top of the
#                          declaration's pgdfuzz_target.geometries

# pgdfuzz_read_manifest(<dir>): sets TARGET_SOURCES, TARGET_INCLUDES,
# TARGET_DEFINES, TARGET_CFLAGS, TARGET_GEOMETRIES in the caller; a bad line or a missing file
# is a fatal error naming "<manifest>:<line>".
function(pgdfuzz_read_manifest dir)
  set(manifest ${dir}/pgdfuzz-target.txt)
  if(NOT EXISTS ${manifest})
    message(FATAL_ERROR "${dir}: no pgdfuzz-target.txt (the target's manifest)")
  endif()
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${manifest})
  file(READ ${manifest} text)
  string(REPLACE ";" "\\;" text "${text}")
  string(REPLACE "\n" ";" lines "${text}")
  set(number 0)
  set(sources)
  set(includes ${dir})
  set(defines)
  set(cflags)
  set(geometries)
  foreach(line IN LISTS lines)
    math(EXPR number "${number} + 1")
    string(REGEX REPLACE "#.*" "" line "${line}")
    string(STRIP "${line}" line)
    if(line STREQUAL "")
      continue()
    endif()
    separate_arguments(words UNIX_COMMAND "${line}")
    list(POP_FRONT words key)
    if(key STREQUAL "sources")
      foreach(s IN LISTS words)
        if(NOT EXISTS ${dir}/${s})
          message(FATAL_ERROR "${manifest}:${number}: no such source: ${s}")
        endif()
        list(APPEND sources ${dir}/${s})
      endforeach()
    elseif(key STREQUAL "include")
      foreach(s IN LISTS words)
        list(APPEND includes ${dir}/${s})
      endforeach()
    elseif(key STREQUAL "define")
      list(APPEND defines ${words})
    elseif(key STREQUAL "cflags")
      list(APPEND cflags ${words})
    elseif(key STREQUAL "geometries")
      list(APPEND geometries ${words})
    else()
      message(FATAL_ERROR "${manifest}:${number}: unknown key '${key}' (sources, include, "
        "define, cflags, geometries)")
    endif()
  endforeach()
  if(NOT sources)
    message(FATAL_ERROR "${manifest}: no 'sources' line")
  endif()
  set(TARGET_SOURCES ${sources} PARENT_SCOPE)
  set(TARGET_INCLUDES ${includes} PARENT_SCOPE)
  set(TARGET_DEFINES ${defines} PARENT_SCOPE)
  set(TARGET_CFLAGS ${cflags} PARENT_SCOPE)
  string(REPLACE ";" " " geometries "${geometries}")
  set(TARGET_GEOMETRIES "${geometries}" PARENT_SCOPE)
endfunction()

# pgdfuzz_target_dir(<name> <dir> [defines...]): the object library
# target_<name>, fuzz_target_<name> (fuzz/fuzz_target.c, this build's engine
# and flags) and test_target_<name> (examples/test_target_cases.c).
function(pgdfuzz_target_dir name dir)
  pgdfuzz_read_manifest(${dir})
  add_library(target_${name} OBJECT ${TARGET_SOURCES})
  target_include_directories(target_${name} PRIVATE ${TARGET_INCLUDES})
  target_link_libraries(target_${name} PRIVATE pgdfuzz_target)
  target_compile_definitions(target_${name} PRIVATE ${TARGET_DEFINES} ${ARGN})
  target_compile_options(target_${name} PRIVATE ${TARGET_CFLAGS})
  add_executable(fuzz_target_${name} ${PROJECT_SOURCE_DIR}/fuzz/fuzz_target.c
    $<TARGET_OBJECTS:target_${name}>)
  target_link_libraries(fuzz_target_${name} PRIVATE pgdfuzz_oracle)
  target_compile_definitions(fuzz_target_${name} PRIVATE
    PGDFUZZ_TARGET_GEOMETRIES="${TARGET_GEOMETRIES}")
  set_property(TARGET target_${name} PROPERTY PGDFUZZ_GEOMETRIES "${TARGET_GEOMETRIES}")
  pgdfuzz_link_engine(fuzz_target_${name})
  add_dependencies(fuzz_target_${name} corpus_bin)
  add_executable(test_target_${name} ${PROJECT_SOURCE_DIR}/examples/test_target_cases.c
    $<TARGET_OBJECTS:target_${name}>)
  target_link_libraries(test_target_${name} PRIVATE pgdfuzz_oracle pgdfuzz_case)
  target_compile_definitions(test_target_${name} PRIVATE
    PGDFUZZ_TARGET_GEOMETRIES="${TARGET_GEOMETRIES}")
endfunction()
