#include "metrics/cpu_clock.h"

#include <QFile>
#include <QList>
#include <QThread>

#include <sys/resource.h>
#include <unistd.h>

namespace rag::metrics {

CpuClock CpuClock::now(qint64 helperPid)
{
    CpuClock clock;
    if (helperPid > 0) {
        QFile helper(QStringLiteral("/proc/%1/stat").arg(helperPid));
        if (helper.open(QIODevice::ReadOnly)) {
            // "pid (comm) state ..." with utime and stime the 14th and 15th fields; comm may hold
            // spaces, so fields are counted after its closing parenthesis.
            const QByteArray line = helper.readAll();
            const QList<QByteArray> fields = line.mid(line.lastIndexOf(')') + 2).simplified().split(' ');
            if (fields.size() > 12)
                clock.helperS = double(fields.at(11).toLongLong() + fields.at(12).toLongLong()) / double(sysconf(_SC_CLK_TCK));
        }
    }
    rusage usage{};
    if (getrusage(RUSAGE_SELF, &usage) == 0) {
        clock.processS = double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
    }
    QFile stat(QStringLiteral("/proc/stat"));
    if (stat.open(QIODevice::ReadOnly)) {
        // "cpu  user nice system idle iowait irq softirq steal guest guest_nice"
        const QList<QByteArray> fields = stat.readLine().simplified().split(' ');
        if (fields.size() >= 5 && fields.first() == "cpu") {
            for (qsizetype i = 1; i < fields.size() && i <= 8; ++i) { // guest time is inside user
                const qint64 ticks = fields.at(i).toLongLong();
                clock.machineTotal += ticks;
                if (i != 4 && i != 5)
                    clock.machineBusy += ticks;
            }
        }
    }
    return clock;
}

int CpuClock::cores()
{
    return QThread::idealThreadCount();
}

double CpuClock::machineBusySince(const CpuClock &earlier) const
{
    const qint64 total = machineTotal - earlier.machineTotal;
    if (total <= 0 || earlier.machineTotal == 0)
        return 0;
    return double(machineBusy - earlier.machineBusy) / double(total);
}

} // namespace rag::metrics
