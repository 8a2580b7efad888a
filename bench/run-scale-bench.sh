#!/usr/bin/env bash
# The grid-scale benchmarks of issue 14 (docs/benchmarks.md "Grid scale (issue 14)"), one after
# the other, each with GET /healthz measured in the same run so that the machine's load shows
# beside its figure, printing every command it runs. Builds a Release tree as run-api-bench.sh
# does. Run by hand (as root for 50,000 parked polls: the open-file limit), never in CI.
#
#   bench/run-scale-bench.sh [a b c d e ...]     default: all of them
#     a  creates placed by hand, SQLite, 16 connections
#     b  creates placed automatically: 10,000 simulators, 100,000 regions (figure by tenth)
#     c  pinned create + wake of the simulator's parked poll, 10,000 and 50,000 parked
#     d  creates placed by hand on a throwaway PostgreSQL, 16 connections
#     e  50,000 parked polls: control-plane CPU over 60 s and RSS
#
# Environment: BUILD_DIR (default <repo>/build-bench), JOBS (default 2), OUT (default
# <build dir>/scale-results: one JSON report per run), WAIT_QUIET (default 300), REGIONS_B
# (default 100000), SIMULATORS_B (default 10000), BUILD=0 to skip the build.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
jobs=${JOBS:-2}
out=${OUT:-$build/scale-results}
wait_quiet=${WAIT_QUIET:-300}
runs=("$@")
[ ${#runs[@]} -gt 0 ] || runs=(a b c d e)

run() {
    printf '+ %s\n' "$*" >&2
    "$@"
}

if [ "${BUILD:-1}" != 0 ]; then
    run cmake -S "$repo" -B "$build" -DCMAKE_BUILD_TYPE=Release -DVERGEGRID_BUILD_TESTS=OFF \
        -DCMAKE_CXX_FLAGS=-Wno-error=restrict
    plugins=$(cmake --build "$build" --target help | sed -n 's/^\.\.\. \(vg-[A-Za-z0-9_-]*\).*/\1/p' | tr '\n' ' ')
    # shellcheck disable=SC2086 # one target per word
    run cmake --build "$build" -j "$jobs" --target vergegrid-control $plugins
    run cmake -S "$repo/bench" -B "$build/bench-only" -DCMAKE_BUILD_TYPE=Release \
        "-DVERGEGRID_BENCH_OUTPUT_DIR=$build/bench" -DCMAKE_CXX_FLAGS=-Werror
    run cmake --build "$build/bench-only" -j "$jobs"
fi
mkdir -p "$out"
echo "# $(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'); $(date -u +%Y-%m-%dT%H:%M:%SZ); load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2

api=("$build/bench/api_bench" --wait-quiet "$wait_quiet" --http-floor --json)
bridges=("$build/bench/bridges_bench")
status=0
for what in "${runs[@]}"; do
    case "$what" in
      a) run "${api[@]}" --backend sqlite --regions 40000 --create-clients 16 --read-clients 4 \
             --reads 40000 >"$out/a-creates-sqlite.json" || status=1 ;;
      b) run "${api[@]}" --backend sqlite --auto-place --simulators "${SIMULATORS_B:-10000}" \
             --regions "${REGIONS_B:-100000}" --create-clients 16 --read-clients 4 --reads 20000 \
             --time-limit 3600 >"$out/b-auto-place.json" || status=1 ;;
      c) for parked in 10000 50000; do
             run "${bridges[@]}" --bridges "$parked" --wait 60 --creates 1000 --restarts 0 \
                 --rate 50 --idle 10 --healthz 20000 >"$out/c-wake-$parked.json" || status=1
         done ;;
      d) run "${api[@]}" --backend postgresql --regions 20000 --create-clients 16 \
             --read-clients 4 --reads 20000 >"$out/d-creates-postgresql.json" || status=1 ;;
      e) run "${bridges[@]}" --bridges 50000 --wait 25 --creates 0 --restarts 0 --idle 60 \
             --healthz 20000 >"$out/e-parked-50000.json" || status=1 ;;
      *) echo "unknown run '$what' (a b c d e)" >&2; exit 2 ;;
    esac
done
echo "reports in $out" >&2
exit "$status"
