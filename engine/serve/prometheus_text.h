// Prometheus' text exposition format 0.0.4 (docs/serve.md, "Metrics"): families with HELP and
// TYPE, samples with escaped labels, and latency histograms as cumulative buckets in seconds.
#pragma once

#include "metrics/latency_histogram.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <utility>

namespace rag::serve {

using PrometheusLabels = QList<std::pair<QByteArray, QString>>;

class PrometheusText {
public:
    // Starts a family; each is written once, before its samples.
    void family(const QByteArray &name, const QByteArray &type, const QByteArray &help);
    void sample(const QByteArray &name, const PrometheusLabels &labels, double value);
    // NAME_bucket{le=...} for each upper bound (seconds) and +Inf, NAME_sum (seconds), NAME_count.
    void histogram(const QByteArray &name, const PrometheusLabels &labels, const metrics::LatencyHistogram &micros);

    const QByteArray &text() const { return m_text; }

    static const QList<double> &latencyBucketsSeconds();
    static QByteArray escapeLabelValue(const QString &value);

private:
    QByteArray m_text;
};

} // namespace rag::serve
