#!/usr/bin/env bash
# sdk/README.md walked through as written: every ```sh block marked <!-- sdk-walkthrough --> runs,
# in order, in one shell, from a scratch folder that holds a READ-ONLY copy of the source tree
# named `vergegrid`, with /opt/vergegrid replaced by a scratch prefix (the only substitution) and
# the vergegrid-control under test first on PATH. Then the plugin the README built must be listed
# as loaded by that control plane. A README command that stops working fails this test.
# Usage: sdk_walkthrough_test.sh <repository> <vergegrid-control binary>
set -euo pipefail
repo=$1
control=$2
work=$(mktemp -d)
cleanup() {
  chmod -R u+w "$work" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A copy of the working tree as git sees it (tracked and new files, nothing ignored), so the
# README under test is the one being changed; then made read-only.
mkdir -p "$work/vergegrid"
git -C "$repo" ls-files -z --cached --others --exclude-standard |
  (cd "$repo" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$work/vergegrid"
chmod -R a-w "$work/vergegrid"
# Root writes through file modes: then the copy is mounted read-only in a mount namespace of the
# walkthrough's own.
readonly_mount=no
if [ "$(id -u)" = 0 ]; then
  if unshare --mount true 2>/dev/null; then
    readonly_mount=yes
  else
    echo "note: root without unshare: the copy is read-only by its file modes only"
  fi
fi

# The marked blocks, in order.
awk '
  /<!-- sdk-walkthrough -->/ { armed = 1; next }
  armed && /^```sh$/         { inside = 1; armed = 0; next }
  inside && /^```$/          { inside = 0; print ""; next }
  inside                     { print }
  !/^[[:space:]]*$/          { armed = 0 }
' "$repo/sdk/README.md" | sed "s#/opt/vergegrid#$work/prefix#g" >"$work/walkthrough.sh"
blocks=$(grep -c '<!-- sdk-walkthrough -->' "$repo/sdk/README.md")
[ "$blocks" -ge 4 ] || { echo "FAIL: sdk/README.md has $blocks marked blocks, expected 4 or more"; exit 1; }
echo "--- the README's commands ($blocks blocks):"
cat "$work/walkthrough.sh"

mkdir -p "$work/bin"
ln -s "$control" "$work/bin/vergegrid-control"
walk() {
  if [ "$readonly_mount" = yes ]; then
    unshare --mount bash -c 'mount --bind -o ro "$1/vergegrid" "$1/vergegrid" &&
      cd "$1" && PATH="$1/bin:$PATH" bash -euo pipefail "$1/walkthrough.sh"' _ "$work"
  else
    (cd "$work" && PATH="$work/bin:$PATH" bash -euo pipefail "$work/walkthrough.sh")
  fi
}
walk >"$work/out.log" 2>&1 || {
  echo "FAIL: a README command failed:"
  tail -n 60 "$work/out.log"
  exit 1
}

# Nothing was written into the source copy (the install wrote its manifest into build-sdk/).
chmod -R u+w "$work/vergegrid"
extra=$(cd "$work/vergegrid" && find . -newer "$work/walkthrough.sh" -type f | head -n 5)
[ -z "$extra" ] || { echo "FAIL: the walkthrough wrote into the source tree: $extra"; exit 1; }
[ -f "$work/prefix/lib/cmake/VergeGridSDK/VergeGridSDKConfig.cmake" ] || {
  echo "FAIL: the sdk component did not install the CMake package"
  exit 1
}

# The listing the README's last command printed (STATUS KIND NAME VERSION ABI FILE) shows the
# example plugin, loaded.
grep -E '^(loaded|refused|failed) ' "$work/out.log" || true
grep -Eq '^loaded +placement +hello +[^ ]+ +[^ ]+ +vg-placement-hello\.so$' "$work/out.log" || {
  echo "FAIL: --list-plugins does not list vg-placement-hello.so as loaded:"
  cat "$work/out.log"
  exit 1
}
echo "ok: sdk/README.md's commands build and install the example, and the control plane loads it"
