#!/usr/bin/env bash
# The README's two commands, configured one after the other on one copy of the repository, must
# each do what they say: the test command's build registers the whole suite even after the set-up
# command configured first (issue: a cached VERGEGRID_BUILD_TESTS=OFF once left it with no tests).
# Usage: configure_order_test.sh <repository>
set -euo pipefail
repo=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# A copy of the working tree as git sees it (tracked and new files, nothing ignored), so the
# scripts under test are the ones being changed, not only the committed ones.
copy() {
  mkdir -p "$1"
  git -C "$repo" ls-files -z --cached --others --exclude-standard |
    (cd "$repo" && xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$1"
}

test_list() {
  ctest --test-dir "$1" -N | grep -E '^ *Test +#' | sed -E 's/^ *Test +#[0-9]+: //' | sort
}

# Reference: the test command's configure step alone.
copy "$work/alone"
"$work/alone/.ci/configure" test >/dev/null 2>"$work/alone.log" || { cat "$work/alone.log"; exit 1; }
test_list "$work/alone/build-test" >"$work/alone.tests"

# The README's order: set-up command first, then the test command, on one copy.
copy "$work/both"
"$work/both/.ci/configure" run >/dev/null 2>"$work/run.log" || { cat "$work/run.log"; exit 1; }
dir=$("$work/both/.ci/configure" test 2>"$work/test.log") || { cat "$work/test.log"; exit 1; }
test_list "$work/both/$dir" >"$work/both.tests"

count=$(wc -l <"$work/both.tests")
echo "test command after set-up lists $count tests (or unbuilt test programs)"
# Unbuilt gtest programs show as <target>_NOT_BUILT; every suite program must be there.
for program in kernel_http_tests e2e_tests sim_bridge_unit_tests cli_e2e_tests; do
  grep -q "^${program}_NOT_BUILT\$" "$work/both.tests" || {
    echo "FAIL: $program is missing from the test command's suite"
    exit 1
  }
done
if ! diff -u "$work/alone.tests" "$work/both.tests"; then
  echo "FAIL: configuring the set-up command first changed the test command's suite"
  exit 1
fi
# And the set-up command's own folder is untouched by the test command: still no tests.
[ "$(test_list "$work/both/build" | wc -l)" -eq 0 ] || {
  echo "FAIL: the set-up command's build folder registered tests"
  exit 1
}
echo "ok: both orders give the same $count-entry suite"
