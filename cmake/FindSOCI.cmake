# SOCI 4.0.3 on Debian ships neither a CMake package nor a pkg-config file.
# Provides SOCI::core and, for each backend found, SOCI::sqlite3 / SOCI::postgresql / SOCI::mysql.
find_path(SOCI_INCLUDE_DIR soci/soci.h)
find_library(SOCI_CORE_LIBRARY soci_core)

include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(SOCI REQUIRED_VARS SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY)

if(SOCI_FOUND AND NOT TARGET SOCI::core)
  add_library(SOCI::core UNKNOWN IMPORTED)
  set_target_properties(SOCI::core PROPERTIES
    IMPORTED_LOCATION "${SOCI_CORE_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${SOCI_INCLUDE_DIR}")

  find_library(SOCI_SQLITE3_LIBRARY soci_sqlite3)
  if(SOCI_SQLITE3_LIBRARY)
    add_library(SOCI::sqlite3 UNKNOWN IMPORTED)
    set_target_properties(SOCI::sqlite3 PROPERTIES
      IMPORTED_LOCATION "${SOCI_SQLITE3_LIBRARY}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
  endif()

  find_library(SOCI_POSTGRESQL_LIBRARY soci_postgresql)
  find_path(SOCI_LIBPQ_INCLUDE_DIR libpq-fe.h PATH_SUFFIXES postgresql)
  if(SOCI_POSTGRESQL_LIBRARY AND SOCI_LIBPQ_INCLUDE_DIR)
    add_library(SOCI::postgresql UNKNOWN IMPORTED)
    set_target_properties(SOCI::postgresql PROPERTIES
      IMPORTED_LOCATION "${SOCI_POSTGRESQL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_LIBPQ_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
  endif()

  find_library(SOCI_MYSQL_LIBRARY soci_mysql)
  find_path(SOCI_MYSQL_INCLUDE_DIR mysql.h PATH_SUFFIXES mariadb mysql)
  if(SOCI_MYSQL_LIBRARY AND SOCI_MYSQL_INCLUDE_DIR)
    add_library(SOCI::mysql UNKNOWN IMPORTED)
    set_target_properties(SOCI::mysql PROPERTIES
      IMPORTED_LOCATION "${SOCI_MYSQL_LIBRARY}"
      INTERFACE_INCLUDE_DIRECTORIES "${SOCI_MYSQL_INCLUDE_DIR}"
      INTERFACE_LINK_LIBRARIES SOCI::core)
  endif()
endif()
mark_as_advanced(SOCI_INCLUDE_DIR SOCI_CORE_LIBRARY SOCI_SQLITE3_LIBRARY SOCI_POSTGRESQL_LIBRARY
                 SOCI_MYSQL_LIBRARY SOCI_LIBPQ_INCLUDE_DIR SOCI_MYSQL_INCLUDE_DIR)
