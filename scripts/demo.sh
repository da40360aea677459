#!/usr/bin/env bash
# Installs what is missing, builds ragdesk, ingests the demo knowledge base, asks it a question
# (offline: built-in embedder and reranker, an extractive answer with citations), and opens the
# desktop app on it. Without a display it stays on the terminal.
# RAGDESK_DATA_DIR picks another data folder (default: ~/.local/share/ragdesk).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/install-deps.sh"
build_dir=$(bash "$root/scripts/build.sh" --target ragdesk | tail -n 1)

ragdesk=("$build_dir/app/ragdesk")
[ -n "${RAGDESK_DATA_DIR:-}" ] && ragdesk+=(--data-dir "$RAGDESK_DATA_DIR")

if ! "${ragdesk[@]}" kb list --json | grep -q '"name":"demo"'; then
  "${ragdesk[@]}" kb create demo
fi
echo "== ingesting the demo knowledge base (unchanged files are skipped)"
"${ragdesk[@]}" ingest demo "$root/resources/demo"

question="How do I ingest a folder of documents?"
echo
echo "== ask: $question"
"${ragdesk[@]}" ask demo "$question"
echo
echo "== the passages behind it (search): $question"
"${ragdesk[@]}" search demo "$question" --top-n 3

echo
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "== opening the desktop app"
  exec "${ragdesk[@]}"
else
  echo "No display available, so the desktop app cannot open here: the answer above came from the terminal."
  echo "Try more: ${ragdesk[*]} ask demo \"what does the vector weight do\""
  echo "          ${ragdesk[*]} search demo \"reranker\" --json"
fi
