#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/; docs/reliability.md, "Fuzzing") with clang, ASan and UBSan,
# replays every input that once made one fail (fuzz/regressions/NAME/), then fuzzes each target
# for SECONDS on a copy of its seeds (fuzz/corpus/NAME/): nothing is written into the repository.
#
# Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]
#   20 seconds per target by default (CI runs 10); `scripts/fuzz.sh 600` is the long form, run
#   by hand like the bench/ programs when a parser changes, not in CI.
# Environment: RAGDESK_FUZZ_BUILD_DIR (default build-fuzz/), RAGDESK_FUZZ_TARGETS (names to run,
# e.g. "sse_parser chunker"; default all), RAGDESK_FUZZ_SEED (default 1: a run repeats the same
# inputs, so CI fails on what a change broke, not on a new draw; 0 draws a new seed),
# RAGDESK_FUZZ_RUNS (stop each target after this many inputs, whichever comes first with
# SECONDS: with the fixed seed, a machine of any speed then tries much the same inputs).
# Exit 1 when a target fails: it names the target and the file that makes it fail (kept under
# BUILD_DIR/fuzz-artifacts/NAME/ with the run's log). A found input belongs in
# fuzz/regressions/NAME/ once the bug is fixed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-20}
case "$seconds" in
  '' | *[!0-9]* | 0) echo "usage: scripts/fuzz.sh [SECONDS_PER_TARGET] (default 20; 600 is the long form)" >&2; exit 2 ;;
esac
build_dir=${RAGDESK_FUZZ_BUILD_DIR:-$root/build-fuzz}
jobs=$(nproc 2>/dev/null || echo 2)

# The project's packages and clang 14 with its runtimes (libFuzzer, ASan, UBSan), installed only
# when missing.
bash "$root/packaging/install-deps.sh" clang-14 libclang-rt-14-dev

# Only the engine libraries the targets link are built (target fuzz_all), instrumented for the
# fuzzer; sanitizer builds keep their own allocator, so tcmalloc is not linked.
build_start=$(date +%s)
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 \
  -DRAGDESK_FUZZ=ON -DRAGDESK_SANITIZE="fuzzer-no-link;address;undefined" -DRAGDESK_ALLOCATOR=system \
  -DRAGDESK_WERROR=ON -DRAGDESK_BUILD_TESTS=OFF -DRAGDESK_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target fuzz_all -j"$jobs"
echo "fuzz: build took $(($(date +%s) - build_start)) s"

targets=${RAGDESK_FUZZ_TARGETS:-$(cd "$root/fuzz" && ls fuzz_*.cpp | sed -e 's/^fuzz_//' -e 's/\.cpp$//')}
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
work=$(mktemp -d "${TMPDIR:-/tmp}/ragdesk-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
failures=()
run_start=$(date +%s)
for name in $targets; do
  binary="$build_dir/fuzz/fuzz_$name"
  [ -x "$binary" ] || { echo "fuzz: no target $name" >&2; exit 2; }
  artifacts="$build_dir/fuzz-artifacts/$name"
  rm -rf "$artifacts" && mkdir -p "$artifacts"
  options=(-rss_limit_mb=2048 -timeout=10)
  dictionary="$root/fuzz/dictionaries/$name.dict" # the format's words, so short runs get past its syntax
  [ -f "$dictionary" ] && options+=(-dict="$dictionary")

  # Each input that once failed, once: a fixed bug stays fixed.
  regressions="$root/fuzz/regressions/$name"
  if [ -d "$regressions" ]; then
    for input in "$regressions"/*; do
      [ -f "$input" ] || continue
      log="$artifacts/regression-$(basename "$input").log"
      if ! "$binary" "${options[@]}" "$input" >"$log" 2>&1; then
        echo "fuzz: FAILED $name on regression ${input#"$root"/} (log: $log)" >&2
        failures+=("$name: ${input#"$root"/}")
      fi
    done
  fi

  # Then new inputs, from a copy of the seeds (the fuzzer adds what it finds to its first folder).
  mkdir -p "$work/$name"
  cp -R "$root/fuzz/corpus/$name" "$work/$name/corpus"
  start=$(date +%s)
  status=0
  (cd "$work/$name" && "$binary" "${options[@]}" -max_total_time="$seconds" -seed="${RAGDESK_FUZZ_SEED:-1}" -runs="${RAGDESK_FUZZ_RUNS:--1}" -print_final_stats=1 \
    -artifact_prefix="$artifacts/" corpus) >"$artifacts/fuzz.log" 2>&1 || status=$?
  took=$(($(date +%s) - start))
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$artifacts/fuzz.log" | tail -n 1)
  coverage=$(grep -o 'cov: [0-9]*' "$artifacts/fuzz.log" | tail -n 1 || true)
  if [ "$status" -ne 0 ]; then
    found=$(find "$artifacts" -maxdepth 1 -type f \( -name 'crash-*' -o -name 'timeout-*' -o -name 'oom-*' -o -name 'leak-*' \) | head -n 1)
    echo "fuzz: FAILED $name after $took s (exit $status): ${found:-no input saved} (log: $artifacts/fuzz.log)" >&2
    grep -m 5 -E 'ERROR|FUZZ_CHECK|runtime error|SUMMARY' "$artifacts/fuzz.log" >&2 || true
    failures+=("$name: ${found:-exit $status}")
  else
    echo "fuzz: $name ok, $took s, ${runs:-?} inputs, ${coverage:-cov: ?}"
  fi
done
echo "fuzz: runs took $(($(date +%s) - run_start)) s"

if [ ${#failures[@]} -gt 0 ]; then
  echo "fuzz: ${#failures[@]} failure(s):" >&2
  printf '  %s\n' "${failures[@]}" >&2
  exit 1
fi
