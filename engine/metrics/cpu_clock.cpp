#include "metrics/cpu_clock.h"

#include <QFile>
#include <QList>
#include <QThread>

#include <sys/resource.h>

namespace rag::metrics {

CpuClock CpuClock::now()
{
    CpuClock clock;
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
