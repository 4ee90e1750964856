#!/usr/bin/env bash
# Runs the MongoTests suite under valgrind and fails on definite leaks or memory errors.
# Usage (from the package root): Tests/MongoTests/Valgrind/run-valgrind.sh [extra valgrind args]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
cd "$root"

swift build --build-tests >/dev/null
swift_lib="$(dirname "$(readlink -f "$(command -v swift)")")/../lib/swift/linux"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
gcc -shared -fPIC -o "$work/dispatch_main_shim.so" "$here/dispatch_main_shim.c" \
    -L"$swift_lib" -ldispatch -Wl,-rpath,"$swift_lib"

log="${VALGRIND_LOG:-$root/.build/mongo-valgrind.log}"
status=0
LD_PRELOAD="$work/dispatch_main_shim.so" valgrind \
    --leak-check=full --errors-for-leak-kinds=definite --error-exitcode=99 --num-callers=40 \
    --suppressions="$here/swift-runtime.supp" --log-file="$log" "$@" \
    .build/debug/testbenchPackageTests.xctest --testing-library swift-testing --filter MongoTests || status=$?
grep -E "definitely lost|ERROR SUMMARY" "$log"
echo "full log: $log"
exit "$status"
