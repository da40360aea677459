#!/usr/bin/env bash
# What the HTTP layer costs (docs/serve.md; results in bench/RESULTS.md): one closed-model load, one
# assistant, one set of simulated providers (a `ragdesk sim` process, profile field, HTTP/2), asked
# three ways: embedded in the load tester's process, and through `ragdesk serve` with an
# OpenAI-compatible target (HTTP/2) and a RAGFlow target (HTTP/1.1, the way RAGFlow clients come).
# Prints, per way: answers/s, TTFC p50 / p95, failures, the load tester's CPU per answer (for
# embedded: engine and load generator together) and serve's CPU per answer (whole run, warm-up
# included). The assistant and its two providers, bench-*, are (re)created in DATA_DIR.
# Usage: bench/serve_vs_embedded.sh DATA_DIR KB QUESTIONS_FILE USERS THINK_MS [DURATION_S]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
ragdesk=${RAGDESK:-$root/build/app/ragdesk}
data=$1 kb=$2 questions=$(realpath "$3") users=$4 think=$5 duration=${6:-30}
work=$(mktemp -d)
pids=()
trap 'kill "${pids[@]}" 2>/dev/null || true; rm -rf "$work"' EXIT
rd() { "$ragdesk" --data-dir "$data" "$@"; }

# Starts a listening command in the background: its URL (from its first line) in $url, its pid in $pid.
listen() {
  local out=$1; shift
  "$@" > "$out" 2> "$out.err" &
  pid=$!
  pids+=("$pid")
  for _ in $(seq 100); do
    if grep -q 'listening on' "$out"; then url=$(grep -o 'http://[^ ]*' "$out" | head -n 1); return; fi
    sleep 0.1
  done
  echo "not listening: $*" >&2; cat "$out.err" >&2; exit 1
}

listen "$work/sim.out" "$ragdesk" sim --profile field --listen 127.0.0.1:0
sim=$url
rd assistant remove bench-serve > /dev/null 2>&1 || true
for p in bench-rerank bench-chat; do rd providers remove "$p" > /dev/null 2>&1 || true; done
rd providers add bench-rerank --kind jina --base-url "$sim/jina/v1" --model jina-reranker-v2 --max-connections 1024 --http2 > /dev/null
rd providers add bench-chat --kind openai-compatible --base-url "$sim/openai/v1" --model sim-chat --max-connections 1024 --http2 > /dev/null
rd assistant create bench-serve --kb "$kb" --llm bench-chat --reranker bench-rerank > /dev/null

scenario() { # NAME TARGET_JSON
  cat > "$work/$1.json" <<JSON
{"name": "$1", "target": $2, "providers": "real",
 "load": {"model": "closed", "users": $users, "ramp_s": 5, "think_ms": $think, "think": "exponential",
          "warmup_s": 5, "duration_s": $duration},
 "questions": "$questions"}
JSON
  echo "$work/$1.json"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

report() { # NAME REPORT_DIR SERVE_PID SERVE_TICKS_BEFORE
  local serve_ms="-"
  if [ -n "$3" ]; then
    local ticks=$(( $(cpu_ticks "$3") - $4 ))
    serve_ms=$(python3 -c "
import json; r = json.load(open('$2/report.json'))['requests']
print(f'{$ticks * 1000 / $(getconf CLK_TCK) / max(1, r[\"completed\"] + r[\"warmup\"] + r[\"failed\"]):.2f}')")
  fi
  python3 - "$2/report.json" "$1" "$serve_ms" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
t = r['stages'].get('ttfc', {})
print(f"{sys.argv[2]:<22} {r['throughput_rps']:>8.1f} {t.get('p50', 0):>9.0f} {t.get('p95', 0):>9.0f} "
      f"{r['requests']['failed']:>7} {r['cpu']['ms_per_request']:>10.2f} {sys.argv[3]:>9}")
PY
}

echo "users $users, think ${think} ms, ${duration} s measured, knowledge base $kb"
printf '%-22s %8s %9s %9s %7s %10s %9s\n' way "answers/s" "ttfc p50" "ttfc p95" failed "tester ms" "serve ms"
rd loadtest "$(scenario embedded "{\"kind\": \"embedded\", \"kb\": \"$kb\", \"assistant\": \"bench-serve\"}")" \
   --report-dir "$work/embedded" > "$work/embedded.log" 2>&1 || true
report embedded "$work/embedded" "" ""

listen "$work/serve.out" "$ragdesk" --data-dir "$data" serve --listen 127.0.0.1:0
base=$url serve_pid=$pid
for _ in $(seq 600); do curl -sf "$base/readyz" > /dev/null && break; sleep 0.1; done
for way in openai ragflow; do
  if [ "$way" = openai ]; then
    target="{\"kind\": \"openai\", \"url\": \"$base/v1\", \"model\": \"bench-serve\", \"http2\": true}"
  else
    target="{\"kind\": \"ragflow\", \"url\": \"$base\", \"chat_id\": \"bench-serve\"}"
  fi
  before=$(cpu_ticks "$serve_pid")
  rd loadtest "$(scenario "$way" "$target")" --report-dir "$work/$way" > "$work/$way.log" 2>&1 || true
  report "serve, $way" "$work/$way" "$serve_pid" "$before"
done
