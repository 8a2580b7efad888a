# Precompiled headers for CI's sanitizer build (VERGEGRID_PCH, set by .ci/configure asan).
#
# WHY: at -O0 most of a translation unit's compile time is the front end reading the same
# third-party headers again: gtest + gmock + nlohmann/json + the standard library take ~3.5 CPU s
# per test file, nlohmann/json + the standard library ~2 s per library file. A precompiled header
# loads in a fraction of that.
# WHY only there: the forced include makes every header of the set visible to every file, so a
# file that forgot an #include would still compile. The RelWithDebInfo build (and every user build)
# compiles without it and keeps catching that.
# WHY one header per target and not REUSE_FROM: a .gch is only valid for the exact options it was
# made with (-fPIC, -fno-gnu-unique, -fno-sanitize=vptr, the spdlog/POCO definitions differ between
# targets); -Winvalid-pch under -Werror would fail the build. Each target's own costs ~4 s.

# Targets with fewer C++ files gain less than their own header costs to make.
set(VERGEGRID_PCH_MIN_SOURCES 3)

set(VERGEGRID_PCH_LIBRARY_HEADERS
  <algorithm> <chrono> <cstdint> <filesystem> <fstream> <functional> <map> <memory> <mutex>
  <optional> <sstream> <stdexcept> <string> <string_view> <thread> <vector>
  <nlohmann/json.hpp>)
set(VERGEGRID_PCH_TEST_HEADERS ${VERGEGRID_PCH_LIBRARY_HEADERS} <gtest/gtest.h> <gmock/gmock.h>)

function(_vergegrid_precompile_target target)
  get_target_property(type ${target} TYPE)
  if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|MODULE_LIBRARY|OBJECT_LIBRARY)$")
    return()
  endif()
  get_target_property(sources ${target} SOURCES)
  list(FILTER sources INCLUDE REGEX "\\.cpp$")
  list(LENGTH sources count)
  if(count LESS VERGEGRID_PCH_MIN_SOURCES)
    return()
  endif()
  get_target_property(links ${target} LINK_LIBRARIES)
  if(links MATCHES "GTest::|gtest|gmock")
    target_precompile_headers(${target} PRIVATE ${VERGEGRID_PCH_TEST_HEADERS})
  else()
    target_precompile_headers(${target} PRIVATE ${VERGEGRID_PCH_LIBRARY_HEADERS})
  endif()
endfunction()

# Every buildsystem target defined in `dir` and the directories below it.
function(vergegrid_precompile_headers_below dir)
  get_property(targets DIRECTORY "${dir}" PROPERTY BUILDSYSTEM_TARGETS)
  foreach(target IN LISTS targets)
    _vergegrid_precompile_target(${target})
  endforeach()
  get_property(subdirs DIRECTORY "${dir}" PROPERTY SUBDIRECTORIES)
  foreach(subdir IN LISTS subdirs)
    vergegrid_precompile_headers_below("${subdir}")
  endforeach()
endfunction()
