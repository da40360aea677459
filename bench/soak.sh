#!/usr/bin/env bash
# Fault soak (docs/reliability.md, "Fault soak"): runs a load-test scenario against a fresh data
# dir holding the demo knowledge base, with every provider (embeddings, reranker, chat model) served
# by `ragdesk sim` under a fault profile, then checks the run:
#   1. the load test exits by itself, without a crash;
#   2. no request is lost: every request started is recorded (answered, failed or cancelled);
#   3. every failure has a named kind (no `error`, no `internal`, nothing cancelled);
#   4. no request outlives its deadline (plus a tolerance);
#   5. rerank failures fall back: answers whose trace says rerank_fallback, and the failed rerank
#      calls in the call log;
#   6. memory stays flat: RSS sampled every 2 s, its slope in MB/min.
# Exit 0 when every property holds, 1 when one fails (each failure named), 2 on a usage error or
# when the setup (simulator, knowledge base, assistant) fails.
#
#   bench/soak.sh [SCENARIO] [--ragdesk BIN] [--profile FILE] [--out DIR] [--nice N]
#                 [--tolerance-ms N] [--max-anon-slope MB/MIN] [--max-rss-growth MB] [--rss-skip-s S]
#
# SCENARIO defaults to bench/scenarios/soak-faults.json (200 users, 10 minutes); the CI version is
# bench/scenarios/soak-faults-ci.json (tests/soak/run-ci-soak.sh). The scenario must use
# "providers": "real" and an assistant (target.assistant): this script creates the knowledge base
# (target.kb) and the assistant (target.assistant) and points their providers at the simulator, so
# the answers are saved with their traces and the rerank calls land in the data dir's call log,
# both of which outlive the run (a run with the scenario's own simulator keeps neither).
set -euo pipefail
{ # the whole script is read before it starts, so editing it cannot break a run in progress

root=$(cd "$(dirname "$0")/.." && pwd)
scenario=""
ragdesk="$root/build/app/ragdesk"
profile="$root/bench/scenarios/soak-faults-profile.json"
out=""
nice_level=0
tolerance_ms=2000
max_anon_slope=""   # MB/min; default: the checker's (depends on the run's length)
max_rss_growth=""   # MB
rss_skip_s=""       # seconds after the ramp left out of the slope fit

usage() { awk 'NR > 1 && /^#/ {sub(/^# ?/, ""); print; next} NR > 1 {exit}' "$0" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case "$1" in
    --ragdesk) ragdesk=$2; shift 2 ;;
    --profile) profile=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --nice) nice_level=$2; shift 2 ;;
    --tolerance-ms) tolerance_ms=$2; shift 2 ;;
    --max-anon-slope) max_anon_slope=$2; shift 2 ;;
    --max-rss-growth) max_rss_growth=$2; shift 2 ;;
    --rss-skip-s) rss_skip_s=$2; shift 2 ;;
    -h|--help) usage ;;
    -*) echo "soak: unknown option $1" >&2; usage ;;
    *) [ -z "$scenario" ] || usage; scenario=$1; shift ;;
  esac
done
scenario=${scenario:-$root/bench/scenarios/soak-faults.json}
[ -f "$scenario" ] || { echo "soak: no scenario $scenario" >&2; exit 2; }
scenario=$(cd "$(dirname "$scenario")" && pwd)/$(basename "$scenario")
case "$profile" in
  field|instant) ;; # the simulator's built-in profiles (no faults: a control run)
  *) profile=$(cd "$(dirname "$profile")" && pwd)/$(basename "$profile") ;;
esac

command -v python3 >/dev/null || { echo "soak: python3 is needed for the checks" >&2; exit 2; }
[ -x "$ragdesk" ] || { echo "soak: no ragdesk binary at $ragdesk (build it, or --ragdesk BIN)" >&2; exit 2; }
[ -f "$scenario" ] || { echo "soak: no scenario $scenario" >&2; exit 2; }
[ -f "$profile" ] || [ "$profile" = field ] || [ "$profile" = instant ] || { echo "soak: no simulator profile $profile" >&2; exit 2; }

# What the scenario asks for: knowledge base, assistant, and how long the run lasts.
meta=$(python3 - "$scenario" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
t, load = s.get("target", {}), s.get("load", {})
if s.get("providers") != "real" and s.get("providers") != {"real": True}:
    sys.exit('soak: the scenario must use "providers": "real" (this script serves them from the simulator)')
if not t.get("assistant"):
    sys.exit("soak: the scenario needs target.assistant (its answers are saved with their traces)")
if load.get("model", "closed") != "closed" or "sweep" in load or "iterations" in load:
    sys.exit("soak: the scenario must be one closed-model run limited by duration_s")
print(t.get("kb", ""), t["assistant"], float(load.get("warmup_s", 0)) + float(load["duration_s"]))
EOF
) || exit 2
read -r kb assistant run_s <<<"$meta"
[ -n "$kb" ] || { echo "soak: cannot read $scenario" >&2; exit 2; }

if [ -z "$out" ]; then
  out=$(mktemp -d "${TMPDIR:-/tmp}/ragdesk-soak.XXXXXX")
else
  [ ! -e "$out" ] || [ -z "$(ls -A "$out")" ] || { echo "soak: $out is not empty" >&2; exit 2; }
  mkdir -p "$out"
fi
out=$(cd "$out" && pwd)
data="$out/data"
export RAGDESK_KEYCHAIN=off # no key is used; do not wait for a session bus
rd() { "$ragdesk" --data-dir "$data" "$@"; }
log() { echo "soak: $*" >&2; }
# A setup step (its output in setup.log); a failure ends the script with its reason.
setup() {
  echo "+ ragdesk $*" >>"$out/setup.log"
  rd "$@" >>"$out/setup.log" 2>&1 || { log "setup failed: ragdesk $*"; tail -n 5 "$out/setup.log" >&2; exit 2; }
}

sim_pid=""
lt_pid=""
cleanup() {
  [ -z "$lt_pid" ] || kill "$lt_pid" 2>/dev/null || true
  [ -z "$sim_pid" ] || kill "$sim_pid" 2>/dev/null || true
}
trap cleanup EXIT

# Starts `ragdesk sim` with profile $1 on $2 (HOST:PORT), log $3; sets sim_pid and sim_url.
start_sim() {
  local attempt
  for attempt in 1 2 3 4 5; do
    nice -n "$nice_level" "$ragdesk" sim --profile "$1" --listen "$2" >"$3" 2>&1 &
    sim_pid=$!
    local i
    for i in $(seq 1 100); do
      sim_url=$(sed -n 's/^ragdesk sim listening on \(http[^ ]*\).*/\1/p' "$3")
      [ -n "$sim_url" ] && return 0
      kill -0 "$sim_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill "$sim_pid" 2>/dev/null || true
    wait "$sim_pid" 2>/dev/null || true
    sleep 1 # the port may still be held by the previous simulator
  done
  log "the simulator did not start: $(cat "$3")"
  exit 2
}
stop_sim() {
  kill "$sim_pid" 2>/dev/null || true
  wait "$sim_pid" 2>/dev/null || true
  sim_pid=""
}

# 1. The knowledge base, embedded by the simulator's OpenAI-compatible embeddings, ingested while
#    the simulator answers without faults; then the same port serves the fault profile, so the
#    question embeddings of the run go through the faults too.
log "output in $out"
start_sim instant 127.0.0.1:0 "$out/sim-ingest.log"
port=${sim_url##*:}
# Connections and timeouts as the load test gives the providers of its own simulator.
setup providers add sim-embed --kind openai-compatible --base-url "$sim_url/openai/v1" --model sim-embed \
  --max-connections 128 --timeout-ms 30000
setup kb create "$kb" --embedder sim-embed
setup ingest "$kb" "$root/resources/demo"
stop_sim
start_sim "$profile" "127.0.0.1:$port" "$out/sim.log"
setup providers add sim-rerank --kind jina --base-url "$sim_url/jina/v1" --model sim-rerank \
  --max-connections 128 --timeout-ms 30000
setup providers add sim-chat --kind openai-compatible --base-url "$sim_url/openai/v1" --model sim-chat \
  --max-connections 128 --timeout-ms 60000
setup assistant create "$assistant" --kb "$kb" --llm sim-chat --reranker sim-rerank
log "simulator at $sim_url with $(basename "$profile"); knowledge base '$kb', assistant '$assistant'"

# 2. The run, its RSS sampled every 2 s from /proc (the report keeps only the peak).
log "running $(basename "$scenario") (${run_s} s, then up to 30 s of drain)"
nice -n "$nice_level" "$ragdesk" --data-dir "$data" loadtest "$scenario" --report-dir "$out/report" \
  >"$out/loadtest.out" 2>"$out/loadtest.err" &
lt_pid=$!
# A run that has not ended by its schedule + the 30 s drain + a minute has a request that never
# ends (the runner waits for every one): it is killed and reported as such.
limit_s=$(python3 -c "print(int($run_s + 30 + 60 + 30))")
t0=$(date +%s%N)
echo "t_s,rss_mb,anon_mb,file_mb,threads,db_mb" >"$out/rss.csv"
watchdog=0
while kill -0 "$lt_pid" 2>/dev/null; do
  elapsed_ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  status=$(cat "/proc/$lt_pid/status" 2>/dev/null || true)
  if [ -n "$status" ] && grep -q '^VmRSS:' <<<"$status"; then
    db_kb=$(du -sk "$data" 2>/dev/null | cut -f1 || echo 0)
    awk -v t="$elapsed_ms" -v db="${db_kb:-0}" '
      /^VmRSS:/ {rss=$2} /^RssAnon:/ {anon=$2} /^RssFile:/ {file=$2} /^Threads:/ {th=$2}
      END {printf "%.1f,%.1f,%.1f,%.1f,%d,%.1f\n", t/1000, rss/1024, anon/1024, file/1024, th, db/1024}' <<<"$status" >>"$out/rss.csv"
  fi
  if [ "$elapsed_ms" -gt $(( limit_s * 1000 )) ]; then
    log "the load test has not ended after ${limit_s} s: killing it (SIGABRT)"
    tail -n 3 "$out/loadtest.err" >&2 || true
    watchdog=1
    kill -ABRT "$lt_pid" 2>/dev/null || true
    sleep 5
    kill -KILL "$lt_pid" 2>/dev/null || true
    break
  fi
  sleep 2
done
rc=0
wait "$lt_pid" || rc=$?
lt_pid=""
sim_alive=0
kill -0 "$sim_pid" 2>/dev/null && sim_alive=1
stop_sim
log "load test exited with status $rc"

# 3. The checks. The call log as `ragdesk calls` shows it (the newest 10,000 calls are kept).
rd calls --provider sim-rerank --json --limit 10000 >"$out/rerank-calls.json" 2>>"$out/setup.log" || echo "[]" >"$out/rerank-calls.json"
args=(--out "$out" --rc "$rc" --watchdog "$watchdog" --sim-alive "$sim_alive" --tolerance-ms "$tolerance_ms")
[ -z "$max_anon_slope" ] || args+=(--max-anon-slope "$max_anon_slope")
[ -z "$max_rss_growth" ] || args+=(--max-rss-growth "$max_rss_growth")
[ -z "$rss_skip_s" ] || args+=(--rss-skip-s "$rss_skip_s")
python3 "$root/bench/soak_check.py" "${args[@]}"
exit
}
