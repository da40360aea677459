#!/usr/bin/env bash
# Writes PNG screenshots of the desktop app's main views to docs/screenshots/ (or DIR): the
# empty window, a searched knowledge base, a chat answer, the rerank calls, a load test's result.
# They come from tests/ui/tst_screenshots.cpp, which drives the real window on the demo knowledge
# base offscreen, so a screenshot is only written when its flow works.
# Usage: scripts/screenshots.sh [DIR]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/docs/screenshots}")
bash "$root/packaging/install-deps.sh" >/dev/null
build_dir=$(bash "$root/scripts/build.sh" --target tst_screenshots --target ragdesk | tail -n 1)
QT_QPA_PLATFORM=offscreen RAGDESK_SCREENSHOT_DIR="$out" RAGDESK_SOURCE_DIR="$root" \
  RAGDESK_BINARY="$build_dir/app/ragdesk" "$build_dir/tests/tst_screenshots" >/dev/null
ls "$out"/*.png
