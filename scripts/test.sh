#!/usr/bin/env bash
# Installs what is missing, builds ragdesk with its tests and runs the whole suite.
# Usage: scripts/test.sh [--sanitize]   (--sanitize: the ASan+UBSan build of the suite)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/install-deps.sh"
# build.sh writes the build's output to stderr (a failed build says why in CI's log) and only
# the build dir to stdout.
build_dir=$(bash "$root/scripts/build.sh" "$@" | tail -n 1)

# Test-only: the official API clients the conformance tests drive, pinned by their lock file.
conformance="$build_dir/conformance"
mkdir -p "$conformance"
if ! cmp -s "$root/tests/conformance/package-lock.json" "$conformance/package-lock.json" || [ ! -d "$conformance/node_modules" ]; then
  cp "$root/tests/conformance/package.json" "$root/tests/conformance/package-lock.json" "$conformance/"
  (cd "$conformance" && npm ci --no-audit --no-fund --loglevel=error)
fi

export QT_QPA_PLATFORM=offscreen
if [ "${1:-}" = "--sanitize" ]; then
  export ASAN_OPTIONS="detect_leaks=1:abort_on_error=1:strict_string_checks=1"
  export LSAN_OPTIONS="suppressions=$root/tests/support/lsan.supp:print_suppressions=0"
  export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
fi
# The functional suite in parallel; then, in the plain build only, the wall-clock checks (label
# perf) one at a time, so that no other test loads the machine while they measure.
ctest --test-dir "$build_dir" --output-on-failure -j "$(nproc 2>/dev/null || echo 2)" -LE perf
if [ -z "${1:-}" ]; then
  ctest --test-dir "$build_dir" --output-on-failure -L perf
fi

# The command-line contract that scripts rely on (docs/architecture.md, "Surfaces").
contract="$root/../shared/tools/contract-check"
if [ -z "${1:-}" ] && [ -f "$contract" ]; then
  python3 "$contract" "$build_dir/app/ragdesk"
fi
