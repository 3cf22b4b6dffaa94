#!/usr/bin/env bash
# Counts heap allocations per frame of each background model + cleanup in steady state.
#   Benchmarks/count-allocations.sh [FRAMES_DIR [--only NAME]]     (default: CDnet highway input)
# VIGIE_ALLOCATION_TRACE=1 prints the call stack of every counted allocation.
# Needs `swift build -c release` first. Builds the LD_PRELOAD counter with the C compiler.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
frames=${1:-$root/../shared/data/cdnet/baseline/highway/input}
out=$(mktemp -d)
cc -O2 -shared -fPIC -o "$out/libmalloc_counter.so" "$here/alloc-counter/malloc_counter.c" -ldl
LD_PRELOAD="$out/libmalloc_counter.so" "$root/.build/release/vigie-bench" allocs "$frames" "${@:2}"
