#!/usr/bin/env bash
# Where a load test's CPU goes, thread by thread (bench/RESULTS.md, "Where an answer's CPU goes,
# by thread"): runs `ragdesk loadtest`, reads each thread's CPU time from /proc at FROM seconds
# and TO seconds, and prints it per thread name, in ms per answered request when ANSWERS_PER_S
# is given. Usage: bench/thread_cpu.sh RAGDESK DATA_DIR SCENARIO [FROM [TO [ANSWERS_PER_S]]]
set -euo pipefail
ragdesk=$1 data_dir=$2 scenario=$3 from=${4:-6} to=${5:-16} rate=${6:-}
report_dir=$(mktemp -d)
trap 'rm -rf "$report_dir"' EXIT
"$ragdesk" --data-dir "$data_dir" loadtest "$scenario" --report-dir "$report_dir" > "$report_dir/log" 2>&1 &
pid=$!
ticks() { # "TID NAME TICKS" for each thread; a name's spaces become underscores
    for task in /proc/$pid/task/*; do
        printf '%s %s %s\n' "${task##*/}" "$(tr ' ' _ < "$task/comm")" "$(awk '{print $14 + $15}' "$task/stat")"
    done 2>/dev/null | sort
}
sleep "$from"; ticks > "$report_dir/t1"
sleep $((to - from)); ticks > "$report_dir/t2"
wait "$pid"
hz=$(getconf CLK_TCK)
join "$report_dir/t1" "$report_dir/t2" | awk -v hz="$hz" -v s=$((to - from)) -v rate="$rate" '
    { cpu[$2] += ($5 - $3) / hz; all += ($5 - $3) / hz }
    END {
        for (name in cpu)
            printf "%-18s %7.2f s%s\n", name, cpu[name], rate ? sprintf("  %6.2f ms/answer", 1000 * cpu[name] / (rate * s)) : ""
        printf "%-18s %7.2f s%s\n", "all", all, rate ? sprintf("  %6.2f ms/answer", 1000 * all / (rate * s)) : ""
    }'
