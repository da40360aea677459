#!/usr/bin/env python3
"""Checks a fault soak's outputs (bench/soak.sh writes them into one folder) and prints its numbers.

Reads OUT/report/report.json and timeseries.csv (the load test's reports), OUT/loadtest.err (its
progress lines), OUT/rss.csv (RSS sampled from /proc every 2 s), OUT/data/ragdesk.sqlite (the
answers saved with their traces) and OUT/rerank-calls.json (`ragdesk calls --json`). Writes
OUT/summary.json; exits 1 when a property fails, naming it.
"""
import argparse
import csv
import json
import os
import re
import sqlite3
import sys

# docs/reliability.md, "Errors carry their kind": every named kind but `error` (not classified)
# and `internal` (an exception escaped: a defect). provider_http_NNN is any status.
NAMED_KINDS = {
    "overloaded", "deadline", "cancelled", "shutting_down", "question_too_long", "assistant_not_found",
    "conversation_not_found", "not_found", "invalid_request", "timeout", "stalled", "connect", "network",
    "stream_cut", "malformed", "tls", "provider_overloaded", "storage",
}
CRASH_MARKERS = re.compile(r"AddressSanitizer|LeakSanitizer|runtime error:|terminate called|QFATAL|"
                           r"Segmentation fault|ASSERT|Aborted|core dumped")
PROGRESS = re.compile(r"(\d+) finished, (\d+) in flight")


def kinds_from_source(path):
    """The kinds errorKindName() can return (engine/core/error_kind.cpp), so that a kind added
    there is known here; the list above when the source is not at hand."""
    try:
        text = open(path).read()
    except OSError:
        return set(NAMED_KINDS)
    names = set(re.findall(r'return QStringLiteral\("([a-z_]+)"\)', text))
    return (names - {"error", "internal"}) or set(NAMED_KINDS)


def named(kind, kinds):
    return kind in kinds or re.fullmatch(r"provider_http_\d{3}", kind) is not None


def slope_per_min(points):
    """Least-squares slope of (t_s, value) in value units per minute; None with < 3 points."""
    if len(points) < 3:
        return None
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mv = sum(v for _, v in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    if var == 0:
        return None
    return sum((t - mt) * (v - mv) for t, v in points) / var * 60.0


def error_class(text):
    """A short name for a rerank failure's message (the call log and the traces keep the text)."""
    text = text or ""
    m = re.search(r"HTTP (\d{3})", text)
    if m:
        return "http_" + m.group(1)
    for needle, name in (("timeout", "timeout"), ("not JSON", "malformed"), ("malformed", "malformed"),
                         ("reset", "network"), ("closed", "network"), ("cancel", "cancelled")):
        if needle in text:
            return name
    return text[:60]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--rc", type=int, required=True)
    ap.add_argument("--watchdog", type=int, default=0)
    ap.add_argument("--sim-alive", type=int, default=1)
    ap.add_argument("--tolerance-ms", type=float, default=2000)
    ap.add_argument("--error-kinds-from", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..",
                                                               "engine", "core", "error_kind.cpp"))
    ap.add_argument("--max-anon-slope", type=float, default=None,
                    help="MB/min of anonymous RSS over the steady window (default: 1.0 for a window of "
                         "5 minutes or more, none for shorter windows, where --max-rss-growth applies)")
    ap.add_argument("--max-rss-growth", type=float, default=None,
                    help="MB of anonymous RSS growth over the steady window (default: 24)")
    ap.add_argument("--rss-skip-s", type=float, default=None,
                    help="seconds after the ramp left out of the RSS fit (default: 60 for runs of 5 "
                         "minutes or more, else 10)")
    a = ap.parse_args()
    out = a.out
    failures = []
    lines = []

    def check(ok, prop, text):
        lines.append(f"{'PASS' if ok else 'FAIL'}  {prop}: {text}")
        if not ok:
            failures.append(f"{prop}: {text}")

    report_path = os.path.join(out, "report", "report.json")
    report = json.load(open(report_path)) if os.path.exists(report_path) else None
    err_text = open(os.path.join(out, "loadtest.err"), errors="replace").read()
    out_text = open(os.path.join(out, "loadtest.out"), errors="replace").read()

    # 1. No crash: the load test ended by itself with 0 (or 1, a failed threshold, judged below),
    #    wrote its report, printed no crash marker; the simulator was still up.
    crash = CRASH_MARKERS.search(err_text + out_text)
    exited = a.rc in (0, 1) and not a.watchdog and report is not None
    check(exited and not crash, "no crash",
          f"exit status {a.rc}" + (", killed by the watchdog (it did not end)" if a.watchdog else "")
          + (f", crash marker {crash.group(0)!r} in its output" if crash else "")
          + ("" if report is not None else ", no report.json"))
    if a.rc == 1 and report is not None and report.get("passed", True):
        check(False, "no crash", "exit status 1 without a failed threshold: " + err_text.strip()[-300:])
    check(a.sim_alive == 1, "simulator alive", "the simulator was still running at the end" if a.sim_alive
          else "the simulator had exited before the end of the run (see sim.log)")
    if report is None:
        print("\n".join(lines))
        print("soak: FAILED (no report)\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1

    scenario = report["scenario"]
    target, load = scenario.get("target", {}), scenario.get("load", {})
    deadline_ms = float(target.get("deadline_s", 120)) * 1000
    limit_ms = deadline_ms + a.tolerance_ms
    run_s = float(load.get("warmup_s", 0)) + float(load["duration_s"])
    req = report["requests"]
    completed, failed = int(req["completed"]), int(req["failed"])
    cancelled, warmup = int(req["cancelled"]), int(req["warmup"])
    recorded = completed + failed + cancelled + warmup
    errors = {k: int(v) for k, v in report.get("errors_by_kind", {}).items()}
    stages = report.get("stages", {})

    # 2. None lost: the runner's last progress line (after its drain) says how many requests it
    #    started that finished and how many are still in flight; every one must be in the report.
    progress = PROGRESS.findall(err_text)
    last_finished, last_in_flight = (int(progress[-1][0]), int(progress[-1][1])) if progress else (-1, -1)
    check(last_in_flight == 0 and last_finished == recorded, "none lost",
          f"{last_finished} requests started and finished, {last_in_flight} in flight at the end; report: "
          f"{completed} answered + {failed} failed + {cancelled} cancelled + {warmup} warm-up = {recorded}")

    # 3. Every request an answer or a failure of a named kind.
    kinds = kinds_from_source(a.error_kinds_from)
    unnamed = {k: v for k, v in errors.items() if not named(k, kinds)}
    check(warmup == 0, "outcomes classified",
          "no warm-up request (their failures are not counted by kind)" if warmup == 0
          else f"{warmup} requests fell in the warm-up, whose failures the report does not classify: set warmup_s to 0")
    check(not unnamed and sum(errors.values()) == failed and cancelled == 0 and errors.get("cancelled", 0) == 0,
          "named error kinds",
          f"{failed} failures: " + ", ".join(f"{k} {v}" for k, v in sorted(errors.items()))
          + (f"; UNNAMED: {unnamed}" if unnamed else "")
          + (f"; by-kind sum {sum(errors.values())} != failed {failed}" if sum(errors.values()) != failed else "")
          + (f"; {cancelled} cancelled (still running 30 s after the schedule: past the deadline)" if cancelled else ""))

    # 4. Deadlines. The report has latencies of answered requests (e2e), of every request that showed
    #    a first chunk (ttfc), and per second the requests that ended: the last request to end must
    #    end within a deadline of the schedule's end. (Failed requests' own latencies are not in
    #    the report: bench/RESULTS.md, "Fault soak", says what would add them.)
    e2e_max = stages.get("e2e", {}).get("max", 0.0)
    ttfc_max = stages.get("ttfc", {}).get("max", 0.0)
    db = os.path.join(out, "data", "ragdesk.sqlite")
    traces = []
    if os.path.exists(db):
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
        traces = [json.loads(t) for (t,) in con.execute(
            "SELECT trace_json FROM messages WHERE role = 'assistant' AND trace_json IS NOT NULL")]
        con.close()
    saved_total_max = max((t.get("total", 0.0) for t in traces), default=0.0)
    series = list(csv.DictReader(open(os.path.join(out, "report", "timeseries.csv"))))
    ended = [int(r["second"]) for r in series if int(r["completed"]) + int(r["failed"]) + int(r["cancelled"]) > 0]
    last_end_s = max(ended, default=0)
    tail = sum(int(r["completed"]) + int(r["failed"]) + int(r["cancelled"]) for r in series if int(r["second"]) >= run_s)
    check(e2e_max <= limit_ms and ttfc_max <= limit_ms and saved_total_max <= limit_ms, "deadline (answers)",
          f"deadline {deadline_ms / 1000:.0f} s + {a.tolerance_ms / 1000:.1f} s tolerance; longest answer "
          f"{e2e_max / 1000:.2f} s (e2e max), {saved_total_max / 1000:.2f} s (saved traces), longest TTFC "
          f"{ttfc_max / 1000:.2f} s")
    check(last_end_s < run_s + limit_ms / 1000, "deadline (tail)",
          f"the {tail} requests still running at the schedule's end ({run_s:.0f} s) all ended by second "
          f"{last_end_s + 1} (limit {run_s + limit_ms / 1000:.1f} s)")

    # 5. Rerank failures fall back: answers produced although their rerank call failed (the trace
    #    says rerank_fallback), and the failed calls are in the call log.
    fallbacks = [t for t in traces if t.get("rerank_fallback")]
    fallback_classes = {}
    for t in fallbacks:
        c = error_class(t.get("rerank_error", ""))
        fallback_classes[c] = fallback_classes.get(c, 0) + 1
    calls = json.load(open(os.path.join(out, "rerank-calls.json")))
    call_errors = [c for c in calls if c.get("status") == "error"]
    call_classes = {}
    for c in call_errors:
        status = c.get("http_status") or 0
        k = f"http_{status}" if status >= 300 else error_class(c.get("error", ""))
        call_classes[k] = call_classes.get(k, 0) + 1
    retried = sum(1 for c in calls if int(c.get("attempts", 1)) > 1)  # 429 (Retry-After) and resets
    trimmed = len(calls) >= 10000  # the call log keeps the newest 10,000
    consistent = trimmed or len(fallbacks) <= len(call_errors)
    check(len(traces) == completed, "answers saved",
          f"{len(traces)} answers saved with their traces, {completed} answered in the report")
    check(len(fallbacks) > 0 and len(call_errors) > 0 and consistent, "rerank fallback",
          f"{len(fallbacks)} answers fell back to hybrid order after a failed rerank ("
          + ", ".join(f"{k} {v}" for k, v in sorted(fallback_classes.items())) + "); call log: "
          f"{len(calls)} rerank calls, {retried} retried, {len(call_errors)} failed ("
          + ", ".join(f"{k} {v}" for k, v in sorted(call_classes.items())) + ")"
          + ("" if consistent else "; MORE fallbacks than failed calls logged"))

    # 6. Memory: RSS over the steady window (after the ramp and a settling time, to the schedule's
    #    end), sampled every 2 s by soak.sh; the slope of anonymous RSS is the leak signal (file-backed
    #    RSS grows with the database, which SQLite maps: PRAGMA mmap_size).
    rows = [{k: float(v) for k, v in r.items()} for r in csv.DictReader(open(os.path.join(out, "rss.csv")))]
    ramp_s = float(load.get("ramp_s", 0))
    skip_s = a.rss_skip_s if a.rss_skip_s is not None else (60.0 if run_s >= 300 else 10.0)
    lo, hi = ramp_s + skip_s, run_s
    window = [r for r in rows if lo <= r["t_s"] <= hi]
    rss_slope = slope_per_min([(r["t_s"], r["rss_mb"]) for r in window])
    anon_slope = slope_per_min([(r["t_s"], r["anon_mb"]) for r in window])
    file_slope = slope_per_min([(r["t_s"], r["file_mb"]) for r in window])
    db_slope = slope_per_min([(r["t_s"], r["db_mb"]) for r in window])
    long_window = hi - lo >= 300
    max_anon_slope = a.max_anon_slope if a.max_anon_slope is not None else (1.0 if long_window else None)
    max_growth = a.max_rss_growth if a.max_rss_growth is not None else 24.0
    memory = {}
    if len(window) >= 3:
        first, last = window[0], window[-1]
        growth = last["rss_mb"] - first["rss_mb"]
        anon_growth = last["anon_mb"] - first["anon_mb"]
        memory = {"window_s": [lo, hi], "samples": len(window), "rss_start_mb": first["rss_mb"],
                  "rss_end_mb": last["rss_mb"], "rss_peak_mb": max(r["rss_mb"] for r in rows),
                  "anon_start_mb": first["anon_mb"], "anon_end_mb": last["anon_mb"],
                  "rss_slope_mb_per_min": rss_slope, "anon_slope_mb_per_min": anon_slope,
                  "file_slope_mb_per_min": file_slope, "db_slope_mb_per_min": db_slope,
                  "threads_peak": max(int(r["threads"]) for r in rows), "db_end_mb": rows[-1]["db_mb"]}
        ok = anon_growth <= max_growth and (max_anon_slope is None or anon_slope <= max_anon_slope)
        check(ok, "memory flat",
              f"RSS {first['rss_mb']:.1f} MB at {first['t_s']:.0f} s -> {last['rss_mb']:.1f} MB at "
              f"{last['t_s']:.0f} s (peak {memory['rss_peak_mb']:.1f} MB), slope {rss_slope:+.2f} MB/min; "
              f"anonymous {first['anon_mb']:.1f} -> {last['anon_mb']:.1f} MB, slope {anon_slope:+.2f} MB/min"
              + (f" (limit {max_anon_slope:.2f})" if max_anon_slope is not None else "")
              + f", growth {anon_growth:+.1f} MB (limit {max_growth:.0f}); file-backed {file_slope:+.2f} MB/min, "
              f"database {db_slope:+.2f} MB/min")
    else:
        check(False, "memory flat", f"only {len(window)} RSS samples between {lo:.0f} s and {hi:.0f} s")

    summary = {
        "scenario": report.get("name"), "exit_status": a.rc, "requests": recorded, "answered": completed,
        "failed": failed, "cancelled": cancelled, "errors_by_kind": errors, "error_rate": report.get("error_rate"),
        "throughput_rps": report.get("throughput_rps"), "deadline_ms": deadline_ms, "tolerance_ms": a.tolerance_ms,
        "e2e_max_ms": e2e_max, "e2e_p99_ms": stages.get("e2e", {}).get("p99"), "ttfc_max_ms": ttfc_max,
        "saved_answer_total_max_ms": saved_total_max, "last_end_second": last_end_s, "tail_requests": tail,
        "rerank_fallbacks": len(fallbacks), "rerank_fallback_causes": fallback_classes,
        "rerank_calls_logged": len(calls), "rerank_calls_retried": retried, "rerank_calls_failed": len(call_errors),
        "rerank_call_failures": call_classes, "memory": memory, "threads_peak": report.get("threads_peak"),
        "loop_lag_p99_ms": report.get("loop_lag_p99_ms"), "cpu": report.get("cpu"),
        "failures": failures,
    }
    json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=1)
    print(f"soak {report.get('name')}: {recorded} requests, {completed} answered, {failed} failed "
          f"({report.get('error_rate', 0) * 100:.1f}%), {report.get('throughput_rps')} answers/s")
    print("\n".join(lines))
    print(f"summary: {os.path.join(out, 'summary.json')}")
    if failures:
        print("soak: FAILED\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    print("soak: every property holds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
