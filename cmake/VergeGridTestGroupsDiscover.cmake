# Run after each build of a test program (cmake -D PARAMS=<file> -P this): lists its tests and
# writes one CTest test per suite. See VergeGridTestGroups.cmake.
include("${PARAMS}")

set(list_args --gtest_list_tests)
if(_filter)
  list(APPEND list_args "--gtest_filter=${_filter}")
endif()
execute_process(COMMAND "${_executable}" ${list_args}
  WORKING_DIRECTORY "${_working_dir}"
  TIMEOUT ${_discovery_timeout}
  OUTPUT_VARIABLE output
  ERROR_VARIABLE errors
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "listing the tests of ${_executable} failed (${result}):\n${output}${errors}")
endif()

# --gtest_list_tests prints each suite as "Suite." at the start of a line and its tests indented
# by two spaces under it; a parameterised one adds "  # GetParam() = ..." after a name.
string(REPLACE ";" "\\;" output "${output}")
string(REPLACE "\n" ";" lines "${output}")
set(suites "")
set(suite "")
foreach(line IN LISTS lines)
  if(line MATCHES "^([^ #][^ ]*)\\.( *#.*)?$")
    set(suite "${CMAKE_MATCH_1}")
  elseif(suite AND line MATCHES "^  ([^ #][^ ]*)( *#.*)?$")
    set(test "${CMAKE_MATCH_1}")
    if(suite MATCHES "^DISABLED_" OR test MATCHES "^DISABLED_")
      continue()
    endif()
    string(MAKE_C_IDENTIFIER "${suite}" key)
    if(NOT DEFINED tests_${key})
      list(APPEND suites "${suite}")
      set(tests_${key} "")
    endif()
    list(APPEND tests_${key} "${suite}.${test}")
  endif()
endforeach()

# The per-test TIMEOUT, if any, becomes the group's.
set(properties "${_properties}")
set(per_test_timeout "")
list(FIND properties TIMEOUT at)
if(at GREATER -1)
  math(EXPR value_at "${at} + 1")
  list(GET properties ${value_at} per_test_timeout)
  list(REMOVE_AT properties ${value_at} ${at})
endif()

set(script "")
foreach(suite IN LISTS suites)
  string(MAKE_C_IDENTIFIER "${suite}" key)
  list(LENGTH tests_${key} count)
  if(_filter)
    list(JOIN tests_${key} ":" selection)
  else()
    set(selection "${suite}.*")
  endif()
  set(name "${_prefix}${suite}")
  string(APPEND script
    "add_test([==[${name}]==] [==[${_executable}]==] [==[--gtest_filter=${selection}]==])\n"
    "set_tests_properties([==[${name}]==] PROPERTIES WORKING_DIRECTORY [==[${_working_dir}]==])\n")
  if(per_test_timeout)
    math(EXPR timeout "${per_test_timeout} * ${count}")
    if(timeout GREATER 900)
      set(timeout 900)
    endif()
    if(timeout LESS per_test_timeout)
      set(timeout ${per_test_timeout})
    endif()
    string(APPEND script "set_tests_properties([==[${name}]==] PROPERTIES TIMEOUT ${timeout})\n")
  endif()
  # One pair at a time, the value bracketed so that its spaces and quotes survive. (A value cannot
  # hold a semicolon: the list of PROPERTIES separates its pairs with them.)
  list(LENGTH properties property_count)
  set(i 0)
  while(i LESS property_count)
    math(EXPR j "${i} + 1")
    list(GET properties ${i} property)
    list(GET properties ${j} value)
    string(APPEND script
      "set_tests_properties([==[${name}]==] PROPERTIES ${property} [==[${value}]==])\n")
    math(EXPR i "${i} + 2")
  endwhile()
endforeach()
if(NOT suites)
  message(FATAL_ERROR "${_executable} lists no test (filter: \"${_filter}\")")
endif()
file(WRITE "${_ctest_file}" "${script}")
