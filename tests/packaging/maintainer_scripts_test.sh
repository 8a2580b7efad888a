#!/usr/bin/env bash
# vergegrid-control's maintainer scripts run for real, but inside a mount namespace of their own
# where /etc, /var/lib and /lib/systemd/system are overlays whose writes land in a tmpfs, and
# /run/systemd is hidden (so no systemd of the host is ever asked to start or reload anything):
# the real machine is untouched. Checks that postinst makes the vergegrid user, the state folder
# (vergegrid:vergegrid 0750) and the conffile's mode (root:vergegrid 0640), that running it again
# (a re-configure, an upgrade) changes nothing and keeps the data, that remove keeps configuration
# and data, and that purge deletes the state folder and says so. Needs root.
# Usage: maintainer_scripts_test.sh <scratch dir> <folder with postinst/prerm/postrm> <unit file>
#        [probe]   (probe: only whether the namespace and overlays can be made here)
set -euo pipefail
scratch=$1 scripts=$2 unit=$3 mode=${4:-run}
mkdir -p "$scratch"

# Inside the namespace (bash -c, with the arguments above).
inside() {
  set -euo pipefail
  local scratch=$1 scripts=$2 unit=$3 mode=$4
  mount -t tmpfs tmpfs "$scratch"
  for dir in /etc /var/lib /lib/systemd/system; do
    local name=${dir//\//_}
    mkdir -p "$scratch/$name/upper" "$scratch/$name/work"
    mount -t overlay overlay \
      -o "lowerdir=$dir,upperdir=$scratch/$name/upper,workdir=$scratch/$name/work" "$dir"
  done
  if [ -d /run/systemd ]; then mount -t tmpfs tmpfs /run/systemd; fi
  [ "$mode" = probe ] && return 0

  fail() {
    echo "FAIL: $*" >&2
    exit 1
  }
  # What dpkg unpacks before postinst: the conffile and the unit.
  mkdir -p /etc/vergegrid
  echo "listen = 127.0.0.1:9800" >/etc/vergegrid/control.ini
  chmod 0644 /etc/vergegrid/control.ini
  if [ -f "$unit" ]; then cp "$unit" /lib/systemd/system/; fi
  ! getent passwd vergegrid >/dev/null || fail "this machine has a vergegrid user already"

  # As dpkg runs them (deb-systemd-helper refuses to run otherwise).
  run() {
    DPKG_MAINTSCRIPT_PACKAGE=vergegrid-control DPKG_MAINTSCRIPT_NAME=$1 sh "$scripts/$@"
  }
  state() {
    getent passwd vergegrid | cut -d: -f1,3,4,6,7
    getent group vergegrid | cut -d: -f1,3
    stat -c '%n %U:%G %a' /var/lib/vergegrid /etc/vergegrid/control.ini
    find /etc/systemd/system /var/lib/systemd/deb-systemd-helper-enabled -name 'vergegrid*' \
      2>/dev/null | sort
  }
  echo "--- postinst configure (first install)"
  run postinst configure
  first=$(state)
  echo "$first"
  echo "$first" | grep -q '^vergegrid:' || fail "no vergegrid user"
  echo "$first" | grep -qx '/var/lib/vergegrid vergegrid:vergegrid 750' || fail "state folder"
  echo "$first" | grep -qx '/etc/vergegrid/control.ini root:vergegrid 640' || fail "conffile mode"
  [ "$(getent passwd vergegrid | cut -d: -f7)" = /usr/sbin/nologin ] || fail "the user can log in"
  if [ -f "$unit" ]; then
    echo "$first" | grep -q 'multi-user.target.wants/vergegrid-control.service' ||
      fail "the unit was not enabled"
  fi
  echo "data" >/var/lib/vergegrid/vergegrid.db

  echo "--- postinst configure again, then as an upgrade (prerm upgrade, postinst configure <old>)"
  run postinst configure
  run prerm upgrade 0.1.0
  run postrm upgrade 0.1.0
  run postinst configure 0.1.0
  [ "$(state)" = "$first" ] || fail "a second postinst changed things: $(state)"
  [ "$(getent passwd | grep -c '^vergegrid:')" = 1 ] || fail "more than one vergegrid user"
  [ "$(cat /var/lib/vergegrid/vergegrid.db)" = data ] || fail "the data did not survive"

  echo "--- prerm remove, postrm remove: configuration and data stay"
  run prerm remove
  run postrm remove
  [ -f /var/lib/vergegrid/vergegrid.db ] || fail "remove deleted the data"
  [ -f /etc/vergegrid/control.ini ] || fail "remove deleted the configuration"

  echo "--- postrm purge"
  rm /etc/vergegrid/control.ini  # dpkg removes the conffile before postrm purge
  run postrm purge >"$scratch/purge.txt"
  cat "$scratch/purge.txt"
  [ ! -e /var/lib/vergegrid ] || fail "purge kept /var/lib/vergegrid"
  grep -q 'deleting /var/lib/vergegrid' "$scratch/purge.txt" || fail "purge did not say so"
  [ ! -e /etc/vergegrid ] || fail "purge left an empty /etc/vergegrid"
  getent passwd vergegrid >/dev/null || fail "purge removed the user (it must stay)"
  [ -z "$(find /etc/systemd/system -name 'vergegrid*')" ] || fail "purge left the unit's symlinks"
  echo "ok: postinst is idempotent, upgrade and remove keep configuration and data, purge deletes" \
    "the data and says so"
}

unshare --mount --propagation private bash -c "$(declare -f inside); inside \"\$@\"" _ \
  "$scratch" "$scripts" "$unit" "$mode"
