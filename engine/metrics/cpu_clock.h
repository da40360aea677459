// CPU time as a load test accounts for it: this process's (user + system, every thread) and the
// whole machine's busy and total time, so that a run can tell "our CPU per request" from "the
// machine was full" (a simulator or another program on the same cores).
#pragma once

#include <QtGlobal>

namespace rag::metrics {

struct CpuClock {
    double processS = 0;      // getrusage(RUSAGE_SELF): user + system seconds
    qint64 machineBusy = 0;   // /proc/stat "cpu" line: every field but idle and iowait (ticks)
    qint64 machineTotal = 0;  // ... all fields (ticks); 0 when /proc/stat is unreadable
    double helperS = -1;      // a helper process's user + system seconds (/proc/PID/stat); -1: none

    // helperPid: another process whose CPU the run accounts for apart (the provider simulator).
    static CpuClock now(qint64 helperPid = 0);
    static int cores(); // online processors

    // Over the interval from `earlier` to this one: the machine's busy share, 0..1 (0 if unknown).
    double machineBusySince(const CpuClock &earlier) const;
};

} // namespace rag::metrics
