// Axis ticks for the reports' charts: steps of 1, 2 or 5 times a power of ten, which a reader
// adds up at a glance.
#pragma once

namespace rag::loadtest {

// The smallest such step that divides `range` into at most `ticks` intervals.
double niceStep(double range, int ticks);

} // namespace rag::loadtest
