# vergegrid_embed_migrations(<target> BACKEND <sqlite|postgresql|mysql> NAMESPACE <c++ namespace>)
#
# Compiles sql/<BACKEND>/NNN_name.sql into <target> as
#     const std::vector<vergegrid::plugins::sql::Migration>& <NAMESPACE>::builtin_migrations();
# in ascending NNN, so that a plugin .so carries its own schema and needs no files at run time.
# The .cpp is regenerated whenever a .sql file changes; adding a file re-runs the configure step
# (CONFIGURE_DEPENDS).
set(_vergegrid_embed_script "${CMAKE_CURRENT_LIST_DIR}/embed_migrations.cmake")

function(vergegrid_embed_migrations target)
  cmake_parse_arguments(ARG "" "BACKEND;NAMESPACE" "" ${ARGN})
  if(NOT ARG_BACKEND OR NOT ARG_NAMESPACE)
    message(FATAL_ERROR "vergegrid_embed_migrations(${target}): BACKEND and NAMESPACE are required")
  endif()
  set(dir "${PROJECT_SOURCE_DIR}/sql/${ARG_BACKEND}")
  file(GLOB files CONFIGURE_DEPENDS "${dir}/*.sql")
  list(SORT files)
  if(NOT files)
    message(FATAL_ERROR "vergegrid_embed_migrations(${target}): no .sql files in ${dir}")
  endif()
  set(output "${CMAKE_CURRENT_BINARY_DIR}/embedded_migrations_${ARG_BACKEND}.cpp")
  # A CMake list cannot pass through a -D argument intact: join with '|'.
  string(REPLACE ";" "|" joined "${files}")
  add_custom_command(
    OUTPUT "${output}"
    COMMAND "${CMAKE_COMMAND}" "-DOUTPUT=${output}" "-DNAMESPACE=${ARG_NAMESPACE}"
            "-DFILES=${joined}" -P "${_vergegrid_embed_script}"
    DEPENDS ${files} "${_vergegrid_embed_script}"
    COMMENT "Embedding sql/${ARG_BACKEND} migrations"
    VERBATIM)
  # Data, not code: compiled alone, so that a changed migration rebuilds nothing else.
  set_source_files_properties("${output}" PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
  target_sources(${target} PRIVATE "${output}")
endfunction()
