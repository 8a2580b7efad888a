# Script mode (cmake -P), the browser.setup test: copies package.json and package-lock.json from
# SOURCE into DEST and runs `npm ci` there, unless DEST/node_modules was installed from exactly
# this lockfile (remembered in a stamp file, since npm's own node_modules/.package-lock.json is
# written in another form).
file(MAKE_DIRECTORY "${DEST}")
file(READ "${SOURCE}/package-lock.json" wanted)
set(stamp "${DEST}/node_modules/.vergegrid-lock")
if(EXISTS "${stamp}")
  file(READ "${stamp}" installed)
  if(installed STREQUAL wanted AND EXISTS "${DEST}/node_modules/playwright-core/package.json")
    message(STATUS "playwright-core already installed from this lockfile")
    return()
  endif()
endif()
configure_file("${SOURCE}/package.json" "${DEST}/package.json" COPYONLY)
configure_file("${SOURCE}/package-lock.json" "${DEST}/package-lock.json" COPYONLY)
execute_process(COMMAND "${NPM}" ci --no-audit --no-fund --ignore-scripts
                WORKING_DIRECTORY "${DEST}" RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm ci failed (${result})")
endif()
file(WRITE "${stamp}" "${wanted}")
