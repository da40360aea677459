// Reads a JSON object from request and reply bodies. Qt 6.4's QJsonDocument::fromJson() appends
// every parsed string one character at a time: a quarter of the provider simulator's CPU went to
// reading rerank bodies of 64 passages (bench/RESULTS.md). This reader converts each string in
// one UTF-8 pass instead.
#pragma once

#include <QByteArrayView>
#include <QJsonObject>

#include <optional>

namespace rag {

// The object `text` holds, equal to what QJsonDocument::fromJson() makes of it. Anything it is
// not sure of (malformed JSON, invalid UTF-8, unpaired surrogate escapes, nesting deeper than 64,
// a top level that is not an object) gives nullopt: call QJsonDocument::fromJson() then, for its
// verdict and its error message.
std::optional<QJsonObject> readJsonObject(QByteArrayView text);

} // namespace rag
