// The JSON shape of a recorded rerank call, shared by `ragdesk calls --json` and the desktop
// inspector's export, so both write the same field names.
#pragma once

#include "store/provider_records.h"

#include <QJsonObject>
#include <QStringList>

namespace rag::store {

// "at" is ISO 8601 UTC with milliseconds; "error" is null for successful calls.
QJsonObject rerankCallToJson(const RerankCallRecord &call, bool withBodies);
// The keys of rerankCallToJson in reading order (QJsonObject sorts its keys), for tabular exports.
QStringList rerankCallJsonFields(bool withBodies);

} // namespace rag::store
