# vergegrid_test_groups(<target> PREFIX <prefix> [FILTER <gtest filter>] [DISCOVERY_TIMEOUT <s>]
#                       [PROPERTIES <name> <value>...])
#
# Registers a GoogleTest program with CTest as one test per suite, <prefix><Suite>, each running
# its suite's tests in one process, instead of one process per test (gtest_discover_tests).
#
# Why: most of a unit test's time was its process, not its test. Under the sanitizers a program
# starts in 0.1-0.25 s and LeakSanitizer scans it at exit, and ~1,450 unit tests each paid that
# (.ci/README.md): the 133 storage-contract tests on SQLite took 28.4 s one process each and 17.3 s
# as one. gtest still reports each test, and a failing one is named in the output; ctest names the
# suite.
#
# The suites are listed after each build of the target (`--gtest_list_tests`), as
# gtest_discover_tests does, so a new test or suite needs no CMake change. FILTER keeps only the
# tests it matches (the groups then name their tests one by one). DISABLED_ tests are left out, as
# gtest leaves them out. A TIMEOUT in PROPERTIES is per test: a group gets it times its tests,
# at most 900 s (and never less than the one test's). WORKING_DIRECTORY is the current binary
# folder, as with gtest_discover_tests.
#
# Programs whose every test starts servers of its own (tests/e2e) keep one process per test: there
# the process is a small part of a test, and per-test timeouts and costs matter.
set(_VERGEGRID_TEST_GROUPS_SCRIPT "${CMAKE_CURRENT_LIST_DIR}/VergeGridTestGroupsDiscover.cmake")

function(vergegrid_test_groups target)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "PREFIX;FILTER;DISCOVERY_TIMEOUT" "PROPERTIES")
  if(NOT arg_PREFIX)
    message(FATAL_ERROR "vergegrid_test_groups(${target}): PREFIX is required")
  endif()
  if(NOT arg_DISCOVERY_TIMEOUT)
    set(arg_DISCOVERY_TIMEOUT 60)
  endif()
  # One set of files per call: a program may be registered several times with other filters.
  get_property(count TARGET ${target} PROPERTY VERGEGRID_TEST_GROUP_CALLS)
  if(NOT count)
    set(count 0)
  endif()
  math(EXPR count "${count} + 1")
  set_property(TARGET ${target} PROPERTY VERGEGRID_TEST_GROUP_CALLS ${count})
  set(base "${CMAKE_CURRENT_BINARY_DIR}/${target}-groups-${count}")

  # The parameters go through a file, not the command line: properties are lists, and lists do
  # not survive a custom command's arguments intact.
  set(params "set(_executable [==[$<TARGET_FILE:${target}>]==])\n")
  string(APPEND params "set(_prefix [==[${arg_PREFIX}]==])\n")
  string(APPEND params "set(_filter [==[${arg_FILTER}]==])\n")
  string(APPEND params "set(_properties [==[${arg_PROPERTIES}]==])\n")
  string(APPEND params "set(_working_dir [==[${CMAKE_CURRENT_BINARY_DIR}]==])\n")
  string(APPEND params "set(_discovery_timeout ${arg_DISCOVERY_TIMEOUT})\n")
  string(APPEND params "set(_ctest_file [==[${base}-tests.cmake]==])\n")
  file(GENERATE OUTPUT "${base}-params.cmake" CONTENT "${params}")

  add_custom_command(TARGET ${target} POST_BUILD
    BYPRODUCTS "${base}-tests.cmake"
    COMMAND "${CMAKE_COMMAND}" -D "PARAMS=${base}-params.cmake"
            -P "${_VERGEGRID_TEST_GROUPS_SCRIPT}"
    VERBATIM)
  file(WRITE "${base}-include.cmake"
       "if(EXISTS \"${base}-tests.cmake\")\n"
       "  include(\"${base}-tests.cmake\")\n"
       "else()\n"
       "  add_test(${target}_NOT_BUILT ${target}_NOT_BUILT)\n"
       "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${base}-include.cmake")
endfunction()
