#!/usr/bin/env bash
# The event bus figures of issue 16 (docs/benchmarks.md, "Event bus (issue 16)"), each run one
# api_bench process against a fresh control plane, its JSON report in OUT/<set>-<round>-<label>.json,
# then a table of them all (bench/event-bench-summary.py). Prints every command it runs.
#
#   bench/run-event-bench.sh [set...]      sets: ab delivery nats slow (default: all four)
#
#   ab        create throughput, interleaved: A = the commit before the event bus (BASE_CONTROL),
#             B = this build, C = this build with one webhook subscribed; ROUNDS rounds of A B C
#   delivery  1, 4 and 16 webhooks, live (beside the creates) and resumed after them (the outbox's
#             drain rate)
#   nats      the NATS sink alone, live, ROUNDS times
#   slow      one fast webhook with and without a second one answering after 2 s, resumed after
#             the creates, ROUNDS rounds alternating
#
# Environment: BUILD_DIR (default <repo>/build-bench: bench/api_bench and bin/vergegrid-control),
# BASE_CONTROL (the "before" control plane; default /work/wt/bench-base/build-bench/bin/
# vergegrid-control, a Release build of 677024e), OUT (default /tmp/vg-event-bench), ROUNDS
# (default 3), REGIONS (default 40000 for ab, 10000 for the others), CLIENTS (default 16).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
bench=$build/bench/api_bench
base=${BASE_CONTROL:-/work/wt/bench-base/build-bench/bin/vergegrid-control}
out=${OUT:-/tmp/vg-event-bench}
rounds=${ROUNDS:-3}
clients=${CLIENTS:-16}
mkdir -p "$out"

run() {  # run FILE api_bench-args...
    local file=$1
    shift
    printf '+ %s > %s\n' "$bench $*" "$file" >&2
    "$bench" "$@" --json >"$file" 2>"${file%.json}.log" || echo "  (not clean: see ${file%.json}.log)" >&2
}

sets=${*:-ab delivery nats slow}
for set in $sets; do
    case $set in
    ab)
        n=${REGIONS:-40000}
        for r in $(seq 1 "$rounds"); do
            run "$out/ab-$r-A.json" --regions "$n" --create-clients "$clients" --reads 0 --control "$base"
            run "$out/ab-$r-B.json" --regions "$n" --create-clients "$clients" --reads 0
            run "$out/ab-$r-C.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks 1
        done
        ;;
    delivery)
        n=${REGIONS:-10000}
        for k in 1 4 16; do
            run "$out/delivery-live-$k.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks "$k"
            run "$out/delivery-after-$k.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks "$k" \
                --deliver-after-creates
        done
        ;;
    nats)
        n=${REGIONS:-10000}
        for r in $(seq 1 "$rounds"); do
            run "$out/nats-$r.json" --regions "$n" --create-clients "$clients" --reads 0 --nats
        done
        ;;
    slow)
        n=${REGIONS:-10000}
        for r in $(seq 1 "$rounds"); do
            run "$out/slow-$r-alone.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks 1 \
                --deliver-after-creates
            run "$out/slow-$r-beside.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks 1 \
                --slow-webhooks 1 --slow-ms 2000 --deliver-after-creates
        done
        ;;
    *)
        echo "unknown set '$set' (ab delivery nats slow)" >&2
        exit 2
        ;;
    esac
done
python3 "$repo/bench/event-bench-summary.py" "$out"/*.json
