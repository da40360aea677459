#include "serve/prometheus_text.h"

#include <cmath>

namespace rag::serve {

namespace {

QByteArray number(double value)
{
    if (std::isnan(value))
        return "NaN";
    if (std::isinf(value))
        return value > 0 ? "+Inf" : "-Inf";
    return QByteArray::number(value, 'g', 15);
}

QByteArray labelText(const PrometheusLabels &labels)
{
    if (labels.isEmpty())
        return {};
    QByteArray out = "{";
    for (qsizetype i = 0; i < labels.size(); ++i) {
        if (i > 0)
            out += ',';
        out += labels.at(i).first + "=\"" + PrometheusText::escapeLabelValue(labels.at(i).second) + '"';
    }
    return out + '}';
}

} // namespace

void PrometheusText::family(const QByteArray &name, const QByteArray &type, const QByteArray &help)
{
    m_text += "# HELP " + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
}

void PrometheusText::sample(const QByteArray &name, const PrometheusLabels &labels, double value)
{
    m_text += name + labelText(labels) + ' ' + number(value) + '\n';
}

void PrometheusText::histogram(const QByteArray &name, const PrometheusLabels &labels, const metrics::LatencyHistogram &micros)
{
    for (const double bound : latencyBucketsSeconds()) {
        PrometheusLabels withLe = labels;
        withLe.append({"le", QString::fromLatin1(number(bound))});
        sample(name + "_bucket", withLe, double(micros.countAtMost(qint64(std::llround(bound * 1e6)))));
    }
    PrometheusLabels infinity = labels;
    infinity.append({"le", QStringLiteral("+Inf")});
    sample(name + "_bucket", infinity, double(micros.count()));
    sample(name + "_sum", labels, micros.sum() / 1e6);
    sample(name + "_count", labels, double(micros.count()));
}

const QList<double> &PrometheusText::latencyBucketsSeconds()
{
    // From a cache hit to a reranker timing out: the stages span four orders of magnitude.
    static const QList<double> buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};
    return buckets;
}

QByteArray PrometheusText::escapeLabelValue(const QString &value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace rag::serve
