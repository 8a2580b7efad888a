# Debian packages, one per group of install components (docs/packaging.md):
#
#   package            components        what
#   vergegrid-control  control           /usr/bin/vergegrid-control, its plugins in
#                      control_debian    /usr/lib/vergegrid/plugins, /etc/vergegrid/control.ini,
#                                        the systemd unit, maintainer scripts
#   vergegrid-bridge   bridge            /usr/bin/vergegrid-bridge, the injection plugin,
#                      bridge_debian     /etc/vergegrid/bridge.ini, the systemd unit
#   vergegridctl       cli, cli_debian   /usr/bin/vergegridctl
#   vergegrid-sdk      sdk, sdk_debian   the plugin_api headers and the CMake package (sdk/)
#
#   cpack -G DEB --config <build>/CPackConfig.cmake -B <out>   (or: cmake --build <build> --target package)
#
# The *_debian components hold what only a Debian package has (/etc conffiles, /lib/systemd units,
# /usr/share/doc and lintian files). Their /etc and /lib destinations are absolute, so they are
# EXCLUDE_FROM_ALL and of their own components: `cmake --install` of the whole tree or of the
# control, bridge, cli or sdk component never writes outside its prefix. CPack installs them under
# its staging folder.
# A reserved, never-delivered domain (RFC 2606) until the project names a real address.
set(VERGEGRID_PACKAGE_MAINTAINER "VergeGrid maintainers <maintainers@vergegrid.invalid>"
    CACHE STRING "The Maintainer field of the Debian packages")
set(_vg_debian_dir "${PROJECT_SOURCE_DIR}/deploy/debian")
set(_vg_debian_out "${PROJECT_BINARY_DIR}/debian")
# The units are the systemd part's (deploy/systemd/); a tree without them packages none.
set(_vg_systemd_dir "${PROJECT_SOURCE_DIR}/deploy/systemd")

# What the maintainer scripts of one service package are made of.
#   vergegrid_debian_service(<group> PACKAGE <name> UNIT <file> CONFIG <ini> STATE_DIR <dir>
#                            STATE_WHAT <text> START_ON_INSTALL yes|no)
function(vergegrid_debian_service group)
  cmake_parse_arguments(ARG "" "PACKAGE;UNIT;CONFIG;STATE_DIR;STATE_WHAT;START_ON_INSTALL" "" ${ARGN})
  set(VG_PACKAGE "${ARG_PACKAGE}")
  set(VG_UNIT "${ARG_UNIT}")
  set(VG_CONFIG "/etc/vergegrid/${ARG_CONFIG}")
  set(VG_STATE_DIR "${ARG_STATE_DIR}")
  set(VG_STATE_WHAT "${ARG_STATE_WHAT}")
  set(VG_START_ON_INSTALL "${ARG_START_ON_INSTALL}")
  set(out "${_vg_debian_out}/${ARG_PACKAGE}")
  foreach(script postinst prerm postrm)
    configure_file("${_vg_debian_dir}/${script}.in" "${out}/${script}" @ONLY
                   FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                                    WORLD_READ WORLD_EXECUTE)
  endforeach()
  file(WRITE "${out}/conffiles" "${VG_CONFIG}\n")
  string(TOUPPER "${group}" upper)
  set(CPACK_DEBIAN_${upper}_PACKAGE_CONTROL_EXTRA
      "${out}/conffiles;${out}/postinst;${out}/prerm;${out}/postrm" PARENT_SCOPE)

  install(FILES "${_vg_debian_dir}/${ARG_CONFIG}" DESTINATION /etc/vergegrid
          COMPONENT ${group}_debian EXCLUDE_FROM_ALL)
  if(EXISTS "${_vg_systemd_dir}/${ARG_UNIT}")
    install(FILES "${_vg_systemd_dir}/${ARG_UNIT}" DESTINATION /lib/systemd/system
            COMPONENT ${group}_debian EXCLUDE_FROM_ALL)
  endif()
endfunction()

vergegrid_debian_service(control PACKAGE vergegrid-control UNIT vergegrid-control.service
  CONFIG control.ini STATE_DIR /var/lib/vergegrid
  STATE_WHAT "the control plane's database, admin token and snapshots"
  START_ON_INSTALL yes)
# The bridge cannot run before control.url and the simulator's keys are set: enabled and started
# by the operator, restarted by upgrades when it runs.
vergegrid_debian_service(bridge PACKAGE vergegrid-bridge UNIT vergegrid-bridge.service
  CONFIG bridge.ini STATE_DIR /var/lib/vergegrid-bridge
  STATE_WHAT "the bridge's identity, API key and desired-state cache"
  START_ON_INSTALL no)

# The systemd part's example drop-in for the bridge's OpenSim folder.
if(EXISTS "${_vg_systemd_dir}/opensim.conf.example")
  install(FILES "${_vg_systemd_dir}/opensim.conf.example"
          DESTINATION share/doc/vergegrid-bridge/examples COMPONENT bridge_debian EXCLUDE_FROM_ALL)
endif()

# A native package's changelog (Debian policy 12.7): one entry, this version. Dated when configured
# (SOURCE_DATE_EPOCH wins, for reproducible builds); gzip -9n: no name or time in the header.
string(TIMESTAMP _vg_changelog_date "%a, %d %b %Y %H:%M:%S +0000" UTC)
file(WRITE "${_vg_debian_out}/changelog"
"vergegrid (${PROJECT_VERSION}) unstable; urgency=medium

  * VergeGrid ${PROJECT_VERSION}, packaged by CPack from the source tree (docs/packaging.md).

 -- ${VERGEGRID_PACKAGE_MAINTAINER}  ${_vg_changelog_date}
")
execute_process(COMMAND gzip -9nc "${_vg_debian_out}/changelog"
                OUTPUT_FILE "${_vg_debian_out}/changelog.gz" RESULT_VARIABLE _vg_gzip)
if(NOT _vg_gzip EQUAL 0)
  message(FATAL_ERROR "gzip of the Debian changelog failed (${_vg_gzip})")
endif()

# Every package: its copyright file, changelog and lintian overrides (each one says why).
set(_vg_debian_packages control vergegrid-control bridge vergegrid-bridge cli vergegridctl
    sdk vergegrid-sdk)
while(_vg_debian_packages)
  list(POP_FRONT _vg_debian_packages group package)
  install(FILES "${_vg_debian_dir}/copyright" "${_vg_debian_out}/changelog.gz"
          DESTINATION share/doc/${package} COMPONENT ${group}_debian EXCLUDE_FROM_ALL)
  if(EXISTS "${_vg_debian_dir}/lintian/${package}")
    install(FILES "${_vg_debian_dir}/lintian/${package}" DESTINATION share/lintian/overrides
            COMPONENT ${group}_debian EXCLUDE_FROM_ALL)
  endif()
  string(TOUPPER "${group}" upper)
  set(CPACK_DEBIAN_${upper}_PACKAGE_NAME "${package}")
  set(CPACK_COMPONENT_${upper}_GROUP "${group}")
  set(CPACK_COMPONENT_${upper}_DEBIAN_GROUP "${group}")
  list(APPEND CPACK_COMPONENTS_ALL ${group} ${group}_debian)
endwhile()

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vergegrid)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_VENDOR VergeGrid)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${VERGEGRID_PACKAGE_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_GROUPING ONE_PER_GROUP)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_STRIP_FILES ON)
# Depends: from the libraries the binaries and plugins link (dpkg-shlibdeps).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)

# The postinst makes the vergegrid user.
set(CPACK_DEBIAN_CONTROL_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_BRIDGE_PACKAGE_DEPENDS adduser)
set(CPACK_DEBIAN_SDK_PACKAGE_ARCHITECTURE all)
set(CPACK_DEBIAN_SDK_PACKAGE_SECTION libdevel)
# Headers and CMake code only; its config asks for Boost's headers (Boost.DLL).
set(CPACK_DEBIAN_SDK_PACKAGE_DEPENDS "libboost-dev (>= 1.74), cmake (>= 3.25)")
set(CPACK_DEBIAN_SDK_PACKAGE_SHLIBDEPS OFF)

set(CPACK_DEBIAN_CONTROL_DESCRIPTION
    "VergeGrid control plane for OpenSimulator grids
vergegrid-control provisions OpenSimulator regions through a REST API, a web
console (built in) and vergegridctl, keeping every change versioned in its
database (SQLite by default, PostgreSQL or MariaDB). Runs as the vergegrid
user from /etc/vergegrid/control.ini with its state in /var/lib/vergegrid.")
set(CPACK_DEBIAN_BRIDGE_DESCRIPTION
    "VergeGrid bridge beside an OpenSimulator simulator
vergegrid-bridge injects and tears down the regions the VergeGrid control
plane assigns to one simulator, through RemoteAdmin and Regions/*.ini,
without hand-edited files or restarts. Configured in
/etc/vergegrid/bridge.ini.")
set(CPACK_DEBIAN_CLI_DESCRIPTION
    "command-line client of the VergeGrid control plane
vergegridctl manages regions, templates, simulators, users and the rest of
a VergeGrid grid through the control plane's REST API.")
set(CPACK_DEBIAN_SDK_DESCRIPTION
    "SDK for VergeGrid plugins
The plugin_api headers and the CMake package (find_package(VergeGridSDK))
needed to build plugins for vergegrid-control and vergegrid-bridge out of
tree.")

include(CPack)
