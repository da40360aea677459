#!/usr/bin/env bash
# The fault soak's CI version: 200 users for 60 s against the simulator with every fault of
# bench/scenarios/soak-faults-profile.json (500s, 429 with Retry-After, hangs, resets, malformed
# JSON, streams cut mid-way), checked by bench/soak.sh: no crash, no request lost, every failure of
# a named kind, no request past its deadline (+2 s), rerank failures fall back and are logged,
# anonymous RSS grows by at most 24 MB over the run's steady part (docs/reliability.md, "Fault soak").
#
#   tests/soak/run-ci-soak.sh BUILD_DIR
#
# Exit 0 when every property holds; 1 with each failed property named (the run's outputs are then
# kept and their folder printed); 2 on a usage error. Takes about 90 s (60 s of load, then the
# requests hung by the simulator run to their 25 s deadline) and about 0.3 of a core; run it
# alone (RUN_SERIAL), not beside other timing-sensitive tests.
set -euo pipefail
{ # read whole before it runs: an edit during a run cannot break it

if [ $# -ne 1 ]; then
  echo "usage: $0 BUILD_DIR" >&2
  exit 2
fi
build=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/../.." && pwd)
ragdesk="$build/app/ragdesk"
if [ ! -x "$ragdesk" ]; then
  echo "run-ci-soak: no ragdesk binary at $ragdesk" >&2
  exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/ragdesk-ci-soak.XXXXXX")
rc=0
bash "$root/bench/soak.sh" "$root/bench/scenarios/soak-faults-ci.json" --ragdesk "$ragdesk" --out "$work/run" || rc=$?
if [ "$rc" -eq 0 ]; then
  rm -rf "$work"
  echo "run-ci-soak: PASS (the run's outputs are removed)"
  exit 0
fi
echo "run-ci-soak: FAIL (bench/soak.sh exited with $rc); the run's outputs are in $work/run:" >&2
echo "  loadtest.err (progress), report/ (report.json, timeseries.csv), rss.csv, sim.log, summary.json" >&2
exit 1
}
