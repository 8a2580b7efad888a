#!/usr/bin/env bash
# packaging.debian: the Debian packages of this build, made and used as an operator would.
#   1. cpack -G DEB of the build folder into a temp folder: exactly the four packages, named and
#      versioned from the project;
#   2. each checked with dpkg-deb (fields, conffiles, files at their paths, stripped binaries,
#      every built-in plugin in exactly one package) and lintian (its overrides are shipped in the
#      packages, deploy/debian/lintian/, each with its reason);
#   3. the maintainer scripts: sh -n, and (root with mount namespaces only) postinst run twice and
#      postrm purge inside a private overlay of /etc, /var/lib and the unit folder, the real
#      machine untouched;
#   4. all four extracted (dpkg -x) into a throwaway root; from there vergegrid-control started
#      against the installed control.ini (data dir and port moved to the temp folder), /readyz
#      awaited, its plugins checked to come from the installed plugin folder, vergegridctl asked
#      about it, SIGTERM; vergegrid-bridge --version and --list-plugins; the SDK's example plugin
#      built out of tree against the installed SDK and listed as loaded by the installed control
#      plane.
# Usage: debian_packages_test.sh <source> <build> <version> <cmake> <cpack> <generator> <c++>
#        [build type]
set -euo pipefail
source_dir=$1 build=$2 version=$3 cmake=$4 cpack=$5 generator=$6 cxx=$7 build_type=${8:-}

# The environment must not steer the programs under test (VERGEGRID_PLUGIN_DIR above all).
while read -r name; do unset "$name"; done < <(compgen -e | grep '^VERGEGRID_' || true)

work=$(mktemp -d "${TMPDIR:-/tmp}/vergegrid-packaging-XXXXXX")
control_pid=
cleanup() {
  if [ -n "$control_pid" ]; then kill -9 "$control_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  exit 1
}
arch=$(dpkg --print-architecture)

# ---- 1. the packages ------------------------------------------------------------------------
echo "--- cpack -G DEB"
"$cpack" -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" >"$work/cpack.log" 2>&1 || {
  cat "$work/cpack.log"
  fail "cpack -G DEB failed"
}
declare -A deb=(
  [vergegrid-control]="$work/out/vergegrid-control_${version}_${arch}.deb"
  [vergegrid-bridge]="$work/out/vergegrid-bridge_${version}_${arch}.deb"
  [vergegridctl]="$work/out/vergegridctl_${version}_${arch}.deb"
  [vergegrid-sdk]="$work/out/vergegrid-sdk_${version}_all.deb"
)
made=$(cd "$work/out" && ls ./*.deb | sed 's#^\./##' | sort | tr '\n' ' ')
expected=$(for p in "${!deb[@]}"; do basename "${deb[$p]}"; done | sort | tr '\n' ' ')
[ "$made" = "$expected" ] || fail "cpack made [$made], expected [$expected]"

# ---- 2. their contents ----------------------------------------------------------------------
echo "--- dpkg-deb"
field() { dpkg-deb -f "${deb[$1]}" "$2"; }
for package in "${!deb[@]}"; do
  dpkg-deb -c "${deb[$package]}" | awk '{print $6}' | sed 's#^\./#/#' >"$work/$package.contents"
done
contents() { cat "$work/$1.contents"; }
has_file() {
  contents "$1" | grep -qx "$2" || fail "$1 lacks $2"
}
for package in "${!deb[@]}"; do
  [ "$(field "$package" Package)" = "$package" ] || fail "${deb[$package]}: Package is not $package"
  [ "$(field "$package" Version)" = "$version" ] || fail "$package: Version is not $version"
  [ -n "$(field "$package" Description)" ] || fail "$package: no Description"
  has_file "$package" "/usr/share/doc/$package/copyright"
  # Nothing outside the FHS places a package may use.
  bad=$(contents "$package" | grep -Ev '^/($|etc/|lib/($|systemd/($|system/))|usr/)' || true)
  [ -z "$bad" ] || fail "$package installs outside /etc, /lib/systemd/system and /usr: $bad"
done
[ "$(field vergegrid-sdk Architecture)" = all ] || fail "vergegrid-sdk is not Architecture: all"

has_file vergegrid-control /usr/bin/vergegrid-control
has_file vergegrid-control /etc/vergegrid/control.ini
has_file vergegrid-bridge /usr/bin/vergegrid-bridge
has_file vergegrid-bridge /etc/vergegrid/bridge.ini
has_file vergegridctl /usr/bin/vergegridctl
has_file vergegrid-sdk /usr/include/vergegrid/plugin_api/abi.hpp
has_file vergegrid-sdk /usr/lib/cmake/VergeGridSDK/VergeGridSDKConfig.cmake
has_file vergegrid-sdk /usr/lib/cmake/VergeGridSDK/VergeGridPlugin.cmake
for service in control bridge; do
  if [ -f "$source_dir/deploy/systemd/vergegrid-$service.service" ]; then
    has_file "vergegrid-$service" "/lib/systemd/system/vergegrid-$service.service"
  else
    echo "note: deploy/systemd/vergegrid-$service.service does not exist yet: no unit packaged"
  fi
  conffiles=$(dpkg-deb -I "${deb[vergegrid-$service]}" conffiles)
  [ "$conffiles" = "/etc/vergegrid/$service.ini" ] ||
    fail "vergegrid-$service conffiles: '$conffiles', expected /etc/vergegrid/$service.ini"
  field "vergegrid-$service" Depends | grep -q 'adduser' || fail "vergegrid-$service: no Depends on adduser"
  # dpkg-shlibdeps found the C library at least.
  field "vergegrid-$service" Depends | grep -q 'libc6' || fail "vergegrid-$service: no shlibs Depends"
done

# Every built-in plugin is in exactly one package: the bridge's injection plugins in
# vergegrid-bridge, every other in vergegrid-control.
for plugin in "$build"/lib/vergegrid/plugins/vg-*.so; do
  name=$(basename "$plugin")
  case $name in
    vg-injection-*) owner=vergegrid-bridge other=vergegrid-control ;;
    *) owner=vergegrid-control other=vergegrid-bridge ;;
  esac
  has_file "$owner" "/usr/lib/vergegrid/plugins/$name"
  ! contents "$other" | grep -qx "/usr/lib/vergegrid/plugins/$name" || fail "$name is in $other too"
done

# ---- 3. lintian -----------------------------------------------------------------------------
echo "--- lintian"
if ! lintian --fail-on error,warning --tag-display-limit 0 "${deb[@]}" >"$work/lintian.log" 2>&1; then
  cat "$work/lintian.log"
  fail "lintian reports errors or warnings (fix them, or override with a reason in deploy/debian/lintian/)"
fi
cat "$work/lintian.log"

# ---- 4. the maintainer scripts --------------------------------------------------------------
echo "--- maintainer scripts"
for service in control bridge; do
  dpkg-deb -e "${deb[vergegrid-$service]}" "$work/control-$service"
  for script in postinst prerm postrm; do
    [ -x "$work/control-$service/$script" ] || fail "vergegrid-$service has no executable $script"
    sh -n "$work/control-$service/$script" || fail "vergegrid-$service $script: shell syntax"
  done
done
if [ "$(id -u)" = 0 ] && unshare --mount true 2>/dev/null &&
  bash "$source_dir/tests/packaging/maintainer_scripts_test.sh" "$work/scripts-root" \
    "$work/control-control" "$source_dir/deploy/systemd/vergegrid-control.service" probe 2>/dev/null; then
  bash "$source_dir/tests/packaging/maintainer_scripts_test.sh" "$work/scripts-root" \
    "$work/control-control" "$source_dir/deploy/systemd/vergegrid-control.service" ||
    fail "vergegrid-control's maintainer scripts (above)"
else
  echo "note: not root or no overlay mounts in a mount namespace here: postinst's idempotence" \
    "is not exercised (sh -n only)"
fi

# ---- 5. the installed programs, from a throwaway root ---------------------------------------
echo "--- dpkg -x"
root=$work/root
for package in "${!deb[@]}"; do dpkg -x "${deb[$package]}" "$root"; done
for program in vergegrid-control vergegrid-bridge vergegridctl; do
  if readelf -S "$root/usr/bin/$program" | grep -q '\.debug_info'; then
    fail "$program is not stripped"
  fi
done

"$root/usr/bin/vergegridctl" --version | grep -qx "vergegridctl $version" ||
  fail "vergegridctl --version: $("$root/usr/bin/vergegridctl" --version)"
"$root/usr/bin/vergegrid-bridge" --version | grep -qx "$version" ||
  fail "vergegrid-bridge --version: $("$root/usr/bin/vergegrid-bridge" --version)"
# The bridge finds its plugin where the package put it, by default.
"$root/usr/bin/vergegrid-bridge" --config "$root/etc/vergegrid/bridge.ini" \
  --state-dir "$work/bridge-state" --list-plugins >"$work/bridge-plugins.txt" 2>"$work/bridge.log"
grep -Eq '^loaded +injection +hybrid .* vg-injection-hybrid\.so$' "$work/bridge-plugins.txt" || {
  cat "$work/bridge-plugins.txt"
  fail "the installed bridge does not load vg-injection-hybrid.so"
}

echo "--- vergegrid-control from the root"
token=packaging-test-token-0123456789abcdefghij
VERGEGRID_ADMIN_TOKEN=$token "$root/usr/bin/vergegrid-control" \
  --config "$root/etc/vergegrid/control.ini" --data-dir "$work/data" --listen 127.0.0.1:0 \
  >"$work/control.log" 2>&1 &
control_pid=$!
url=
for _ in $(seq 1 300); do
  kill -0 "$control_pid" 2>/dev/null || {
    cat "$work/control.log"
    fail "vergegrid-control exited at start-up"
  }
  port=$(sed -nE 's#.*vergegrid-control listening on http://127\.0\.0\.1:([0-9]+).*#\1#p' "$work/control.log" | head -n 1)
  if [ -n "$port" ] && [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")" = 200 ]; then
    url=http://127.0.0.1:$port
    break
  fi
  sleep 0.1
done
[ -n "$url" ] || {
  cat "$work/control.log"
  fail "/readyz did not answer 200 within 30 s"
}
curl -sf -H "Authorization: Bearer $token" "$url/api/v1/plugins" >"$work/plugins.json"
# Every plugin the control plane loaded came from the installed folder, the built-in ones the
# default configuration uses among them, and the bridge's one in that shared folder was skipped.
python3 - "$work/plugins.json" "$root/usr/lib/vergegrid/plugins/" <<'PY' || fail "/api/v1/plugins (above)"
import json, sys
items = json.load(open(sys.argv[1]))["items"]
loaded = {i["kind"] + "/" + i["name"]: i["file"] for i in items if i["status"] == "loaded"}
problems = [f"{p} loaded from {f}" for p, f in loaded.items() if not f.startswith(sys.argv[2])]
for p in ["storage/sqlite", "auth/builtin", "sync/hybrid", "placement/basic-rules",
          "snapshot_store/filesystem", "migration/oar", "blueprint/grid", "event_sink/webhook"]:
    if p not in loaded:
        problems.append(f"{p} not loaded")
if not any(i["kind"] == "injection" and i["status"] == "skipped" for i in items):
    problems.append("the injection plugin is not listed as skipped")
if problems:
    print(json.dumps(items, indent=1))
    print("\n".join(problems))
    sys.exit(1)
PY
# The installed client against the installed server.
"$root/usr/bin/vergegridctl" --server "$url" --token "$token" placement policy >"$work/policy.txt" ||
  fail "vergegridctl placement policy failed: $(cat "$work/policy.txt")"
grep -q 'basic-rules' "$work/policy.txt" || fail "vergegridctl placement policy: $(cat "$work/policy.txt")"
kill -TERM "$control_pid"
status=0
wait "$control_pid" || status=$?
control_pid=
[ "$status" = 0 ] || {
  cat "$work/control.log"
  fail "vergegrid-control exited $status on SIGTERM"
}
grep -q 'stopped cleanly' "$work/control.log" || fail "vergegrid-control did not stop cleanly"

# ---- 6. the SDK, installed ------------------------------------------------------------------
echo "--- the SDK's example plugin against the installed SDK"
"$cmake" "-DSOURCE=$source_dir/sdk/examples/hello-placement" "-DBINARY=$work/hello-build" \
  "-DPREFIX=$root/usr" "-DGENERATOR=$generator" "-DCXX_COMPILER=$cxx" "-DBUILD_TYPE=$build_type" \
  -P "$source_dir/tests/sdk/configure_example.cmake" >"$work/hello.log" 2>&1 &&
  "$cmake" --build "$work/hello-build" >>"$work/hello.log" 2>&1 || {
  cat "$work/hello.log"
  fail "the SDK example does not build against the installed SDK"
}
cp "$work/hello-build/vg-placement-hello.so" "$root/usr/lib/vergegrid/plugins/"
"$root/usr/bin/vergegrid-control" --config "$root/etc/vergegrid/control.ini" \
  --data-dir "$work/data" --list-plugins >"$work/list.txt" 2>>"$work/control.log"
grep -Eq '^loaded +placement +hello .* vg-placement-hello\.so$' "$work/list.txt" || {
  cat "$work/list.txt"
  fail "the installed control plane does not load the plugin built against the installed SDK"
}
echo "ok: four packages made, checked, lint-clean, installed into a throwaway root and run from it"
