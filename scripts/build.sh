#!/usr/bin/env bash
# Configures and builds ragdesk. Usage: scripts/build.sh [--sanitize] [--target NAME]
# Builds into build/ (build-asan/ with --sanitize); warnings are errors.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir="$root/build"
cmake_args=(-G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRAGDESK_WERROR=ON)
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --sanitize)
      build_dir="$root/build-asan"
      cmake_args+=(-DRAGDESK_SANITIZE="address;undefined" -DRAGDESK_BUILD_BENCH=OFF) ;;
    --target) targets+=(--target "$2"); shift ;;
    *) echo "build.sh: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S "$root" -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j "$jobs" "${targets[@]}" >&2 # stdout carries only the build dir
echo "$build_dir"
