// Writes recorded rerank calls (without bodies) to a file: CSV when the path ends in .csv, JSON
// otherwise, with the field names of `ragdesk calls --json`.
#pragma once

#include "api/records.h"

namespace rag::ui {

// Returns an error message a user can act on, or an empty string when the file was written.
QString exportCalls(const QList<api::RerankCallRecord> &calls, const QString &path);

} // namespace rag::ui
