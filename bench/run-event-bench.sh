#!/usr/bin/env bash
# The event bus figures of issue 16 (docs/benchmarks.md, "Event bus (issue 16)"), each run one
# api_bench process against a fresh control plane, its JSON report in OUT/<set>-<round>-<label>.json,
# then a table of them all (bench/event-bench-summary.py). Prints every command it runs.
#
#   bench/run-event-bench.sh [set...]      sets: ab webhook delivery nats slow (default: all)
#
#   ab        what the event bus adds to a create, interleaved: A = this commit without the event
#             bus (BASE_CONTROL, built from bench/patches/without-event-bus.patch: see below),
#             B = this build; ROUNDS rounds of A B B A (a drift linear in time cancels out)
#   webhook   B = this build alone, C = this build with one webhook subscribed; ROUNDS rounds of B C C B
#   delivery  1, 4 and 16 webhooks, live (beside the creates) and resumed after them (the outbox's
#             drain rate)
#   nats      the NATS sink alone, live, ROUNDS times
#   slow      one fast webhook with and without a second one answering after 2 s, resumed after
#             the creates, ROUNDS rounds alternating
#
# Environment: BUILD_DIR (default <repo>/build-bench: bench/api_bench and bin/vergegrid-control),
# BASE_CONTROL (the control plane without the event bus; default <repo>/../vg-without-event-bus/
# build-test/bin/vergegrid-control), OUT (default /tmp/vg-event-bench), ROUNDS (default 3),
# REGIONS (default 40000 for ab and webhook, 10000 for the others), CLIENTS (default 16).
#
# The base: the same commit with the two event consumers taken out (no outbox row, an unchained
# audit row), built with the same flags as the B side:
#   git worktree add --detach ../vg-without-event-bus HEAD
#   git -C ../vg-without-event-bus apply "$PWD/bench/patches/without-event-bus.patch"
#   cmake -S ../vg-without-event-bus -B ../vg-without-event-bus/build-test -DVERGEGRID_BUILD_TESTS=OFF \
#     -DCMAKE_BUILD_TYPE=RelWithDebInfo "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG"
#   cmake --build ../vg-without-event-bus/build-test -j2
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${BUILD_DIR:-$repo/build-bench}
bench=$build/bench/api_bench
base=${BASE_CONTROL:-$repo/../vg-without-event-bus/build-test/bin/vergegrid-control}
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

sets=${*:-ab webhook delivery nats slow}
for set in $sets; do
    case $set in
    ab)
        n=${REGIONS:-40000}
        for r in $(seq 1 "$rounds"); do
            run "$out/ab-$r-1-A.json" --regions "$n" --create-clients "$clients" --reads 0 --control "$base"
            run "$out/ab-$r-2-B.json" --regions "$n" --create-clients "$clients" --reads 0
            run "$out/ab-$r-3-B.json" --regions "$n" --create-clients "$clients" --reads 0
            run "$out/ab-$r-4-A.json" --regions "$n" --create-clients "$clients" --reads 0 --control "$base"
        done
        ;;
    webhook)
        n=${REGIONS:-40000}
        for r in $(seq 1 "$rounds"); do
            run "$out/webhook-$r-1-B.json" --regions "$n" --create-clients "$clients" --reads 0
            run "$out/webhook-$r-2-C.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks 1
            run "$out/webhook-$r-3-C.json" --regions "$n" --create-clients "$clients" --reads 0 --webhooks 1
            run "$out/webhook-$r-4-B.json" --regions "$n" --create-clients "$clients" --reads 0
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
        echo "unknown set '$set' (ab webhook delivery nats slow)" >&2
        exit 2
        ;;
    esac
done
python3 "$repo/bench/event-bench-summary.py" "$out"/*.json
