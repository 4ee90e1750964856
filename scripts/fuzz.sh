#!/usr/bin/env bash
# Runs each libFuzzer harness in fuzz/ for a bounded time: scripts/fuzz.sh [seconds-per-target] [target...]
# Targets: yaml jinja json regex (default: all). New inputs go to .build/fuzz-corpus/<target> (the
# committed seeds in fuzz/corpus/<target> are read, never written); crashes go to .build/fuzz-crashes/.
# Exit status 1 when any target found a crash.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(yaml jinja json regex)

swift build --package-path fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld >&2
bin="$(swift build --package-path fuzz -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --show-bin-path)"

status=0
for target in "${targets[@]}"; do
    case "$target" in
        yaml) product=FuzzYAML ;; jinja) product=FuzzJinja ;; json) product=FuzzJSON ;; regex) product=FuzzRegex ;;
        *) echo "unknown target $target (yaml, jinja, json, regex)" >&2; exit 2 ;;
    esac
    work=".build/fuzz-corpus/$target"
    crashes=".build/fuzz-crashes/$target"
    mkdir -p "$work" "$crashes"
    echo "== $target: ${seconds}s" >&2
    # -rss_limit_mb and -timeout turn runaway memory or time into findings, as a crash would be.
    # Leaks are findings, except the toolchain's own listed in fuzz/lsan-suppressions.txt.
    # Swift's own crash handler is off: under ASan its memory reads fault before it reports, hiding a
    # runtime trap (an overflow, a bad index) behind "unknown-crash"; libFuzzer then names the signal.
    if ! SWIFT_BACKTRACE="enable=no" ASAN_OPTIONS="detect_leaks=1" LSAN_OPTIONS="suppressions=$PWD/fuzz/lsan-suppressions.txt" "$bin/$product" "$work" "fuzz/corpus/$target" -max_total_time="$seconds" -max_len=4096 \
        -rss_limit_mb=2048 -timeout=10 -artifact_prefix="$crashes/" -print_final_stats=1 -detect_leaks=1 2>"$crashes/log.txt"; then
        status=1
    fi
    grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb)|ERROR|SUMMARY" "$crashes/log.txt" >&2 || true
    # Slow units are kept beside the findings but are not failures, so they are not counted.
    findings=()
    for finding in "$crashes"/crash-* "$crashes"/oom-* "$crashes"/timeout-* "$crashes"/leak-*; do
        if [ -f "$finding" ]; then findings+=("$finding"); fi
    done
    echo "corpus: $(ls "$work" | wc -l) new + $(ls "fuzz/corpus/$target" | wc -l) seeds; findings: ${#findings[@]}" >&2
    # A fresh clone's .build is gone after the run: print each finding so the log alone reproduces it.
    for finding in "${findings[@]}"; do
        echo "$(basename "$finding") (base64, decode into a file and run $bin/$product on it):" >&2
        head -c 4096 "$finding" | base64 -w 0 >&2
        echo >&2
    done
done
exit $status
