# cmake -D... -P configure_example.cmake: configures the SDK example out of tree (from a fresh
# cache) and checks that find_package(VergeGridSDK) took the SDK from PREFIX, not from elsewhere.
#
# Inputs: SOURCE BINARY PREFIX GENERATOR [MAKE_PROGRAM] CXX_COMPILER [BUILD_TYPE] [CXX_FLAGS]
#         [LINK_FLAGS]
foreach(var SOURCE BINARY PREFIX GENERATOR CXX_COMPILER)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "configure_example.cmake: ${var} is required")
  endif()
endforeach()

set(args --fresh -S "${SOURCE}" -B "${BINARY}" -G "${GENERATOR}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_BUILD_TYPE=${BUILD_TYPE}"
    "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
    "-DCMAKE_MODULE_LINKER_FLAGS=${LINK_FLAGS}"
    "-DCMAKE_LIBRARY_OUTPUT_DIRECTORY=${BINARY}"
    # Only PREFIX may provide the SDK: no package registries.
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
    -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
  list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()

execute_process(COMMAND "${CMAKE_COMMAND}" ${args} RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "configuring ${SOURCE} against the SDK in ${PREFIX} failed (${result})")
endif()

file(STRINGS "${BINARY}/CMakeCache.txt" sdk_dir_line REGEX "^VergeGridSDK_DIR:")
string(REGEX REPLACE "^VergeGridSDK_DIR:[A-Z]+=" "" sdk_dir "${sdk_dir_line}")
file(REAL_PATH "${sdk_dir}" sdk_dir)
file(REAL_PATH "${PREFIX}" prefix)
string(FIND "${sdk_dir}/" "${prefix}/" at)
if(NOT at EQUAL 0)
  message(FATAL_ERROR "find_package(VergeGridSDK) used '${sdk_dir}', not the SDK in '${prefix}'")
endif()
message(STATUS "VergeGridSDK found in ${sdk_dir}")
