// report.html: one self-contained page for a load-test run (verdict, counts, stage table, SVG
// charts of the time series) that opens offline and can be mailed or archived as it is.
#pragma once

#include "loadtest/run_recorder.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace rag::loadtest {

// `report` is reportJson()'s object, `series` the recorder's timeSeries(). Every string from the
// report is HTML-escaped (scenario names are user input). No script and no external resource: a
// Content-Security-Policy forbids both. Stable hooks for tests: #verdict, tr.threshold,
// tr.stage[data-stage], svg.chart (#chart-throughput, #chart-ttfc, #chart-inflight) holding
// path.series and rect.warmup.
QString htmlReport(const QJsonObject &report, const QList<TimeBucket> &series);

} // namespace rag::loadtest
