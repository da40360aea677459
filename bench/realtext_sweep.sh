#!/usr/bin/env bash
# One command for the real-text saturation benchmark (bench/RESULTS.md): builds ragdesk,
# (re)builds the ~21,000-chunk knowledge base from Debian's HTML manuals, and runs S2 without
# think time against it. Usage: bench/realtext_sweep.sh [REPORT_DIR] [SCENARIO]
# (defaults /tmp/realtext-sweep and bench/scenarios/s2-saturation-realtext.json).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
report_dir=${1:-/tmp/realtext-sweep}
scenario=${2:-$root/bench/scenarios/s2-saturation-realtext.json}
build_dir=$(bash "$root/scripts/build.sh" --target ragdesk | tail -n 1)
data_dir=$(RAGDESK="$build_dir/app/ragdesk" bash "$root/bench/realtext_kb.sh" | tail -n 1)
"$build_dir/app/ragdesk" --data-dir "$data_dir" loadtest "$scenario" --report-dir "$report_dir"
