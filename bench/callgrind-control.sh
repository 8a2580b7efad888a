#!/bin/sh
# Runs a control plane under callgrind, for `api_bench --control bench/callgrind-control.sh`:
# instructions per create counted the same way whatever else the machine runs (docs/benchmarks.md,
# "The bus alone"). VG_REAL: the vergegrid-control to run; VG_CG_OUT: where callgrind writes its
# counts (`grep ^summary: $VG_CG_OUT`). Run 1,000 and 3,000 creates and divide the difference by
# 2,000, so that start-up drops out:
#   VG_REAL=build-test/bin/vergegrid-control VG_CG_OUT=/tmp/B-1000.out \
#     build-test/bench/api_bench --regions 1000 --create-clients 16 --reads 0 \
#     --control bench/callgrind-control.sh --time-limit 600
set -eu
exec valgrind --tool=callgrind --callgrind-out-file="$VG_CG_OUT" --dump-instr=no \
  --trace-children=no "$VG_REAL" "$@"
