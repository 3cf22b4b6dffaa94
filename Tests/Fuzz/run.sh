#!/usr/bin/env bash
# Coverage-guided fuzzing of Vigie's parsers (Documentation/Fuzzing.md).
#
#   Tests/Fuzz/run.sh TARGET|all SECONDS [libFuzzer flags…]
#
# TARGET: jpeg, y4m, mjpeg, scene (the vigie-fuzz executable), journal (vigie-fuzz-journal:
# builds swift-crypto's BoringSSL instrumented) or acknowledgement (vigie-fuzz-service: builds
# the service's stack instrumented, much longer). `all` runs the five
# parser targets; `all+service` adds acknowledgement. Builds with -sanitize=fuzzer,address, then
# runs each target SECONDS seconds from the committed seeds (Corpus/TARGET) plus what earlier runs
# found (.build/corpus/TARGET, not committed). A crash, leak, sanitizer report or hang (> 10 s
# for one input) is saved as .build/artifacts/TARGET-crash-… and makes the exit status 1.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
[ $# -ge 2 ] || { echo "usage: $0 TARGET|all|all+service SECONDS [libFuzzer flags…]" >&2; exit 64; }
what="$1"; seconds="$2"; shift 2

parsers="jpeg y4m mjpeg scene journal"
case "$what" in
    all) targets="$parsers" ;;
    all+service) targets="$parsers acknowledgement" ;;
    jpeg|y4m|mjpeg|scene|journal|acknowledgement) targets="$what" ;;
    *) echo "unknown target $what (jpeg y4m mjpeg scene journal acknowledgement all all+service)" >&2; exit 64 ;;
esac

# The same flags for both products, so the modules they share are built once.
build=(swift build -c release
       -Xswiftc -sanitize=fuzzer,address -Xswiftc -enable-testing
       -Xcc -fsanitize=fuzzer-no-link,address
       -Xswiftc -use-ld=lld)
products=""
for target in $targets; do
    case "$target" in
        journal) product=vigie-fuzz-journal ;;
        acknowledgement) product=vigie-fuzz-service ;;
        *) product=vigie-fuzz ;;
    esac
    case " $products " in *" $product "*) ;; *) products="$products $product" ;; esac
done
for product in $products; do
    start=$(date +%s)
    "${build[@]}" --product "$product"
    echo "build of $product: $(( $(date +%s) - start )) s"
done
bin="$(swift build -c release -Xswiftc -sanitize=fuzzer,address --show-bin-path)"

status=0
mkdir -p .build/artifacts
for target in $targets; do
    case "$target" in
        journal) exe="$bin/vigie-fuzz-journal" ;;
        acknowledgement) exe="$bin/vigie-fuzz-service" ;;
        *) exe="$bin/vigie-fuzz" ;;
    esac
    mkdir -p ".build/corpus/$target"
    log=".build/artifacts/$target.log"
    echo "== $target: $seconds s"
    # New inputs go to .build/corpus/TARGET (first folder); the seeds are only read.
    if ! ASAN_OPTIONS=detect_leaks=1 "$exe" "$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix=".build/artifacts/$target-" "$@" \
        ".build/corpus/$target" "Corpus/$target" >"$log" 2>&1; then
        status=1
        echo "!! $target: finding (see $log and .build/artifacts/$target-*)"
        grep -E "ERROR|SUMMARY|Fatal|panic|crash" "$log" | head -5 || true
    fi
    # Executions, time and coverage (edges cov:, features ft:) from libFuzzer's own lines.
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb" "$log" | tr '\n' ' '
    echo
    grep -E "^#[0-9]+" "$log" | tail -1 || true
done
exit $status
