#!/usr/bin/env bash
# Builds a Release tree in build-bench/ and runs the region API benchmark on SQLite and on a
# throwaway PostgreSQL with the default sizes, printing every command it runs. Run by hand, never
# in CI; copy the figures and commands into docs/benchmarks.md.
#
#   bench/run-api-bench.sh [extra api_bench flags...]     e.g. --json, --regions 20000
#
# Environment: BUILD_DIR (default <repo>/build-bench), JOBS (default 2), BACKENDS (default
# "sqlite postgresql"), WAIT_QUIET (default 900: seconds each run may wait for the machine to be
# idle first; on a shared machine someone else's build would take the cores being measured).
#
# The Release build passes -Wno-error=restrict: g++ 12 at -O3 reports a false -Wrestrict in
# std::string's operator+ (control/common/preconditions.cpp), which -Werror turns into a failure.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
jobs=${JOBS:-2}
backends=${BACKENDS:-sqlite postgresql}

run() {
    printf '+ %s\n' "$*" >&2
    "$@"
}

run cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVERGEGRID_BUILD_TESTS=OFF \
    -DCMAKE_CXX_FLAGS=-Wno-error=restrict
# vergegrid-control and every plugin it may load (vg-*: storage, auth, sync, ...).
plugins=$(cmake --build "$build" --target help | sed -n 's/^\.\.\. \(vg-[A-Za-z0-9_-]*\).*/\1/p' | tr '\n' ' ')
# The top-level CMakeLists.txt does not include bench/: build the control plane, then the
# benchmarks on their own, into the same tree's bench/ folder.
# shellcheck disable=SC2086 # one target per word
run cmake --build "$build" -j "$jobs" --target vergegrid-control $plugins
run cmake -S "$repo/bench" -B "$build/bench-only" -DCMAKE_BUILD_TYPE=Release \
    "-DVERGEGRID_BENCH_OUTPUT_DIR=$build/bench" -DCMAKE_CXX_FLAGS=-Werror
run cmake --build "$build/bench-only" -j "$jobs"

echo "# $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u +%Y-%m-%dT%H:%M:%SZ)" >&2
status=0
for backend in $backends; do
    run "$build/bench/api_bench" --backend "$backend" --wait-quiet "${WAIT_QUIET:-900}" "$@" || status=1
done
exit "$status"
